#!/usr/bin/env python3
# Generates resample's golden data: inputs and PyTorch 1.13's F.interpolate outputs for a broad
# matrix of modes, ranks, options, dtypes and edge cases. Format: tests/golden/README.md.
#
#   ATEN_CPU_CAPABILITY=default /usr/bin/python3 tests/golden/make_goldens.py
#
# The output is a pure function of this file and the PyTorch binary: every random choice comes
# from one seeded generator, and PyTorch runs single-threaded in its FMA-free DEFAULT build.
# SPDX-License-Identifier: MIT

import math
import os
import sys
from pathlib import Path

SEED = 20240613
HERE = Path(__file__).resolve().parent

# (mode, spatial ranks) in the order the manifest lists them.
MODES = [
    ("nearest", (1, 2, 3)),
    ("nearest-exact", (1, 2, 3)),
    ("linear", (1,)),
    ("bilinear", (2,)),
    ("bicubic", (2,)),
    ("trilinear", (3,)),
    ("area", (1, 2, 3)),
]
INTERPOLATING = {"linear", "bilinear", "bicubic", "trilinear"}
ANTIALIASED = {"bilinear", "bicubic"}

# Random geometries per (mode, spatial rank); each is then crossed with both dtypes, two
# align_corners values (None or False in turn, then True) for the interpolating modes and
# antialias off and on for bilinear and bicubic.
RANDOM_GEOMETRIES = {
    "nearest": {1: 36, 2: 32, 3: 28},
    "nearest-exact": {1: 36, 2: 32, 3: 28},
    "linear": 32,
    "bilinear": 14,
    "bicubic": 14,
    "trilinear": 28,
    "area": {1: 32, 2: 32, 3: 26},
}

# Limits that keep the committed data small.
MAX_IN_EXTENT = {1: 32, 2: 10, 3: 6}
MAX_OUT_EXTENT = {1: 70, 2: 20, 3: 9}
MAX_OUT_PLANE = {1: 70, 2: 180, 3: 180}

# Scale factors that tend to expose rounding: exact powers, thirds, values just off 1 and 2.
INTERESTING_SCALES = [0.5, 2.0, 1.5, 0.75, 3.0, 0.3, 1.7, 2.5, 1.0 / 3.0, 1.05, 0.9, 4.0, 0.6,
                      1.25, 2.05, 0.999, 1.001, 1.0, 0.7, 0.1, 120.0 / 88.0, 46.0 / 14.0, 0.2]

# How a geometry asks for its output: size or scale_factor, scalar or per-axis, and the
# recompute_scale_factor value passed with a scale (None = not passed).
SPEC_KINDS = [
    ("size", False, None), ("size", True, None),
    ("scale", False, None), ("scale", False, False), ("scale", False, True),
    ("scale", True, None), ("scale", True, False), ("scale", True, True),
]


def fail(message):
    sys.stderr.write("make_goldens.py: " + message + "\n")
    sys.exit(2)


if os.environ.get("ATEN_CPU_CAPABILITY") != "default":
    fail("refusing to run: set ATEN_CPU_CAPABILITY=default so that PyTorch uses its FMA-free "
         "kernels, e.g.\n  ATEN_CPU_CAPABILITY=default /usr/bin/python3 tests/golden/make_goldens.py")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)

if not torch.__version__.startswith("1.13"):
    fail("PyTorch 1.13 is the reference, but this is " + torch.__version__)


class Spec:
    """One request: output size or scale_factor (scalar or per-axis) plus the options."""

    def __init__(self, size=None, scale=None, recompute=None):
        self.size = size          # int, tuple of int, or None
        self.scale = scale        # float, tuple of float, or None
        self.recompute = recompute

    def per_axis_scales(self, spatial):
        if isinstance(self.scale, tuple):
            return list(self.scale)
        return [self.scale] * spatial

    def output_spatial(self, in_spatial):
        if self.size is not None:
            return [self.size] * len(in_spatial) if isinstance(self.size, int) else list(self.size)
        return [int(math.floor(float(n) * s)) for n, s in zip(in_spatial, self.per_axis_scales(len(in_spatial)))]


