#!/usr/bin/env python3
# Compares the resample command-line tool with PyTorch 1.13 on random cases that are made up on
# the spot and never stored: random modes, ranks, dtypes, layouts, sizes, scale factors and flags.
# Each case must give a bit-identical array, or be rejected by both. Needs torch and numpy.
#
#   /usr/bin/python3 tests/cli/compare_with_torch.py BUILD/bin/resample [--cases 50] [--seed S] [--backward]
#
# With --backward the cases check the tool's --backward instead: a random grad_output for the
# forward output's shape, against x.grad after F.interpolate(x, ...).backward(grad_output), with
# x and grad_output given to PyTorch as views whose last axis has stride 2 (its generic backward
# kernels). Some cases pass a grad_output of the wrong shape, which the tool must reject.
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


def random_case(rng, backward=False):
    mode = str(rng.choice(list(RANKS)))
    rank = int(rng.choice(RANKS[mode]))
    spatial = rank - 2
    nearest = mode in ("nearest", "nearest-exact")
    dtype = str(rng.choice(["f4", "f8", "u1"] if nearest and not backward else ["f4", "f8"]))
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
        x = random_floats(rng, shape, np.float32 if dtype == "f4" else np.float64)
    return x, args, kwargs, channels_last


def random_floats(rng, shape, dtype):
    return (rng.standard_normal(size=shape) * 10.0 ** rng.integers(-1, 3, size=shape)).astype(dtype)


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


def strided(shape, dtype):
    """Zeros of `shape` as a view whose last axis has stride 2: PyTorch's generic kernels."""
    return torch.zeros(*shape[:-1], 2 * shape[-1], dtype=dtype)[..., ::2]


def torch_gradient(x, kwargs, rng):
    """A random grad_output and PyTorch's x.grad for it, or (None, None) when PyTorch rejects the
    call or gives an empty output (area mode, which the library rejects as the other modes do)."""
    t = strided(x.shape, torch.from_numpy(x).dtype)
    t.copy_(torch.from_numpy(x))
    t.requires_grad_()
    try:
        y = F.interpolate(t, **kwargs)
    except (RuntimeError, ValueError, TypeError, NotImplementedError):
        return None, None
    if y.numel() == 0:
        return None, None
    g_values = random_floats(rng, tuple(y.shape), x.dtype)
    g = strided(tuple(y.shape), y.dtype)
    g.copy_(torch.from_numpy(g_values))
    y.backward(g)
    return g_values, np.ascontiguousarray(t.grad.numpy())


def compare_backward(tool, work, rng, x, args, kwargs, channels_last):
    """Runs one --backward case; returns "exact", "rejected", "wrong-shape" or a failure message."""
    grad_output, expected = torch_gradient(x, kwargs, rng)
    wrong_shape = expected is not None and rng.random() < 0.1
    if expected is None:
        grad_output = x  # any array: the request itself must be refused
    elif wrong_shape:
        shape = list(grad_output.shape)
        shape[-1] += 1
        grad_output = random_floats(rng, shape, x.dtype)
    spatial = list(x.shape[2:])
    input_size = spatial[:1] if len(set(spatial)) == 1 and rng.random() < 0.5 else spatial
    file_array = np.ascontiguousarray(np.moveaxis(grad_output, 1, -1)) if channels_last else grad_output
    in_path, out_path = Path(work) / "grad_out.npy", Path(work) / "grad_in.npy"
    np.save(in_path, file_array)
    if out_path.exists():
        out_path.unlink()
    tool_args = ["--backward", "--input-size"] + [str(e) for e in input_size] + args
    run = subprocess.run([tool, str(in_path), str(out_path)] + tool_args, capture_output=True, text=True)
    command = "shape %s %s: resample GRAD_OUT GRAD_IN %s" % (list(file_array.shape), file_array.dtype,
                                                              " ".join(tool_args))
    if expected is None or wrong_shape:
        refused = run.returncode != 0 and run.stderr.startswith("error:") and not out_path.exists()
        if refused and (not wrong_shape or "grad_output has shape" in run.stderr):
            return "wrong-shape" if wrong_shape else "rejected"
        return command + "\n    %s, the tool exited %d: %s" % (
            "the gradient has the wrong shape" if wrong_shape else "PyTorch rejects it", run.returncode,
            run.stderr.strip())
    if channels_last:
        expected = np.moveaxis(expected, 1, -1)
    if run.returncode != 0:
        return command + "\n    the tool failed: " + run.stderr.strip()
    got = np.load(out_path)
    if got.dtype != expected.dtype or got.shape != expected.shape:
        return command + "\n    got %s %s, PyTorch %s %s" % (got.dtype, got.shape, expected.dtype, expected.shape)
    if got.tobytes() != np.ascontiguousarray(expected).tobytes():
        diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
        return command + "\n    %d of %d values differ, max |difference| %g" % (
            int(np.count_nonzero(diff)), diff.size, float(diff.max()))
    return "exact"


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
    parser.add_argument("--backward", action="store_true",
                        help="check the gradients of --backward instead of the forward results")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else int.from_bytes(os.urandom(4), "little")
    rng = np.random.default_rng(seed)
    print("torch %s, seed %d, %d %scases" % (torch.__version__, seed, options.cases,
                                             "backward " if options.backward else ""))

    exact = close = rejected = wrong_shape = 0
    failures = []
    with tempfile.TemporaryDirectory(prefix="resample-compare-") as work:
        done = 0
        while done < options.cases:
            x, args, kwargs, channels_last = random_case(rng, options.backward)
            if output_too_large(x, kwargs):
                continue
            done += 1
            if options.backward:
                outcome = compare_backward(options.tool, work, rng, x, args, kwargs, channels_last)
                if outcome == "exact":
                    exact += 1
                elif outcome == "rejected":
                    rejected += 1
                elif outcome == "wrong-shape":
                    wrong_shape += 1
                else:
                    failures.append(outcome)
                continue
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
    if options.backward:
        print("%d backward cases: %d bit-exact, %d rejected by both, %d wrong gradient shapes rejected, "
              "%d mismatched (seed %d)" % (options.cases, exact, rejected, wrong_shape, len(failures), seed))
        return 1 if failures else 0
    print("%d cases: %d bit-exact, %d area-to-one-value within rounding, %d rejected by both, %d mismatched (seed %d)"
          % (options.cases, exact, close, rejected, len(failures), seed))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
