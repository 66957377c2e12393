#!/usr/bin/env python3
# Generates the data of the command-line tool's tests: .npy inputs, PyTorch 1.13's F.interpolate
# outputs saved with numpy.save, the manifest data/cases.txt, gradients for --backward (grad_output
# files and PyTorch's x.grad, manifest data/backward_cases.txt), and a few malformed or unsupported
# files for the error tests.
#
#   ATEN_CPU_CAPABILITY=default /usr/bin/python3 tests/cli/make_cli_cases.py
#
# The tool must write each expected file byte for byte (header included), so the references follow
# the library's policy (shared reference, "resample's policy"): PyTorch's FMA-free DEFAULT build, one
# thread, and the generic NCHW kernel. Every input has C >= 2 and spatial extents that are not all 1,
# because PyTorch 1.13 sends C == 1 (or 1x1) tensors through its channels-last kernels, whose last
# bits differ. Channels-last cases are computed on the contiguous NCHW copy, then stored N, spatial..., C.
# Gradients are computed as tests/golden_backward does: x and grad_output are NCHW views whose last
# axis has stride 2, so that PyTorch runs its generic backward kernels.
# SPDX-License-Identifier: MIT

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SEED = 20241124


def fail(message):
    sys.stderr.write("make_cli_cases.py: " + message + "\n")
    sys.exit(2)


if os.environ.get("ATEN_CPU_CAPABILITY") != "default":
    fail("set ATEN_CPU_CAPABILITY=default so that PyTorch uses its FMA-free kernels, e.g.\n"
         "  ATEN_CPU_CAPABILITY=default /usr/bin/python3 tests/cli/make_cli_cases.py")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
if not torch.__version__.startswith("1.13"):
    fail("PyTorch 1.13 is the reference, but this is " + torch.__version__)
# The tool writes the header of numpy >= 1.23 (room for the first extent to grow); older numpy
# pads differently and the byte comparison would fail on the header alone.
if tuple(int(p) for p in np.__version__.split(".")[:2]) < (1, 23):
    fail("numpy >= 1.23 is needed for the header layout the tool writes; this is " + np.__version__)