def check_environment():
    # The FMA-free build rounds this linear probe to 0.300000012 (the AVX2 build gives 0.300000042).
    probe = F.interpolate(torch.tensor([[[0.1, 0.7]]]), size=6, mode="linear")[0, 0, 2].item()
    if probe != float(np.float32(0.300000012)):
        fail("PyTorch is not using its DEFAULT (FMA-free) kernels: linear probe gave %r" % probe)


def generic_layout(x):
    """The values of x in a view that is neither contiguous nor channels-last contiguous.

    PyTorch 1.13 sends channels-last-contiguous inputs (which include NCHW-contiguous tensors
    with C == 1 or all spatial extents 1) to kernels with other rounding. The view below has a
    last-axis stride of 2 and one extra (zero) batch, so that not even a single-element tensor
    looks channels-last; the generic kernel then computes each (n, c) plane exactly as it does
    for a contiguous NCHW tensor with C > 1. The caller drops the extra batch.
    """
    n = x.shape[0]
    storage = torch.zeros((n + 1,) + tuple(x.shape[1:-1]) + (2 * x.shape[-1],), dtype=x.dtype)
    view = storage[..., ::2]
    view[:n] = x
    assert not view.is_contiguous()
    if view.dim() == 4:
        assert not view.is_contiguous(memory_format=torch.channels_last)
    if view.dim() == 5:
        assert not view.is_contiguous(memory_format=torch.channels_last_3d)
    return view


def run_torch(x, mode, spec, align_corners, antialias, layout=True):
    """PyTorch's result for x (a contiguous tensor) as a contiguous tensor."""
    kwargs = {"mode": mode}
    if spec.size is not None:
        kwargs["size"] = spec.size
    else:
        kwargs["scale_factor"] = spec.scale
        if spec.recompute is not None:
            kwargs["recompute_scale_factor"] = spec.recompute
    if align_corners is not None:
        kwargs["align_corners"] = align_corners
    if antialias:
        kwargs["antialias"] = True
    if mode == "area" or not layout:
        # adaptive_avg_pool picks its kernel with suggest_memory_format(), which is contiguous
        # for every NCHW-contiguous tensor (C == 1 included), so area takes the tensor as is.
        return F.interpolate(x.contiguous(), **kwargs).contiguous()
    n = x.shape[0]
    return F.interpolate(generic_layout(x), **kwargs)[:n].contiguous()


