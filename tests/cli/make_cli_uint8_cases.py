#!/usr/bin/python3
# Generates the command-line tool's uint8 cases (data/uint8_cases.txt and data/u8x_*.npy):
#  - antialias: Pillow's Image.resize(size, BILINEAR / BICUBIC) on each plane (Debian
#    python3-pil), the reference the library reproduces bit for bit;
#  - bilinear and bicubic without antialias: PyTorch 2.1's uint8 algorithm, re-implemented below
#    from its definition (semantics section 8.6), bit for bit;
#  - linear, trilinear, area: PyTorch 1.13's float32 result rounded and clamped to [0, 255]; the
#    tool's result must be within 1 of it ("within1" cases).
#
#   /usr/bin/python3 tests/cli/make_cli_uint8_cases.py
# SPDX-License-Identifier: MIT

import os
from pathlib import Path

os.environ.setdefault("ATEN_CPU_CAPABILITY", "default")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
torch.set_num_threads(1)

# name, shape as stored, layout ("cf" or "cl"), check ("exact" or "within1"), reference, arguments
CASES = [
    ("u8x_bilinear_antialias_down", (1, 3, 40, 30), "cf", "exact", "pillow", "--mode bilinear --size 17 13 --antialias"),
    ("u8x_bicubic_antialias_up", (1, 2, 7, 9), "cf", "exact", "pillow", "--mode bicubic --size 16 21 --antialias"),
    ("u8x_cl4_bicubic_antialias", (1, 33, 29, 3), "cl", "exact", "pillow", "--mode bicubic --size 12 10 --antialias"),
    ("u8x_bilinear_x2", (1, 3, 9, 11), "cf", "exact", "torch21", "--mode bilinear --scale-factor 2"),
    ("u8x_bicubic_align", (1, 2, 8, 7), "cf", "exact", "torch21", "--mode bicubic --size 13 5 --align-corners"),
    ("u8x_cl4_bilinear", (1, 10, 12, 3), "cl", "exact", "torch21", "--mode bilinear --size 7 19"),
    ("u8x_linear", (2, 3, 17), "cf", "within1", "float", "--mode linear --scale-factor 1.7"),
    ("u8x_trilinear", (1, 2, 4, 5, 6), "cf", "within1", "float", "--mode trilinear --size 7 3 9"),
    ("u8x_area_4d", (1, 3, 13, 11), "cf", "within1", "float", "--mode area --size 5 4"),
    ("u8x_cl5_area", (1, 6, 5, 4, 2), "cl", "within1", "float", "--mode area --size 3 2 4"),
]


def parse(args):
    words = args.split()
    opts = {"mode": words[words.index("--mode") + 1], "align_corners": "--align-corners" in words,
            "antialias": "--antialias" in words, "size": None, "scale": None}
    for key, flag, kind in (("size", "--size", int), ("scale", "--scale-factor", float)):
        if flag in words:
            i = words.index(flag) + 1
            values = []
            while i < len(words) and not words[i].startswith("--"):
                values.append(kind(words[i]))
                i += 1
            opts[key] = values
    return opts


def out_sizes(in_sizes, opts):
    if opts["size"]:
        s = opts["size"]
        return [s[0] if len(s) == 1 else s[a] for a in range(len(in_sizes))]
    f = opts["scale"]
    return [int(np.floor(n * (f[0] if len(f) == 1 else f[a]))) for a, n in enumerate(in_sizes)]


