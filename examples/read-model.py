#!/usr/bin/env python3
"""Reads a memspike model file (.mspk) with numpy alone, no memspike needed.

    python3 examples/read-model.py model.mspk [--json]

Make one with `npx memspike train --neurons 10 --samples 20 --label-pass 20 --out model.mspk`.

The format (networks/persist/model-file.ts, format version 1; integers little-endian):

    offset  size  field
         0     4  magic b'MSPK'
         4     4  u32 format version
         8     4  u32 H = length of the JSON header [bytes, UTF-8]
        12     4  u32 flags (reserved, 0)
        16     8  u64 P = payload length [bytes]
        24     H  JSON header, then zero bytes up to a multiple of 8
         S     P  payload: each array's raw little-endian bytes at S + byteOffset (8-byte aligned),
                  S = 24 + H rounded up to a multiple of 8
     S + P     4  u32 CRC-32 (IEEE, the zlib one) of bytes [0, S + P)

The header: {"kind", "params", "shapes", "scalars", "labels", "rng",
"arrays": [{"name", "dtype", "length", "byteOffset"}, ...]}. Scalars that JSON cannot hold are the
strings "NaN", "Infinity", "-Infinity", "-0".

For a Diehl & Cook model (kind 'memspike/diehl-cook-2015') the input -> excitatory weights are the
first synapse store, `net.stores.0.arrays.weights`: 784 x neurons float32, row-major with one row per
input pixel (synapse index = pixel * neurons + neuron), so column j is neuron j's receptive field.
"""
import json
import struct
import sys
import zlib

import numpy as np

MAGIC = b"MSPK"
FORMAT_VERSION = 1
DTYPES = {
    "f64": "<f8", "f32": "<f4", "i32": "<i4", "u32": "<u4", "i16": "<i2", "u16": "<u2",
    "i8": "i1", "u8": "u1", "u8c": "u1", "i64": "<i8", "u64": "<u8",
}
SPECIAL = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"), "-0": -0.0}


def read_model(path):
    """Returns (header, arrays): the JSON header and {name: numpy array}. Raises ValueError on a bad file."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 28 or buf[:4] != MAGIC:
        raise ValueError(f"{path}: not a memspike model file (no 'MSPK' magic)")
    version, h, _flags, p_lo, p_hi = struct.unpack_from("<IIIII", buf, 4)
    if version != FORMAT_VERSION:
        raise ValueError(f"{path}: format version {version}; this reader knows version {FORMAT_VERSION}")
    p = p_lo + (p_hi << 32)
    s = (24 + h + 7) // 8 * 8
    if len(buf) != s + p + 4:
        raise ValueError(f"{path}: {len(buf)} bytes, the header says {s + p + 4} (truncated or padded?)")
    (stored,) = struct.unpack_from("<I", buf, s + p)
    computed = zlib.crc32(buf[: s + p]) & 0xFFFFFFFF
    if stored != computed:
        raise ValueError(f"{path}: CRC-32 mismatch (stored {stored:#010x}, computed {computed:#010x}): the file is corrupt")
    header = json.loads(buf[24 : 24 + h].decode("utf-8"))
    arrays = {}
    for a in header["arrays"]:
        dt = np.dtype(DTYPES[a["dtype"]])
        start = s + a["byteOffset"]
        end = start + a["length"] * dt.itemsize
        if a["byteOffset"] % 8 != 0 or end > s + p:
            raise ValueError(f"{path}: array {a['name']} is misaligned or out of bounds")
        arrays[a["name"]] = np.frombuffer(buf, dtype=dt, count=a["length"], offset=start)
    return header, arrays, {"bytes": len(buf), "crc32": stored}


def scalar(x):
    return SPECIAL.get(x, x) if isinstance(x, str) else x


def main(argv):
    args = [a for a in argv[1:] if a != "--json"]
    if len(args) != 1:
        print("usage: python3 examples/read-model.py MODEL.mspk [--json]", file=sys.stderr)
        return 2
    path = args[0]
    header, arrays, info = read_model(path)
    shapes = header.get("shapes", {})
    shape_of = {name: tuple(shapes.get(name, [len(a)])) for name, a in arrays.items()}
    params = header.get("params", {})
    spec = params.get("spec") or {}

    # The receptive fields of a Diehl & Cook model: 784 x neurons, column j = neuron j.
    fields = None
    if header["kind"] == "memspike/diehl-cook-2015" and "net.stores.0.arrays.weights" in arrays:
        n = int(spec["neurons"])
        w = arrays["net.stores.0.arrays.weights"].reshape(-1, n)  # (pixels, neurons)
        fields = w.astype(np.float64)

    if "--json" in argv:
        out = {
            "kind": header["kind"],
            "bytes": info["bytes"],
            "crc32": info["crc32"],
            "arrays": [{"name": a["name"], "dtype": a["dtype"], "shape": list(shape_of[a["name"]])} for a in header["arrays"]],
            "labels": header.get("labels", []),
            "scalars": {k: scalar(v) for k, v in header.get("scalars", {}).items() if not k.startswith("net.random.")},
            "mean_weight": [float(x) for x in fields.mean(axis=0)] if fields is not None else None,
        }
        print(json.dumps(out))
        return 0

    print(f"{path}: MSPK format {FORMAT_VERSION}, {info['bytes']} bytes, CRC-32 {info['crc32']:#010x} ok")
    print(f"kind: {header['kind']} (written by memspike {params.get('memspike', '?')})")
    if spec:
        state = params.get("state") or {}
        print(f"spec: {spec.get('neurons')} neurons, device {spec.get('device')} ({spec.get('cell')} cells), seed {spec.get('seed')}, trained on {state.get('trainedSamples', '?')} images")
    print(f"{len(arrays)} arrays:")
    width = max(len(k) for k in arrays)
    for a in header["arrays"]:
        arr = arrays[a["name"]]
        value_range = f"[{arr.min():.6g} .. {arr.max():.6g}]" if arr.size else "(empty)"
        print(f"  {a['name']:<{width}}  {a['dtype']:>3}  {str(shape_of[a['name']]):<10}  {value_range}")
    labels = header.get("labels", [])
    if labels:
        print(f"labels (class of each excitatory neuron, -1: none): {labels}")
    if fields is not None:
        means = fields.mean(axis=0)
        print(f"mean receptive-field weight per excitatory neuron ({fields.shape[0]} inputs each):")
        print("  " + " ".join(f"{m:.5f}" for m in means))
        j = int(np.argmax(fields.max(axis=0) - fields.min(axis=0)))
        side = int(round(fields.shape[0] ** 0.5))
        if side * side == fields.shape[0]:
            ramp = " .:-=+*#%@"
            rf = fields[:, j].reshape(side, side)
            lo, hi = rf.min(), rf.max()
            print(f"receptive field of neuron {j} (label {labels[j] if j < len(labels) else '?'}), {lo:.3f} ' ' .. {hi:.3f} '@':")
            for r in range(0, side, 2):  # two pixel rows per text line (characters are tall)
                row = (rf[r] + rf[r + 1]) / 2 if r + 1 < side else rf[r]
                print("  " + "".join(ramp[int((v - lo) / (hi - lo + 1e-12) * (len(ramp) - 1))] for v in row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
