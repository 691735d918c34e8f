"""Reading the dataset dump and writing .safetensors checkpoints (header written by hand)."""
import json
import os
import struct

import numpy as np
import torch

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}


def save_safetensors(tensors, path, metadata=None):
    """Writes {name: tensor} as .safetensors: u64 LE header length, JSON header, raw little-endian bytes."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        blob = tensor.numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = {key: str(value) for key, value in metadata.items()}
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)))
        out.write(encoded)
        for blob in blobs:
            out.write(blob)
    os.replace(temporary, path)


def load_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    numpy_types = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=numpy_types[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def load_dataset(directory):
    """images float32 [N,3,64,64] in [-1,1], token ids int64 [N,K,77], meta dict."""
    images = np.load(os.path.join(directory, "images.npy"))
    tokens = np.load(os.path.join(directory, "tokens.npy"))
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    pixels = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    return pixels, torch.from_numpy(tokens.astype(np.int64)), meta