# name, dtype, shape as stored in the file, layout, tool arguments after IN OUT.
# Modes, ranks, dtypes and options are spread so that each row adds something.
CASES = [
    # float32, channels-first
    ("f32_nearest_scale", "f4", (2, 3, 5, 7), "cf", "--mode nearest --scale-factor 1.7"),
    ("f32_nearest_exact_size", "f4", (1, 2, 9, 8), "cf", "--mode nearest-exact --size 4 13"),
    ("f32_nearest_5d", "f4", (1, 2, 3, 4, 5), "cf", "--mode nearest --size 5 3 7"),
    ("f32_linear_align", "f4", (2, 3, 11), "cf", "--mode linear --size 17 --align-corners"),
    ("f32_bilinear_two_scales", "f4", (1, 3, 6, 7), "cf", "--mode bilinear --scale-factor 1.5 0.6"),
    ("f32_bilinear_recompute", "f4", (1, 2, 7, 5), "cf",
     "--mode bilinear --scale-factor 1.37 --recompute-scale-factor"),
    ("f32_bilinear_antialias", "f4", (1, 3, 16, 15), "cf", "--mode bilinear --size 5 7 --antialias"),
    ("f32_bicubic_up", "f4", (1, 2, 6, 5), "cf", "--mode bicubic --scale-factor 2.3"),
    ("f32_bicubic_align", "f4", (1, 2, 5, 6), "cf", "--mode bicubic --size 9 --align-corners"),
    ("f32_bicubic_antialias", "f4", (1, 3, 13, 11), "cf", "--mode bicubic --scale-factor 0.45 --antialias"),
    ("f32_trilinear", "f4", (1, 2, 4, 5, 6), "cf", "--mode trilinear --scale-factor 1.5 0.7 2"),
    ("f32_area_4d", "f4", (1, 3, 10, 9), "cf", "--mode area --size 4 6"),
    ("f32_area_3d", "f4", (2, 2, 13), "cf", "--mode area --size 5"),
    # float64, channels-first
    ("f64_linear_down", "f8", (2, 2, 17), "cf", "--mode linear --scale-factor 0.4"),
    ("f64_nearest_exact_3d", "f8", (1, 3, 10), "cf", "--mode nearest-exact --scale-factor 1.8"),
    ("f64_bilinear_align", "f8", (1, 2, 7, 9), "cf", "--mode bilinear --size 11 4 --align-corners"),
    ("f64_bicubic_antialias_up", "f8", (1, 2, 5, 5), "cf", "--mode bicubic --scale-factor 1.5 --antialias"),
    ("f64_trilinear_align", "f8", (1, 2, 3, 4, 5), "cf", "--mode trilinear --size 5 --align-corners"),
    ("f64_area_5d", "f8", (1, 2, 6, 5, 7), "cf", "--mode area --size 4 3 5"),
    # uint8, channels-first (nearest modes only, as in PyTorch)
    ("u8_nearest_4d", "u1", (1, 3, 5, 6), "cf", "--mode nearest --scale-factor 2.5"),
    ("u8_nearest_3d", "u1", (2, 3, 9), "cf", "--mode nearest --size 4"),
    ("u8_nearest_exact_5d", "u1", (1, 2, 3, 4, 5), "cf", "--mode nearest-exact --size 4 6 3"),
    # channels-last files: N, spatial..., C
    ("cl3_f32_linear", "f4", (2, 9, 3), "cl", "--mode linear --scale-factor 1.5 --align-corners"),
    ("cl4_f32_bilinear", "f4", (1, 8, 9, 3), "cl", "--mode bilinear --size 12 5"),
    ("cl4_u8_nearest_exact", "u1", (2, 5, 7, 3), "cl", "--mode nearest-exact --scale-factor 1.6"),
    ("cl4_f64_bicubic_antialias", "f8", (1, 12, 10, 4), "cl", "--mode bicubic --size 5 4 --antialias"),
    ("cl5_f32_trilinear", "f4", (1, 3, 4, 5, 2), "cl", "--mode trilinear --scale-factor 1.5"),
    ("cl5_f64_area", "f8", (1, 5, 4, 6, 3), "cl", "--mode area --size 3 2 4"),
    ("cl5_u8_nearest", "u1", (1, 3, 4, 5, 3), "cl", "--mode nearest --size 5"),
]

# Inputs stored in format versions 2.0 and 3.0, which the tool reads (it always writes 1.0).
VERSIONED_CASES = [
    ("v2_f32_bilinear", "f4", (1, 2, 4, 6), "cf", "--mode bilinear --scale-factor 2", (2, 0)),
    ("v3_f64_nearest", "f8", (1, 2, 5), "cf", "--mode nearest --size 8", (3, 0)),
]


