#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Makes the fusion example inputs from two public-domain / CC0 photographs shipped by Debian's
# python3-skimage (see README.md here): a multi-focus pair (each half of the astronaut portrait
# defocused in turn) and a three-exposure stack of the coffee photograph. numpy, scipy, Pillow.
import os
import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter

SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, size):
    img = Image.open(os.path.join(SKIMAGE, name)).convert("RGB")
    return np.asarray(img.resize(size, Image.LANCZOS)).astype(np.float64) / 255.0


def save(a, name):
    Image.fromarray(np.clip(np.floor(a * 255.0 + 0.5), 0, 255).astype(np.uint8)).save(
        os.path.join(HERE, name), optimize=True)


# Multi-focus pair: defocus (Gaussian blur, sigma 3) fading in over a band across the middle.
astronaut = load("astronaut.png", (320, 320))
blurred = np.stack([gaussian_filter(astronaut[..., c], 3.0) for c in range(3)], axis=-1)
x = np.arange(astronaut.shape[1]) / (astronaut.shape[1] - 1)
left_sharp = np.clip((x - 0.4) / 0.2, 0, 1)[None, :, None]   # 0 on the left: left half sharp
save(astronaut * (1 - left_sharp) + blurred * left_sharp, "focus_left.png")
save(astronaut * left_sharp + blurred * (1 - left_sharp), "focus_right.png")
# The mask for --mask: white where focus_left.png is sharp.
mask = np.repeat(1 - left_sharp[..., 0], astronaut.shape[0], axis=0)
Image.fromarray(np.floor(mask * 255 + 0.5).astype(np.uint8)).save(os.path.join(HERE, "focus_mask.png"), optimize=True)

# Exposure stack: the photograph as linear light (sRGB gamma 2.2) scaled by 1/4, 1 and 4 (-2, 0
# and +2 stops), clipped, and re-encoded.
coffee = load("coffee.png", (384, 256))
linear = coffee ** 2.2
for name, gain in (("exposure_dark.png", 0.25), ("exposure_mid.png", 1.0), ("exposure_bright.png", 4.0)):
    save(np.clip(linear * gain, 0, 1) ** (1 / 2.2), name)
