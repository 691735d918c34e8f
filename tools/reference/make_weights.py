"""Writes seeded random SD 1.5 weights as .safetensors (float32), streamed tensor by tensor.

usage: make_weights.py <tensors.json: {name: shape}> <out.safetensors>

Scales keep activations in a realistic range: matrices and convs ~ N(0, 1/fan_in),
norm scales ~ 1 + N(0, 0.1), biases ~ N(0, 0.02).
"""
import json
import os
import struct
import sys
import zlib

import numpy as np


def values(name, shape):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    if len(shape) >= 2:
        fan_in = int(np.prod(shape[1:]))
        return rng.standard_normal(shape, dtype=np.float32) / np.float32(np.sqrt(fan_in))
    if name.endswith(".weight"):
        return 1 + 0.1 * rng.standard_normal(shape, dtype=np.float32)
    return 0.02 * rng.standard_normal(shape, dtype=np.float32)


def main(shapes_path, out_path):
    with open(shapes_path) as f:
        shapes = json.load(f)
    header, offset = {}, 0
    for name, shape in shapes.items():
        size = 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(out_path + ".tmp", "wb") as out:
        out.write(struct.pack("<Q", len(encoded)))
        out.write(encoded)
        for name, shape in shapes.items():
            out.write(values(name, shape).astype("<f4").tobytes())

    os.replace(out_path + ".tmp", out_path)


if __name__ == "__main__":
    main(*sys.argv[1:3])