class Generator:
    def __init__(self):
        self.rng = np.random.default_rng(SEED)
        self.cases = []
        self.inputs = bytearray()
        self.outputs = bytearray()
        self.input_offsets = {}
        self.output_offsets = {}
        self.shared_values = {}
        self.align_turn = False

    # ---- random choices -------------------------------------------------------------------
    def randint(self, low, high):
        """Uniform integer in [low, high]."""
        return int(self.rng.integers(low, high + 1))

    def pick(self, items):
        return items[int(self.rng.integers(0, len(items)))]

    def values(self, shape, kind=None):
        """Input values in float64 (rounded to the case's dtype later)."""
        count = int(np.prod(shape))
        kind = kind or self.pick(["signed", "signed", "pixel", "wide", "unit"])
        if kind == "signed":
            v = self.rng.uniform(-1.0, 1.0, count)
        elif kind == "pixel":
            v = self.rng.uniform(0.0, 255.0, count)
        elif kind == "unit":
            v = self.rng.uniform(0.5, 1.5, count)
        else:  # magnitudes over several binades, both signs
            v = np.where(self.rng.random(count) < 0.5, -1.0, 1.0) * np.exp2(self.rng.uniform(-12.0, 12.0, count))
        return v.reshape(shape)

    def values_for(self, shape, kind):
        """Values shared by every edge case of the same shape and kind (fewer stored inputs)."""
        key = (tuple(shape), kind)
        if key not in self.shared_values:
            self.shared_values[key] = self.values(shape, kind)
        return self.shared_values[key]

    def random_batch(self):
        return self.pick([1, 1, 2]), self.pick([1, 1, 2, 3, 3, 4])

    def random_in_extent(self, spatial):
        top = MAX_IN_EXTENT[spatial]
        if self.rng.random() < 0.1:
            return 1
        return self.randint(1, top)

    def random_out_extent(self, n, spatial):
        r = self.rng.random()
        if r < 0.1:
            return 1
        if r < 0.2:
            return n
        return self.randint(1, min(MAX_OUT_EXTENT[spatial], 2 * n + 4))

    def random_scale(self):
        if self.rng.random() < 0.5:
            return self.pick(INTERESTING_SCALES)
        return float(self.rng.uniform(0.15, 3.6))

    def random_spec(self, in_spatial, kind):
        spatial = len(in_spatial)
        what, per_axis, recompute = kind
        for _ in range(200):
            if what == "size":
                out = [self.random_out_extent(n, spatial) for n in in_spatial]
                if not per_axis and spatial > 1:
                    out = [out[0]] * spatial
                spec = Spec(size=tuple(out) if per_axis else out[0])
            else:
                if per_axis:
                    spec = Spec(scale=tuple(self.random_scale() for _ in in_spatial), recompute=recompute)
                else:
                    spec = Spec(scale=self.random_scale(), recompute=recompute)
            out = spec.output_spatial(in_spatial)
            if min(out) >= 1 and max(out) <= MAX_OUT_EXTENT[spatial] and np.prod(out) <= MAX_OUT_PLANE[spatial]:
                return spec
        raise RuntimeError("no spec found for %r" % (in_spatial,))

    # ---- data blobs -----------------------------------------------------------------------
    @staticmethod
    def append(blob, table, dtype, array):
        data = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()
        key = (dtype, data)
        if key not in table:
            while len(blob) % 8:
                blob.append(0)
            table[key] = len(blob)
            blob.extend(data)
        return table[key]

    # ---- cases ----------------------------------------------------------------------------
    def add(self, group, mode, shape, spec, values=None, value_kind=None, shared=True):
        """Adds the case for both dtypes, two align_corners values and each antialias value."""
        shape = tuple(int(e) for e in shape)
        if min(spec.output_spatial(shape[2:])) < 1:
            raise RuntimeError("%s case %r asks for an empty output" % (mode, shape))
        if values is None:
            values = self.values_for(shape, value_kind or "signed") if shared else self.values(shape, value_kind)
        aligns = (None,)
        if mode in INTERPOLATING:
            # None and False are the same request; alternate them so both spellings are used.
            self.align_turn = not self.align_turn
            aligns = (None if self.align_turn else False, True)
        antialiases = (False, True) if mode in ANTIALIASED else (False,)
        for dtype in ("f32", "f64"):
            np_type = np.float32 if dtype == "f32" else np.float64
            x = np.asarray(values, dtype=np.float64).astype(np_type)
            tx = torch.from_numpy(x.copy())
            for antialias in antialiases:
                for align in aligns:
                    y = run_torch(tx, mode, spec, align, antialias)
                    expected_spatial = spec.output_spatial(shape[2:])
                    if list(y.shape) != list(shape[:2]) + expected_spatial:
                        raise RuntimeError("unexpected output shape %r for %s %r" % (tuple(y.shape), mode, shape))
                    y = y.numpy()
                    self.cases.append({
                        "group": group, "mode": mode, "dtype": dtype, "input_shape": shape,
                        "spec": spec, "align": align, "antialias": antialias,
                        "output_shape": tuple(y.shape),
                        "input_offset": self.append(self.inputs, self.input_offsets, np_type, x),
                        "output_offset": self.append(self.outputs, self.output_offsets, np_type, y),
                    })

    def random_cases(self, mode, spatial, count):
        start = self.randint(0, len(SPEC_KINDS) - 1)
        for g in range(count):
            n, c = self.random_batch()
            in_spatial = [self.random_in_extent(spatial) for _ in range(spatial)]
            spec = self.random_spec(in_spatial, SPEC_KINDS[(start + g) % len(SPEC_KINDS)])
            self.add("random", mode, [n, c] + in_spatial, spec, shared=False)

    def edge_cases(self, mode, spatial):
        def shape(*spatial_extents, n=1, c=2):
            return [n, c] + list(spatial_extents)

        def pad(values, fill=1):
            """A spatial list with `values` on the innermost axes and `fill` elsewhere."""
            return [fill] * (spatial - len(values)) + list(values)

        def size(values):
            return Spec(size=tuple(pad(values)))

        def scales(values, recompute, fill=1.0):
            return Spec(scale=tuple(pad(values, fill)), recompute=recompute)

        recomputes = (None, False, True)
        # Input extent 1 upsampled, output extent 1, both ways with large ratios.
        self.add("in-extent-1", mode, shape(*pad([1])), size([7]))
        self.add("in-extent-1", mode, shape(*pad([1] * spatial), c=3), Spec(size=tuple(pad([5, 3, 2][:spatial][::-1]))))
        self.add("in-extent-1", mode, shape(*pad([1])), Spec(scale=5.0))
        self.add("huge-up", mode, shape(*pad([1]), c=1), size([300]))
        self.add("huge-up", mode, shape(*pad([2]), c=1), scales([150.0], False))
        self.add("out-extent-1", mode, shape(*pad([9])), size([1]))
        self.add("out-extent-1", mode, shape(*pad([6, 5, 4][:spatial]), n=2), Spec(size=1))
        self.add("huge-down", mode, shape(*pad([1000]), c=1), size([1]))
        self.add("huge-down", mode, shape(*pad([1000]), c=1), scales([0.001], False))
        self.add("huge-down", mode, shape(*pad([513]), c=1), size([2]))
        self.add("huge-down", mode, shape(*pad([513]), c=1), scales([2.0 / 513.0], None))
        for r in recomputes:
            self.add("huge-down", mode, shape(*pad([300]), c=1), scales([0.01], r))
        # Unchanged sizes, with and without a user scale that floors back to the input extent.
        self.add("identity-size", mode, shape(*pad([7, 6, 5][:spatial]), c=3), Spec(size=tuple(pad([7, 6, 5][:spatial]))))
        for r in recomputes:
            self.add("identity-scale", mode, shape(*pad([5, 4, 7][:spatial])), Spec(scale=1.0, recompute=r))
            self.add("identity-user-scale", mode, shape(*pad([10])), scales([1.05], r))
            self.add("double-user-scale", mode, shape(*pad([4])), scales([2.05], r))
            # 88 * (120/88) is 119.99999999999999: the output has 119 elements, not 120.
            self.add("product-floors", mode, shape(*pad([88]), c=1), scales([120.0 / 88.0], r))
        self.add("identity-user-scale", mode, shape(*pad([10, 5, 7][:spatial]), c=1), Spec(scale=1.05))
        self.add("double-user-scale", mode, shape(*pad([4, 2, 3][:spatial]), c=1), Spec(scale=2.05, recompute=False))
        self.add("product-floors", mode, shape(*pad([11]), c=1), scales([15.0 / 11.0], None))  # 14, not 15
        # Float and double nearest pick different pixels for 14 -> 46 (o = 23).
        self.add("14-to-46", mode, shape(*pad([14])), size([46]))
        self.add("14-to-46", mode, shape(*pad([14])), scales([46.0 / 14.0], False))
        # Up on one axis, down on another.
        if spatial >= 2:
            self.add("mixed-up-down", mode, shape(*pad([3, 12]), n=2), size([8, 5]))
            self.add("mixed-up-down", mode, shape(*pad([12, 3]), c=3), scales([0.4, 2.5], False))
        if spatial == 3:
            self.add("mixed-up-down", mode, shape(2, 9, 4, c=1), Spec(size=(5, 3, 4)))
            self.add("mixed-up-down", mode, shape(3, 6, 2), Spec(scale=(1.5, 0.5, 2.0)))
        # N and C > 1.
        self.add("batch", mode, shape(*pad([4, 3, 2][:spatial]), n=3, c=4), Spec(scale=1.7))
        # Non-finite inputs.
        self.add("non-finite", mode, [1, 1] + pad([3]), size([3]), values=np.array([1.0, np.inf, 3.0]).reshape([1, 1] + pad([3])))
        self.add("non-finite", mode, [1, 1] + pad([3]), size([5]), values=np.array([1.0, np.inf, 3.0]).reshape([1, 1] + pad([3])))
        grid = self.values(shape(*pad([4, 5, 6][:spatial])), "signed")
        flat = grid.reshape(-1)
        flat[3] = np.nan
        flat[-5] = np.inf
        flat[len(flat) // 2] = -np.inf
        self.add("non-finite", mode, grid.shape, Spec(size=tuple(pad([6, 3, 9][:spatial]))), values=grid)
        self.add("non-finite", mode, grid.shape, Spec(size=tuple(pad([4, 5, 6][:spatial]))), values=grid)

    @staticmethod
    def float_index_sizes(mode, count):
        """(in, out) pairs whose float32 nearest indices differ from the exact ones."""
        f32 = np.float32
        found = []
        for n in range(3, 80):
            for m in range(n + 1, 160):
                o = np.arange(m)
                scale = f32(n) / f32(m)
                if mode == "nearest":
                    got = np.floor((scale * o.astype(f32)).astype(f32))
                    exact = (o * n) // m
                else:
                    real = np.maximum(scale * (o.astype(f32) + f32(0.5)) - f32(0.5), f32(0))
                    got = np.floor((real.astype(np.float64) + 0.5).astype(f32))
                    exact = np.floor(((2 * o + 1) * n - m) / (2 * m) + 0.5)
                if np.any(np.minimum(got, n - 1) != np.minimum(exact, n - 1)):
                    found.append((n, m))
                    if len(found) == count:
                        return found
        return found

    def mode_specific_cases(self, mode, spatial):
        if mode in ("nearest", "nearest-exact"):
            # Sizes whose indices come out differently in float and in double arithmetic.
            for n, m in self.float_index_sizes(mode, 4 if spatial == 1 else 1):
                self.add("float-index", mode, [1, 2] + [1] * (spatial - 1) + [n], Spec(size=tuple([1] * (spatial - 1) + [m])))
        if mode in ANTIALIASED:
            # Strong antialiased downscaling (wide filters), mild downscaling and upscaling.
            self.add("aa-down", mode, [1, 2, 5, 200], Spec(size=(3, 7)))
            self.add("aa-down", mode, [1, 1, 40, 30], Spec(scale=(0.15, 0.3), recompute=False))
            self.add("aa-down", mode, [2, 2, 13, 17], Spec(size=(9, 11)))
            self.add("aa-down", mode, [1, 3, 9, 9], Spec(scale=0.7))
            self.add("aa-up", mode, [1, 2, 3, 4], Spec(size=(10, 13)))
            self.add("aa-up", mode, [1, 1, 4, 4], Spec(scale=2.5, recompute=False))
        if mode == "area":
            # Output size 1 is ATen's mean() with its cascade sum: many lengths around the
            # vector width, the unrolling factor and the cascade's block size.
            lengths = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 255, 256, 257, 1000]
            for length in lengths:
                extents = [1] * (spatial - 1) + [length]
                if spatial >= 2 and length in (16, 100, 256):
                    extents = [1] * (spatial - 2) + [length // 4, 4]
                if spatial == 3 and length == 64:
                    extents = [4, 4, 4]
                self.add("mean", mode, [1 + length % 2, 1 + length % 3] + extents, Spec(size=1), value_kind="unit")
            self.add("mean", mode, [2, 3] + [5] * spatial, Spec(scale=0.2), value_kind="pixel")
            self.add("mean", mode, [1, 2] + [7] * spatial, Spec(size=1), value_kind="signed")
            # Overlapping windows (in not a multiple of out) and upsampling by pooling.
            self.add("windows", mode, [1, 2] + [7] * spatial, Spec(size=3))
            self.add("windows", mode, [1, 2] + [3] * spatial, Spec(size=7 if spatial < 3 else 5))
        if mode in INTERPOLATING:
            # align_corners with an output of 1 and an input of 1.
            self.add("align-out-1", mode, [1, 2] + [6] * spatial, Spec(size=1))
            self.add("align-out-1", mode, [1, 2] + [1] * spatial, Spec(size=4))

    def build(self):
        check_environment()
        for mode, ranks in MODES:
            for spatial in ranks:
                count = RANDOM_GEOMETRIES[mode]
                if isinstance(count, dict):
                    count = count[spatial]
                self.edge_cases(mode, spatial)
                self.mode_specific_cases(mode, spatial)
                self.random_cases(mode, spatial, count)

    # ---- spot checks of the reference call ------------------------------------------------
    def spot_checks(self):
        """The strided call must give the contiguous kernel's bits when C > 1 (and not all
        spatial extents are 1). With C == 1 PyTorch switches kernels for a contiguous tensor,
        which usually changes some last bits; that is only reported."""
        same = [("nearest", (2, 3, 5, 7), Spec(scale=1.05)), ("bilinear", (2, 3, 5, 7), Spec(size=(9, 4))),
                ("trilinear", (1, 2, 3, 4, 5), Spec(size=(5, 7, 2))), ("bicubic", (1, 3, 6, 6), Spec(size=(11, 3))),
                ("nearest-exact", (2, 2, 3, 4, 5), Spec(scale=1.6)), ("linear", (2, 3, 9), Spec(size=4))]
        for mode, shape, spec in same:
            for dtype in (torch.float32, torch.float64):
                x = torch.from_numpy(self.values(shape, "signed")).to(dtype)
                a = run_torch(x, mode, spec, None, False, layout=False)
                b = run_torch(x, mode, spec, None, False)
                if a.numpy().tobytes() != b.numpy().tobytes():
                    fail("spot check failed: %s %r: bits differ" % (mode, shape))
        x = torch.from_numpy(self.values((1, 1, 5, 7), "signed")).float()
        a = run_torch(x, "bilinear", Spec(size=(9, 11)), None, False, layout=False)
        b = run_torch(x, "bilinear", Spec(size=(9, 11)), None, False)
        if a.numpy().tobytes() == b.numpy().tobytes():
            print("note: C == 1 bilinear gave the same bits through both kernels for this input")

    # ---- output ---------------------------------------------------------------------------
    def write(self):
        def shape_text(shape):
            return "x".join(str(e) for e in shape)

        def list_text(value, scalar_format):
            if value is None:
                return "-"
            if isinstance(value, tuple):
                return "[" + ",".join(scalar_format(v) for v in value) + "]"
            return scalar_format(value)

        def option_text(value):
            return "-" if value is None else str(int(value))

        lines = [
            "# resample golden cases: PyTorch %s F.interpolate, ATEN_CPU_CAPABILITY=default, 1 thread." % torch.__version__,
            "# Written by tests/golden/make_goldens.py (seed %d); format: tests/golden/README.md." % SEED,
            "# id group mode dtype input_shape size scale_factor align_corners recompute_scale_factor antialias "
            "output_shape input_offset output_offset",
        ]
        for index, case in enumerate(self.cases):
            spec = case["spec"]
            lines.append(" ".join([
                "%04d" % index, case["group"], case["mode"], case["dtype"], shape_text(case["input_shape"]),
                list_text(spec.size, str), list_text(spec.scale, repr),
                option_text(case["align"]), option_text(spec.recompute), str(int(case["antialias"])),
                shape_text(case["output_shape"]), str(case["input_offset"]), str(case["output_offset"]),
            ]))
        (HERE / "cases.txt").write_text("\n".join(lines) + "\n")
        (HERE / "inputs.bin").write_bytes(bytes(self.inputs))
        (HERE / "outputs.bin").write_bytes(bytes(self.outputs))


def main():
    generator = Generator()
    generator.build()
    generator.spot_checks()
    generator.write()
    counts = {}
    for case in generator.cases:
        counts[case["mode"]] = counts.get(case["mode"], 0) + 1
    total = len(generator.inputs) + len(generator.outputs) + (HERE / "cases.txt").stat().st_size
    print("%d cases (%s); %d bytes in tests/golden" % (
        len(generator.cases), ", ".join("%s %d" % kv for kv in counts.items()), total))


if __name__ == "__main__":
    main()