# Backward cases: name, dtype, shape of the forward input as stored (it gives --input-size), layout,
# the forward's tool arguments. The stored files are the grad_output (name.grad_out.npy, the
# forward output's shape) and PyTorch's x.grad (name.grad_in.npy).
BACKWARD_CASES = [
    ("bw_f32_bilinear_two_scales", "f4", (1, 3, 6, 7), "cf", "--mode bilinear --scale-factor 1.5 0.6"),
    ("bw_f64_bilinear_align", "f8", (2, 2, 7, 9), "cf", "--mode bilinear --size 11 4 --align-corners"),
    ("bw_f32_bilinear_recompute", "f4", (1, 2, 7, 5), "cf",
     "--mode bilinear --scale-factor 1.37 --recompute-scale-factor"),
    ("bw_f32_bicubic_up", "f4", (1, 2, 6, 5), "cf", "--mode bicubic --scale-factor 2.3"),
    ("bw_f64_bicubic_align", "f8", (2, 2, 6, 6), "cf", "--mode bicubic --size 9 --align-corners"),
    ("bw_f32_bicubic_antialias", "f4", (1, 3, 13, 11), "cf", "--mode bicubic --scale-factor 0.45 --antialias"),
    ("bw_f64_bilinear_antialias", "f8", (1, 2, 16, 15), "cf", "--mode bilinear --size 5 7 --antialias"),
    ("bw_f32_linear_align", "f4", (2, 3, 11), "cf", "--mode linear --size 17 --align-corners"),
    ("bw_f64_trilinear", "f8", (1, 2, 4, 5, 6), "cf", "--mode trilinear --scale-factor 1.5 0.7 2"),
    ("bw_f32_area_4d", "f4", (1, 3, 10, 9), "cf", "--mode area --size 4 6"),
    ("bw_f64_area_3d", "f8", (2, 2, 13), "cf", "--mode area --size 5"),
    ("bw_f32_nearest_5d", "f4", (1, 2, 3, 4, 5), "cf", "--mode nearest --size 5 3 7"),
    ("bw_f64_nearest_exact_3d", "f8", (1, 3, 10), "cf", "--mode nearest-exact --scale-factor 1.8"),
    ("bw_cl4_f32_bilinear", "f4", (1, 8, 9, 3), "cl", "--mode bilinear --size 12 5"),
    ("bw_cl4_f64_bicubic_antialias", "f8", (1, 12, 10, 4), "cl", "--mode bicubic --size 5 4 --antialias"),
    ("bw_cl5_f32_area", "f4", (1, 5, 4, 6, 3), "cl", "--mode area --size 3 2 4"),
]


def parse_args(text):
    """The F.interpolate keyword arguments that the tool arguments `text` stand for."""
    tokens = text.split()
    kwargs = {"mode": None, "size": None, "scale_factor": None, "align_corners": None,
              "recompute_scale_factor": None, "antialias": False}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        values = []
        while i < len(tokens) and not tokens[i].startswith("--"):
            values.append(tokens[i])
            i += 1
        if token == "--mode":
            kwargs["mode"] = values[0]
        elif token == "--size":
            sizes = [int(v) for v in values]
            kwargs["size"] = sizes[0] if len(sizes) == 1 else sizes
        elif token == "--scale-factor":
            scales = [float(v) for v in values]
            kwargs["scale_factor"] = scales[0] if len(scales) == 1 else scales
        elif token == "--align-corners":
            kwargs["align_corners"] = True
        elif token == "--recompute-scale-factor":
            kwargs["recompute_scale_factor"] = True
        elif token == "--antialias":
            kwargs["antialias"] = True
        else:
            fail("unexpected token " + token)
    return kwargs


def make_input(rng, dtype, shape):
    if dtype == "u1":
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    # Values of both signs and several magnitudes, so rounding differences cannot hide.
    values = rng.standard_normal(size=shape) * 10.0 ** rng.integers(-1, 3, size=shape)
    return values.astype(np.float32 if dtype == "f4" else np.float64)


def reference(file_array, layout, kwargs):
    x = file_array if layout == "cf" else np.moveaxis(file_array, -1, 1)
    x = torch.from_numpy(np.ascontiguousarray(x))
    assert x.shape[1] >= 2, "C == 1 takes PyTorch's channels-last kernel"
    y = F.interpolate(x, **kwargs).numpy()
    if layout == "cl":
        y = np.moveaxis(y, 1, -1)
    return np.ascontiguousarray(y)


def strided(shape, dtype):
    """Zeros of `shape` as a view whose last axis has stride 2: PyTorch's generic kernels."""
    return torch.zeros(*shape[:-1], 2 * shape[-1], dtype=dtype)[..., ::2]


