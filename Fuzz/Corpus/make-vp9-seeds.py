#!/usr/bin/env python3
"""Writes the seed inputs of Fuzz/Corpus/FuzzVP9 (see Fuzz/Sources/FuzzVP9/FuzzVP9.swift for the layout).

Run from anywhere: `python3 Fuzz/Corpus/make-vp9-seeds.py`. The output is committed; rerun only when
the harness's input layout changes. Payloads are built by hand from the RFC 9628 §4.2 descriptor
layout and the §4.2.1 scalability structure.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "FuzzVP9")


def write(name, data):
    os.makedirs(TARGET, exist_ok=True)
    with open(os.path.join(TARGET, name), "wb") as f:
        f.write(bytes(data))


def scalability(spatial_layers, resolutions=None, group=None):
    out = bytes([((spatial_layers - 1) << 5) | (0x10 if resolutions else 0) | (0x08 if group is not None else 0)])
    for width, height in resolutions or []:
        out += struct.pack(">HH", width, height)
    if group is not None:
        out += bytes([len(group)])
        for tid, u, refs in group:
            out += bytes([(tid << 5) | (0x10 if u else 0) | (len(refs) << 2)]) + bytes(refs)
    return out


def descriptor(predicted=False, start=True, end=True, flexible=False, picture_id=None, long_id=True,
               layers=None, tl0=0, refs=(), ss=None):
    flags = (0x80 if picture_id is not None else 0) | (0x40 if predicted else 0) | (0x20 if layers else 0) \
        | (0x10 if flexible else 0) | (0x08 if start else 0) | (0x04 if end else 0) | (0x02 if ss else 0)
    out = bytes([flags])
    if picture_id is not None:
        out += struct.pack(">H", 0x8000 | picture_id) if long_id else bytes([picture_id & 0x7F])
    if layers:
        tid, u, sid, d = layers
        out += bytes([(tid << 5) | (0x10 if u else 0) | (sid << 1) | (1 if d else 0)])
        if not flexible:
            out += bytes([tl0])
    for index, diff in enumerate(refs):
        out += bytes([(diff << 1) | (1 if index < len(refs) - 1 else 0)])
    return out + (ss or b"")


BODY = b"\xab" * 16
L1T3 = [(0, False, [4]), (2, True, [1]), (1, True, [2]), (2, False, [1])]


def main():
    write("keyframe-ss-l3t3.bin", descriptor(end=False, picture_id=0x1234, layers=(0, False, 0, False), tl0=5,
                                             ss=scalability(3, [(320, 180), (640, 360), (1280, 720)], L1T3)) + BODY)
    write("non-flexible-tl0.bin", descriptor(predicted=True, picture_id=0x21, long_id=False,
                                             layers=(2, True, 1, True), tl0=200) + BODY)
    write("flexible-three-refs.bin", descriptor(predicted=True, end=False, flexible=True, picture_id=0x7FFF,
                                                layers=(1, False, 0, False), refs=(1, 2, 127)) + BODY)
    write("flexible-keyframe-ss-no-resolutions.bin", descriptor(flexible=True, picture_id=77,
                                                                layers=(0, False, 0, False), ss=scalability(2)) + BODY)
    write("no-pictureid.bin", descriptor(predicted=True, start=False) + BODY)


if __name__ == "__main__":
    main()
