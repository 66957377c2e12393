#!/usr/bin/env python3
# Compares the resample command-line tool with PyTorch 1.13 on random cases that are made up on
# the spot and never stored: random modes, ranks, dtypes, layouts, sizes, scale factors and flags.
# Each case must give a bit-identical array, or be rejected by both. Needs torch and numpy.
#
#   /usr/bin/python3 tests/cli/compare_with_torch.py BUILD/bin/resample [--cases 50] [--seed S]
#
# The reference is the one the library follows: PyTorch's FMA-free DEFAULT build
# (ATEN_CPU_CAPABILITY=default, set here by re-running this script when missing), one thread, and
# the generic NCHW kernel: single-channel (or 1x1...) inputs, which PyTorch 1.13 sends through its
# channels-last kernels, are given to PyTorch as a non-contiguous view padded along the last axis.
# Exits 1 when any case differs.
# SPDX-License-Identifier: MIT

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

if os.environ.get("ATEN_CPU_CAPABILITY") != "default":
    # Must be in the environment before torch loads its kernels.
    os.environ["ATEN_CPU_CAPABILITY"] = "default"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)

RANKS = {"nearest": (3, 4, 5), "nearest-exact": (3, 4, 5), "area": (3, 4, 5),
         "linear": (3,), "bilinear": (4,), "bicubic": (4,), "trilinear": (5,)}
INTERPOLATING = {"linear", "bilinear", "bicubic", "trilinear"}
# Scales that tend to expose rounding, and random ones; repr() of a float is its shortest
# round-trip text, which the tool reads back as the same double.
INTERESTING_SCALES = [0.5, 2.0, 1.5, 0.75, 3.0, 0.3, 1.7, 2.5, 1.0 / 3.0, 1.05, 0.9, 4.0, 0.6,
                      1.25, 2.05, 0.999, 1.001, 1.0, 0.7, 0.2]
MAX_EXTENT = {1: 40, 2: 14, 3: 7}
MAX_OUTPUT_ELEMENTS = 60000
AREA_MEAN_RTOL = {"f": 2e-6, "d": 1e-13}


def random_case(rng):
    mode = str(rng.choice(list(RANKS)))
    rank = int(rng.choice(RANKS[mode]))
    spatial = rank - 2
    nearest = mode in ("nearest", "nearest-exact")
    dtype = str(rng.choice(["f4", "f8", "u1"] if nearest else ["f4", "f8"]))
    shape = [int(rng.integers(1, 3)), int(rng.integers(1, 5))]
    shape += [int(rng.integers(1, MAX_EXTENT[spatial] + 1)) for _ in range(spatial)]
    args = ["--mode", mode]
    kwargs = {"mode": mode}
    per_axis = spatial > 1 and rng.random() < 0.5
    count = spatial if per_axis else 1
    if rng.random() < 0.5:
        sizes = [int(rng.integers(1, 2 * MAX_EXTENT[spatial] + 1)) for _ in range(count)]
        args += ["--size"] + [str(s) for s in sizes]
        kwargs["size"] = sizes if per_axis else sizes[0]
    else:
        scales = [float(rng.choice(INTERESTING_SCALES)) if rng.random() < 0.5
                  else float(np.round(rng.uniform(0.15, 3.5), int(rng.integers(1, 6))))
                  for _ in range(count)]
        args += ["--scale-factor"] + [repr(s) for s in scales]
        kwargs["scale_factor"] = scales if per_axis else scales[0]
        if rng.random() < 0.3:
            args.append("--recompute-scale-factor")
            kwargs["recompute_scale_factor"] = True
    if mode in INTERPOLATING and rng.random() < 0.4:
        args.append("--align-corners")
        kwargs["align_corners"] = True
    if mode in ("bilinear", "bicubic") and rng.random() < 0.4:
        args.append("--antialias")
        kwargs["antialias"] = True
    channels_last = rng.random() < 0.35
    if channels_last:
        args += ["--layout", "channels-last"]
    if dtype == "u1":
        x = rng.integers(0, 256, size=shape, dtype=np.uint8)
    else:
        x = (rng.standard_normal(size=shape) * 10.0 ** rng.integers(-1, 3, size=shape))
        x = x.astype(np.float32 if dtype == "f4" else np.float64)
    return x, args, kwargs, channels_last


