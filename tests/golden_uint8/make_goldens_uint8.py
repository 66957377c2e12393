#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the uint8 antialias goldens: Pillow's Image.resize(size, BILINEAR / BICUBIC) on each
plane of deterministic test images (Debian python3-pil 9.4, run with /usr/bin/python3).

cases.txt: one line per case, "name filter channels height width out_height out_width kind seed
offset"; outputs.bin: every case's output, planes one after another (C, out_height, out_width),
at byte `offset`. Inputs are not stored: tests/test_uint8.cpp regenerates them with the same
generator (see `image` below)."""
import os
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def image(channels, height, width, kind, seed):
    """64-bit LCG bytes (the top byte of each state), planes one after another. kind 0: noise;
    kind 1: 5x5 blocks of noise (flat areas and hard edges, where bicubic overshoots)."""
    state = seed
    mask = (1 << 64) - 1

    def next_byte():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        return state >> 56

    if kind == 0:
        values = [next_byte() for _ in range(channels * height * width)]
        return np.array(values, dtype=np.uint8).reshape(channels, height, width)
    bh, bw = (height + 4) // 5, (width + 4) // 5
    blocks = np.array([next_byte() for _ in range(channels * bh * bw)], dtype=np.uint8).reshape(channels, bh, bw)
    return blocks.repeat(5, axis=1).repeat(5, axis=2)[:, :height, :width].copy()


SHAPES = [  # (height, width, out_height, out_width, kind)
    (64, 48, 17, 13, 0), (100, 80, 31, 29, 1), (256, 256, 224, 224, 0), (712, 712, 224, 224, 1),
    (13, 7, 40, 29, 0), (5, 5, 17, 31, 1), (40, 30, 15, 90, 1), (20, 60, 47, 11, 0),
    (33, 17, 9, 31, 1), (1, 1, 5, 7, 0), (17, 13, 1, 1, 0), (1, 40, 1, 9, 1), (30, 1, 7, 1, 0),
    (9, 7, 9, 1, 1), (2000, 3, 3, 3, 0), (1, 1000, 1, 1, 1), (3, 3, 300, 200, 0), (4000, 2, 1, 2, 1),
    (20, 20, 20, 20, 0), (37, 29, 37, 61, 1), (60, 40, 120, 80, 1),
]


def main():
    lines, blobs, offset = [], [], 0
    for filt_name, filt in (("bilinear", Image.BILINEAR), ("bicubic", Image.BICUBIC)):
        for channels in (1, 3):
            for index, (h, w, oh, ow, kind) in enumerate(SHAPES):
                if channels == 3 and oh * ow > 20000:
                    continue  # the big outputs once per filter keep the data small
                seed = 1000 * index + 10 * channels + (1 if filt_name == "bicubic" else 0)
                x = image(channels, h, w, kind, seed)
                y = np.stack([np.asarray(Image.fromarray(x[c], "L").resize((ow, oh), filt)) for c in range(channels)])
                assert y.shape == (channels, oh, ow) and y.dtype == np.uint8
                name = f"{filt_name}_c{channels}_{h}x{w}_to_{oh}x{ow}"
                lines.append(f"{name} {filt_name} {channels} {h} {w} {oh} {ow} {kind} {seed} {offset}")
                blobs.append(y.tobytes())
                offset += y.size
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("# name filter channels height width out_height out_width kind seed offset (make_goldens_uint8.py)\n")
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(HERE, "outputs.bin"), "wb") as f:
        for b in blobs:
            f.write(b)
    print(f"{len(lines)} cases, {offset} bytes")


if __name__ == "__main__":
    main()
