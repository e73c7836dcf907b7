#!/usr/bin/env python3
"""Writes the seed inputs of Fuzz/Corpus/FuzzVP8 (see Fuzz/Sources/FuzzVP8/FuzzVP8.swift for the layout).

Run from anywhere: `python3 Fuzz/Corpus/make-vp8-seeds.py`. The output is committed; rerun only when
the harness's input layout changes. Payloads are built by hand from the RFC 7741 §4.2 descriptor
layout and the §4.3 / RFC 6386 §9.1 payload header.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "FuzzVP8")


def write(name, data):
    os.makedirs(TARGET, exist_ok=True)
    with open(os.path.join(TARGET, name), "wb") as f:
        f.write(bytes(data))


def descriptor(start=True, pid=0, picture_id=None, long_id=True, tl0=None, tid=None, y=False, keyidx=None):
    extension = picture_id is not None or tl0 is not None or tid is not None or keyidx is not None
    out = bytes([(0x80 if extension else 0) | (0x10 if start else 0) | pid])
    if extension:
        out += bytes([(0x80 if picture_id is not None else 0) | (0x40 if tl0 is not None else 0)
                      | (0x20 if tid is not None else 0) | (0x10 if keyidx is not None else 0)])
    if picture_id is not None:
        out += struct.pack(">H", 0x8000 | picture_id) if long_id else bytes([picture_id & 0x7F])
    if tl0 is not None:
        out += bytes([tl0])
    if tid is not None or keyidx is not None:
        out += bytes([((tid or 0) << 6) | (0x20 if y else 0) | ((keyidx or 0) & 0x1F)])
    return out


KEYFRAME_HEADER = bytes.fromhex("100000 9d012a 8002 6801")  # P=0, H=1; start code; 640 x 360
INTER_HEADER = bytes.fromhex("110000")  # P=1, H=1
BODY = b"\xab" * 16


def record(picture_id, tl0, forwarded=True, switched=False, key=False, has_tl0=True, no_picture_id=False):
    flags = (1 if forwarded else 0) | (2 if switched else 0) | (4 if key else 0) | (8 if has_tl0 else 0) \
        | (0x10 if no_picture_id else 0)
    return struct.pack(">HBB", picture_id, tl0, flags)


def main():
    # Descriptor mode (byte 0 < 0x80 seeds the rewritten values).
    write("keyframe-7bit.bin", b"\x11" + descriptor(picture_id=17, long_id=False) + KEYFRAME_HEADER + BODY)
    write("interframe-no-extension.bin", b"\x22" + descriptor() + INTER_HEADER + BODY)
    write("continuation-partition.bin", b"\x33" + descriptor(start=False, pid=1, picture_id=17, long_id=False) + BODY)
    write("long-pictureid.bin", b"\x44" + descriptor(picture_id=4711) + INTER_HEADER + BODY)
    write("temporal-layers.bin", b"\x55" + descriptor(picture_id=0x7FFF, tl0=255, tid=2, y=True, keyidx=5)
          + INTER_HEADER + BODY)
    # Continuity mode: 15-bit (0xC0) — L1T3 with the top layer dropped, a switch to an encoding
    # with unrelated numbers, a late packet, and wraps of both counters.
    script = [record(0x7FFE, 254, key=True), record(0x7FFE, 254), record(0x7FFF, 254, forwarded=False),
              record(0, 254), record(1, 254, forwarded=False), record(2, 255), record(0x1234, 9, switched=True, key=True),
              record(0x1235, 9), record(0x1234, 9), record(0x1236, 10, forwarded=False), record(0x1237, 10)]
    write("continuity-15bit.bin", b"\xc0" + b"".join(script))
    # 7-bit (0x80): a wrap at 127 and a refused switch without a key frame.
    script = [record(126, 0, key=True, has_tl0=False), record(127, 0, has_tl0=False), record(0, 0, has_tl0=False),
              record(50, 0, switched=True, has_tl0=False), record(1, 0, has_tl0=False),
              record(2, 0, no_picture_id=True)]
    write("continuity-7bit.bin", b"\x80" + b"".join(script))


if __name__ == "__main__":
    main()