def torch_reference(x, kwargs):
    """PyTorch's result through its generic kernel, or None when PyTorch rejects the call."""
    t = torch.from_numpy(x)
    if x.shape[1] == 1 or all(e == 1 for e in x.shape[2:]):
        padded = torch.zeros(x.shape[:-1] + (x.shape[-1] + 1,), dtype=t.dtype)
        padded[..., :x.shape[-1]] = t
        t = padded[..., :x.shape[-1]]
    try:
        return F.interpolate(t, **kwargs).numpy()
    except (RuntimeError, ValueError, TypeError, NotImplementedError):
        return None


def output_too_large(x, kwargs):
    spatial = x.shape[2:]
    if "size" in kwargs:
        sizes = kwargs["size"] if isinstance(kwargs["size"], list) else [kwargs["size"]] * len(spatial)
    else:
        scales = kwargs["scale_factor"]
        scales = scales if isinstance(scales, list) else [scales] * len(spatial)
        sizes = [int(e * s) for e, s in zip(spatial, scales)]
    return x.shape[0] * x.shape[1] * int(np.prod(sizes)) > MAX_OUTPUT_ELEMENTS


def spatial_extents(shape, channels_last):
    return shape[1:-1] if channels_last else shape[2:]


def main():
    parser = argparse.ArgumentParser(
        description="Compare the resample tool with PyTorch on random cases; exit 1 on any mismatch.")
    parser.add_argument("tool", help="path of the resample binary (BUILD/bin/resample)")
    parser.add_argument("--cases", type=int, default=50, help="number of random cases (default 50)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one, printed)")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else int.from_bytes(os.urandom(4), "little")
    rng = np.random.default_rng(seed)
    print("torch %s, seed %d, %d cases" % (torch.__version__, seed, options.cases))

    exact = close = rejected = 0
    failures = []
    with tempfile.TemporaryDirectory(prefix="resample-compare-") as work:
        done = 0
        while done < options.cases:
            x, args, kwargs, channels_last = random_case(rng)
            if output_too_large(x, kwargs):
                continue
            done += 1
            expected = torch_reference(x, kwargs)
            if expected is not None and expected.size == 0:
                # PyTorch's area mode returns an empty tensor for an output extent of 0; the
                # library rejects every output extent of 0, as PyTorch's other modes do.
                expected = None
            file_array = np.ascontiguousarray(np.moveaxis(x, 1, -1)) if channels_last else x
            in_path, out_path = Path(work) / "in.npy", Path(work) / "out.npy"
            np.save(in_path, file_array)
            if out_path.exists():
                out_path.unlink()
            run = subprocess.run([options.tool, str(in_path), str(out_path)] + args,
                                 capture_output=True, text=True)
            command = "shape %s %s: resample IN OUT %s" % (list(file_array.shape), file_array.dtype, " ".join(args))
            if expected is None:
                if run.returncode != 0 and run.stderr.startswith("error:") and not out_path.exists():
                    rejected += 1
                else:
                    failures.append(command + "\n    PyTorch rejects it, the tool exited %d" % run.returncode)
                continue
            if channels_last:
                expected = np.moveaxis(expected, 1, -1)
            if run.returncode != 0:
                failures.append(command + "\n    the tool failed: " + run.stderr.strip())
                continue
            got = np.load(out_path)
            if got.dtype != expected.dtype or got.shape != expected.shape:
                failures.append(command + "\n    got %s %s, PyTorch %s %s" % (got.dtype, got.shape, expected.dtype,
                                                                            expected.shape))
            elif got.tobytes() == np.ascontiguousarray(expected).tobytes():
                exact += 1
            elif kwargs["mode"] == "area" and all(e == 1 for e in spatial_extents(got.shape, channels_last)) and \
                    np.allclose(got, expected, rtol=AREA_MEAN_RTOL[got.dtype.char], atol=0):
                # Area down to a single value per plane is input.mean() in PyTorch, whose summation
                # order is its own; the library's policy asks for a match within rounding there.
                close += 1
            else:
                diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
                failures.append(command + "\n    %d of %d values differ, max |difference| %g"
                                % (int(np.count_nonzero(diff)), diff.size, float(diff.max())))

    for failure in failures:
        print("MISMATCH " + failure)
    print("%d cases: %d bit-exact, %d area-to-one-value within rounding, %d rejected by both, %d mismatched (seed %d)"
          % (options.cases, exact, close, rejected, len(failures), seed))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