def backward_reference(rng, dtype, file_shape, layout, kwargs):
    """A random grad_output and PyTorch's x.grad for it, both in the file layout."""
    shape = file_shape if layout == "cf" else (file_shape[0], file_shape[-1]) + tuple(file_shape[1:-1])
    assert shape[1] >= 2
    torch_dtype = torch.float32 if dtype == "f4" else torch.float64
    x = strided(shape, torch_dtype)
    x.copy_(torch.from_numpy(make_input(rng, dtype, shape)))
    x.requires_grad_()
    y = F.interpolate(x, **kwargs)
    g = strided(tuple(y.shape), torch_dtype)
    g.copy_(torch.from_numpy(make_input(rng, dtype, tuple(y.shape))))
    y.backward(g)
    grad_out = g.numpy()
    grad_in = x.grad.numpy()
    if layout == "cl":
        grad_out = np.moveaxis(grad_out, 1, -1)
        grad_in = np.moveaxis(grad_in, 1, -1)
    return np.ascontiguousarray(grad_out), np.ascontiguousarray(grad_in)


def save(path, array, version=(1, 0)):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.ascontiguousarray(array), version=version)


def write_error_inputs():
    """Files the tool must refuse, each with an error and no output."""
    small = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4)
    save(DATA / "err_int32.npy", small.astype(np.int32))
    with open(DATA / "err_fortran.npy", "wb") as f:
        np.lib.format.write_array(f, np.asfortranarray(small))
    save(DATA / "err_big_endian.npy", small.astype(">f4"))
    save(DATA / "err_rank2.npy", small.reshape(4, 6))
    save(DATA / "err_truncated.npy", small)
    data = (DATA / "err_truncated.npy").read_bytes()
    (DATA / "err_truncated.npy").write_bytes(data[:-5])
    # A header that is not a dict literal (the preamble is fine).
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4) garbage}"
    header += b" " * (64 - (10 + len(header) + 1) % 64) + b"\n"
    (DATA / "err_bad_header.npy").write_bytes(
        b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + small.tobytes())
    # Not a .npy file at all.
    (DATA / "err_not_npy.npy").write_bytes(b"P5\n4 3\n255\n" + bytes(12))


def main():
    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir()
    rng = np.random.default_rng(SEED)
    manifest = ["# name followed by the tool's arguments after IN OUT; IN = name.in.npy, expected = name.out.npy",
                "# generated by make_cli_cases.py; do not edit"]
    for name, dtype, shape, layout, args, *version in CASES + VERSIONED_CASES:
        kwargs = parse_args(args)
        x = make_input(rng, dtype, shape)
        y = reference(x, layout, kwargs)
        tool_args = args + (" --layout channels-last" if layout == "cl" else "")
        save(DATA / (name + ".in.npy"), x, version[0] if version else (1, 0))
        save(DATA / (name + ".out.npy"), y)
        manifest.append(name + " " + tool_args)
    (DATA / "cases.txt").write_text("\n".join(manifest) + "\n")
    # After the forward cases, so that their data does not depend on these.
    manifest = ["# name followed by the tool's arguments after GRAD_OUT GRAD_IN; GRAD_OUT = name.grad_out.npy,",
                "# expected = name.grad_in.npy (PyTorch's x.grad); generated by make_cli_cases.py; do not edit"]
    for name, dtype, shape, layout, args in BACKWARD_CASES:
        grad_out, grad_in = backward_reference(rng, dtype, shape, layout, parse_args(args))
        spatial = shape[2:] if layout == "cf" else shape[1:-1]
        # One value when every spatial extent is the same, as PyTorch's scalar size.
        input_size = spatial[:1] if len(set(spatial)) == 1 else spatial
        tool_args = ("--backward --input-size " + " ".join(str(e) for e in input_size) + " " + args +
                     (" --layout channels-last" if layout == "cl" else ""))
        save(DATA / (name + ".grad_out.npy"), grad_out)
        save(DATA / (name + ".grad_in.npy"), grad_in)
        manifest.append(name + " " + tool_args)
    (DATA / "backward_cases.txt").write_text("\n".join(manifest) + "\n")
    write_error_inputs()
    total = sum(p.stat().st_size for p in DATA.iterdir())
    print("wrote %d cases and %d backward cases, %d files, %d bytes to %s"
          % (len(CASES) + len(VERSIONED_CASES), len(BACKWARD_CASES), len(list(DATA.iterdir())), total, DATA))


if __name__ == "__main__":
    main()
