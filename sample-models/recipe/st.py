"""Minimal safetensors writer/reader (BF16 and F32), written for this recipe.

Layout: 8-byte little-endian header length N, N bytes of JSON header (padded
with spaces to a multiple of 8), then the raw tensor bytes in header order.
"""
import json
import struct

import numpy as np
import torch


def save_bf16(tensors, path):
    names = sorted(tensors)
    header = {"__metadata__": {"format": "pt"}}
    blobs, off = [], 0
    for n in names:
        t = tensors[n].detach().to(torch.float32).contiguous().to(torch.bfloat16)
        b = t.view(torch.int16).numpy().astype("<i2").tobytes()
        header[n] = {"dtype": "BF16", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(h)))
        fh.write(h)
        for b in blobs:
            fh.write(b)


def load_as_f32(path):
    with open(path, "rb") as fh:
        data = fh.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        s, e = info["data_offsets"]
        raw = data[base + s: base + e]
        if info["dtype"] == "BF16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch.bfloat16).float()
        elif info["dtype"] == "F32":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<f4").copy())
        else:
            raise ValueError(info["dtype"])
        out[name] = t.reshape(info["shape"])
    return out
