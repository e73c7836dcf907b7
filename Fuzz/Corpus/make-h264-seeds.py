#!/usr/bin/env python3
"""Writes the seed inputs of Fuzz/Corpus/FuzzH264 (see Fuzz/Sources/FuzzH264/FuzzH264.swift).

Run from anywhere: `python3 Fuzz/Corpus/make-h264-seeds.py`. The output is committed; rerun only
when the harness's input layout changes. Payloads follow RFC 6184 §5.6 (single NAL unit), §5.7.1
(STAP-A) and §5.8 (FU-A), shaped as libwebrtc packetizes a key frame and the frames after it.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "FuzzH264")

SPS = bytes([0x67, 0x42, 0xC0, 0x1F, 0xDA, 0x01, 0x40, 0x16])
PPS = bytes([0x68, 0xCE, 0x3C, 0x80])
IDR = bytes([0x65, 0x88, 0x84, 0x00]) + bytes(40)
SLICE = bytes([0x41, 0x9A, 0x02]) + bytes(40)


def write(name, data):
    os.makedirs(TARGET, exist_ok=True)
    with open(os.path.join(TARGET, name), "wb") as f:
        f.write(bytes(data))


def stap_a(*units):
    return bytes([0x78]) + b"".join(struct.pack(">H", len(u)) + u for u in units)


def fu_a(unit, start, end):
    return bytes([(unit[0] & 0xE0) | 28, (0x80 if start else 0) | (0x40 if end else 0) | (unit[0] & 0x1F)]) + unit[1:]


write("stap-a-sps-pps-idr.bin", stap_a(SPS, PPS, IDR))
write("fu-a-idr-start.bin", fu_a(IDR, True, False))
write("fu-a-idr-end.bin", fu_a(IDR, False, True))
write("single-slice.bin", SLICE)
write("single-sps.bin", SPS)
