# SPDX-License-Identifier: MIT
# Writes PyTorch's gradients of F.interpolate (x.grad after F.interpolate(x, ...).backward(g)) for
# tests/test_backward.cpp: cases.txt (the manifest) and grads.bin (the expected x.grad values).
#
#   ATEN_CPU_CAPABILITY=default /usr/bin/python3 tests/golden_backward/make_backward_goldens.py
#
# grad_output values are not stored: both sides compute them from the case's seed with the
# integer formula in grad_output_values(). The script writes the same bytes on every run.
import os
import random
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def grad_output_values(count, seed):
    # u = (k * 2654435761 + seed * 97531 + 12345) mod 2^32, value (u - 2^31) / 2^30 in [-2, 2):
    # exact in double; float cases round it to float once.
    k = np.arange(count, dtype=np.uint64)
    u = (k * np.uint64(2654435761) + np.uint64(seed * 97531 + 12345)) % np.uint64(1 << 32)
    return (u.astype(np.float64) - float(1 << 31)) / float(1 << 30)


def strided(shape, dtype):
    # A view whose last axis has stride 2: neither contiguous nor channels-last contiguous, so
    # PyTorch 1.13 runs its generic kernels (channels-last-contiguous tensors, which include
    # NCHW tensors with C == 1, go to kernels with other last bits).
    base = torch.zeros(*shape[:-1], 2 * shape[-1], dtype=dtype)
    return base[..., ::2]


def run_case(mode, dtype, in_shape, size, scale, align, recompute, antialias, seed):
    torch_dtype = torch.float32 if dtype == "f32" else torch.float64
    x = strided(in_shape, torch_dtype)
    x.copy_(torch.linspace(-1, 1, int(np.prod(in_shape)), dtype=torch_dtype).reshape(in_shape))
    x = x.detach().requires_grad_()
    kwargs = dict(mode=mode)
    if size is not None:
        kwargs["size"] = size if len(size) > 1 else size[0]
    if scale is not None:
        kwargs["scale_factor"] = scale if len(scale) > 1 else scale[0]
    if align is not None:
        kwargs["align_corners"] = align
    if recompute is not None:
        kwargs["recompute_scale_factor"] = recompute
    if antialias:
        kwargs["antialias"] = True
    y = F.interpolate(x, **kwargs)
    g = strided(list(y.shape), torch_dtype)
    g.copy_(torch.from_numpy(grad_output_values(y.numel(), seed)).to(torch_dtype).reshape(y.shape))
    y.backward(g)
    return list(y.shape), x.grad.contiguous().numpy()


MODES = [
    ("nearest", [3, 4, 5], False), ("nearest-exact", [3, 4, 5], False), ("area", [3, 4, 5], False),
    ("linear", [3], True), ("bilinear", [4], True), ("bicubic", [4], True), ("trilinear", [5], True),
    ("bilinear-aa", [4], True), ("bicubic-aa", [4], True),
]
SCALES = [0.5, 2.0, 1.7, 0.37, 3.0, 0.999, 1.3, 0.75, 2.5, 0.2]


def variants(rng, rank, takes_align, aa):
    spatial = rank - 2
    hi_in = 9 if spatial < 3 else 5
    hi_out = 13 if spatial < 3 else 7

    def ins():
        return [rng.randint(1, hi_in) for _ in range(spatial)]

    def align():
        return rng.choice([None, False, True]) if takes_align else None

    out = []
    for _ in range(4):  # random sizes, sometimes one value for every axis
        i = ins()
        size = [rng.randint(1, hi_out)] if rng.random() < 0.3 else [rng.randint(1, hi_out) for _ in range(spatial)]
        out.append(("size", i, size, None, align(), None))
    for _ in range(4):  # random scale factors
        i = ins()
        if rng.random() < 0.5:
            scale = [rng.choice(SCALES)]
            if any(int(np.floor(n * scale[0])) == 0 for n in i):
                scale = [1.5]  # an output extent of 0 is an error, not a case
        else:
            scale = [s if int(np.floor(n * s)) > 0 else 1.5 for n, s in zip(i, [rng.choice(SCALES) for _ in i])]
        out.append(("scale", i, None, scale, align(), rng.choice([None, False, True])))
    n = 4 if spatial < 3 else 3
    out.append(("same-size-user-scale", [n] * spatial, None, [1.05], align(), False))
    out.append(("doubled-user-scale", [n] * spatial, None, [2.05], align(), False))
    out.append(("to-one", ins(), [1] * spatial, None, align(), None))
    out.append(("from-one", [1] * spatial, [rng.randint(2, hi_out) for _ in range(spatial)], None, align(), None))
    out.append(("same-size", [n + 1] * spatial, [n + 1] * spatial, None, align(), None))
    if aa:
        out.append(("big-down", [23] * spatial, [rng.randint(2, 5) for _ in range(spatial)], None, align(), None))
        out.append(("big-down-scale", [19] * spatial, None, [0.23], align(), False))
    return out


def fmt_list(values):
    return "-" if values is None else ",".join(repr(v) for v in values)


def fmt_tri(value):
    return "-" if value is None else ("1" if value else "0")


def main():
    if os.environ.get("ATEN_CPU_CAPABILITY") != "default":
        sys.exit("run with ATEN_CPU_CAPABILITY=default (the FMA-free build is the reference)")
    torch.set_num_threads(1)
    rng = random.Random(20261124)
    lines = ["# id group mode dtype input_shape size scale_factor align_corners recompute antialias "
             "output_shape seed grad_offset"]
    blob = bytearray()
    case_id = 0
    for dtype in ("f32", "f64"):
        for name, ranks, takes_align in MODES:
            aa = name.endswith("-aa")
            mode = name[:-3] if aa else name
            for rank in ranks:
                for group, spatial_in, size, scale, align, recompute in variants(rng, rank, takes_align, aa):
                    in_shape = [rng.randint(1, 2), rng.randint(1, 3)] + spatial_in
                    if group == "to-one":
                        in_shape[0] = 2  # keep grad_output off the channels-last kernels
                    seed = case_id + 1
                    out_shape, grad = run_case(mode, dtype, in_shape, size, scale, align, recompute, aa, seed)
                    while len(blob) % 8:
                        blob.append(0)
                    offset = len(blob)
                    blob += grad.astype("<f4" if dtype == "f32" else "<f8").tobytes()
                    lines.append(" ".join([
                        "%04d" % case_id, group, mode, dtype, "x".join(map(str, in_shape)), fmt_list(size),
                        fmt_list(scale), fmt_tri(align), fmt_tri(recompute), "1" if aa else "0",
                        "x".join(map(str, out_shape)), str(seed), str(offset)]))
                    case_id += 1
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(HERE, "grads.bin"), "wb") as f:
        f.write(bytes(blob))
    print("%d cases, %d bytes" % (case_id, len(blob)))


if __name__ == "__main__":
    main()