def torch21_axis(n_in, n_out, cubic, align, scale_factor):
    """(xmin, int16 weights, precision) per output, as PyTorch 2.1's uint8 path computes them."""
    if align:
        scale = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        scale = 1.0 / scale_factor if scale_factor else n_in / n_out
    support, delta, a = (2.0 if cubic else 1.0), (0.5 if align else 0.0), -0.75

    def filt(x):
        x = abs(x)
        if cubic:
            if x < 1.0:
                return ((a + 2) * x - (a + 3)) * x * x + 1
            if x < 2.0:
                return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
            return 0.0
        return 1.0 - x if x < 1.0 else 0.0

    rows, wmax = [], 0.0
    for i in range(n_out):
        center = scale * (i + 0.5 - delta)
        xmin = max(int(center - support + 0.5 + delta), 0)
        xsize = min(max(min(int(center + support + 0.5 + delta), n_in) - xmin, 0), 4 if cubic else 2)
        w = [filt(j + xmin - center + 0.5 - delta) for j in range(xsize)]
        total = 0.0
        for v in w:
            total += v  # left to right, as the C++ loop
        if total != 0.0:
            w = [v / total for v in w]
            wmax = max([wmax] + w)
        rows.append((xmin, w))
    precision = 0
    while precision < 22 and int(0.5 + wmax * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    out = []
    for xmin, w in rows:
        out.append((xmin, [int(-0.5 + v * (1 << precision)) if v * (1 << precision) < 0 else int(0.5 + v * (1 << precision))
                           for v in w]))
    return out, precision


def torch21_pass(plane, axis, table, precision):
    """One pass along `axis` of a 2-D uint8 plane through the int32 formula of section 8.6."""
    x = np.moveaxis(plane.astype(np.int64), axis, 0)
    out = np.empty((len(table),) + x.shape[1:], dtype=np.int64)
    for i, (xmin, w) in enumerate(table):
        acc = np.full(x.shape[1:], 1 << (precision - 1), dtype=np.int64)
        for j, wj in enumerate(w):
            acc += x[xmin + j] * wj
        out[i] = np.clip(acc >> precision, 0, 255)
    return np.moveaxis(out, 0, axis).astype(np.uint8)


def reference(x, opts, ref):
    """x is N, C, spatial...; returns the expected uint8 array in the same layout."""
    n, c = x.shape[:2]
    in_sizes = list(x.shape[2:])
    sizes = out_sizes(in_sizes, opts)
    if ref == "pillow":
        resample = Image.BICUBIC if opts["mode"] == "bicubic" else Image.BILINEAR
        planes = [np.asarray(Image.fromarray(x[i, j], "L").resize((sizes[1], sizes[0]), resample))
                  for i in range(n) for j in range(c)]
        return np.stack(planes).reshape(n, c, sizes[0], sizes[1])
    if ref == "torch21":
        cubic = opts["mode"] == "bicubic"
        scales = opts["scale"] or [None, None]
        scales = scales * 2 if len(scales) == 1 else scales
        th, ph = torch21_axis(in_sizes[0], sizes[0], cubic, opts["align_corners"], scales[0])
        tw, pw = torch21_axis(in_sizes[1], sizes[1], cubic, opts["align_corners"], scales[1])
        result = np.empty((n, c, sizes[0], sizes[1]), dtype=np.uint8)
        for i in range(n):
            for j in range(c):
                y = x[i, j]
                if sizes[1] != in_sizes[1]:
                    y = torch21_pass(y, 1, tw, pw)
                if sizes[0] != in_sizes[0]:
                    y = torch21_pass(y, 0, th, ph)
                result[i, j] = y
        return result
    kwargs = {"mode": opts["mode"]}
    if opts["size"]:
        kwargs["size"] = opts["size"] if len(opts["size"]) > 1 else opts["size"][0]
    else:
        kwargs["scale_factor"] = opts["scale"] if len(opts["scale"]) > 1 else opts["scale"][0]
    if opts["align_corners"]:
        kwargs["align_corners"] = True
    y = F.interpolate(torch.from_numpy(x.astype(np.float32)), **kwargs).numpy()
    return np.clip(np.round(y), 0, 255).astype(np.uint8)


def save(path, array):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.ascontiguousarray(array), version=(1, 0))


def main():
    rng = np.random.default_rng(20261125)
    lines = ["# name check(exact|within1) followed by the tool's arguments after IN OUT",
             "# generated by make_cli_uint8_cases.py; do not edit"]
    for name, shape, layout, check, ref, args in CASES:
        stored = rng.integers(0, 256, size=shape, dtype=np.uint8)
        # Blocks of equal values make hard edges, where the cubic filters clamp.
        stored[..., ::3] = stored[..., ::3] // 128 * 255
        x = stored if layout == "cf" else np.moveaxis(stored, -1, 1)
        y = reference(np.ascontiguousarray(x), parse(args), ref)
        if layout == "cl":
            y = np.moveaxis(y, 1, -1)
            args += " --layout channels-last"
        save(DATA / f"{name}.in.npy", stored)
        save(DATA / f"{name}.out.npy", y)
        lines.append(f"{name} {check} {args}")
    (DATA / "uint8_cases.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
