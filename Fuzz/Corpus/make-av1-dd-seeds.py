#!/usr/bin/env python3
"""Writes the seed inputs of Fuzz/Corpus/FuzzAV1DependencyDescriptor (layout: see the header of
Fuzz/Sources/FuzzAV1DependencyDescriptor/FuzzAV1DependencyDescriptor.swift).

Run from anywhere: `python3 Fuzz/Corpus/make-av1-dd-seeds.py`. The output is committed; rerun only
when the harness's input layout changes. The extensions are encoded here, independently of the
Swift writer, straight from the syntax of AV1 RTP specification A.8.2; the structures are L1T3 and
L3T3 of A.10.2 and the S3T3 that libwebrtc's encoder sends. What each seed must produce is listed
in Tests/RTPTests/FuzzAV1DependencyDescriptorCorpusTests.swift.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "FuzzAV1DependencyDescriptor")
DTI = {"-": 0, "D": 1, "S": 2, "R": 3}


class Bits:
    def __init__(self):
        self.bits = []

    def f(self, n, value):
        assert 0 <= value < (1 << n), (n, value)
        self.bits += [(value >> i) & 1 for i in reversed(range(n))]

    def ns(self, n, value):
        assert 0 <= value < n
        if n == 1:
            return
        w = n.bit_length()
        m = (1 << w) - n
        if value < m:
            self.f(w - 1, value)
        else:
            self.f(w, value + m)

    def data(self):
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8))


class Structure:
    """templates: (spatial, temporal, DTI symbols, fdiffs, chain diffs) in template index order."""

    def __init__(self, offset, dt_count, chain_count, protected_by, templates, resolutions=None):
        self.offset, self.dt_count, self.chain_count = offset, dt_count, chain_count
        self.protected_by, self.templates, self.resolutions = protected_by, templates, resolutions

    def write(self, b):
        b.f(6, self.offset)
        b.f(5, self.dt_count - 1)
        for i, (s, t, _, _, _) in enumerate(self.templates):
            if i == len(self.templates) - 1:
                b.f(2, 3)
            else:
                ns, nt = self.templates[i + 1][:2]
                b.f(2, 2 if ns != s else 1 if nt != t else 0)
        for _, _, dtis, _, _ in self.templates:
            assert len(dtis) == self.dt_count
            for symbol in dtis:
                b.f(2, DTI[symbol])
        for _, _, _, fdiffs, _ in self.templates:
            for diff in fdiffs:
                b.f(1, 1)
                b.f(4, diff - 1)
            b.f(1, 0)
        b.ns(self.dt_count + 1, self.chain_count)
        if self.chain_count:
            for chain in self.protected_by:
                b.ns(self.chain_count, chain)
            for _, _, _, _, chains in self.templates:
                for diff in chains:
                    b.f(4, diff)
        b.f(1, 1 if self.resolutions else 0)
        for width, height in self.resolutions or []:
            b.f(16, width - 1)
            b.f(16, height - 1)

    def id(self, index):
        return (self.offset + index) % 64


def dd(structure, index, frame_number, start=True, end=True, attach=False, active=None,
       dtis=None, fdiffs=None, chains=None, template_id=None):
    b = Bits()
    b.f(1, int(start))
    b.f(1, int(end))
    b.f(6, structure.id(index) if template_id is None else template_id)
    b.f(16, frame_number)
    if attach or active is not None or dtis is not None or fdiffs is not None or chains is not None:
        for flag in (attach, active is not None, dtis is not None, fdiffs is not None, chains is not None):
            b.f(1, int(flag))
        if attach:
            structure.write(b)
        if active is not None:
            b.f(structure.dt_count, active)
        for symbol in dtis or "":
            b.f(2, DTI[symbol])
        if fdiffs is not None:
            for diff in fdiffs:
                minus_one = diff - 1
                size = 1 if minus_one < 0x10 else 2 if minus_one < 0x100 else 3
                b.f(2, size)
                b.f(4 * size, minus_one)
            b.f(2, 0)
        for diff in chains or []:
            b.f(8, diff)
    return b.data()


def records(*extensions):
    out = b""
    for data in extensions:
        assert len(data) < 256
        out += bytes([len(data)]) + data
    return out


def write(name, data):
    os.makedirs(TARGET, exist_ok=True)
    with open(os.path.join(TARGET, name), "wb") as f:
        f.write(data)


L1T3 = lambda offset: Structure(offset, 3, 1, [0, 0, 0], [
    (0, 0, "SSS", [], [0]),
    (0, 0, "SSS", [4], [4]),
    (0, 1, "SD-", [2], [2]),
    (0, 2, "D--", [1], [1]),
    (0, 2, "D--", [1], [3]),
], resolutions=[(1280, 720)])

L3T3 = Structure(0, 9, 3, [2, 2, 2, 1, 1, 1, 0, 0, 0], [
    (0, 0, "SSSSSSSSS", [], [0, 0, 0]),
    (0, 0, "RRRRRRSSS", [12], [12, 11, 10]),
    (0, 1, "RR-RR-SD-", [6], [6, 5, 4]),
    (0, 2, "R--R--D--", [3], [3, 2, 1]),
    (0, 2, "R--R--D--", [3], [9, 8, 7]),
    (1, 0, "SSSSSS---", [1], [1, 1, 1]),
    (1, 0, "RRRSSS---", [12, 1], [1, 1, 1]),
    (1, 1, "RR-SD----", [6, 1], [7, 6, 5]),
    (1, 2, "R--D-----", [3, 1], [4, 3, 2]),
    (1, 2, "R--D-----", [3, 1], [10, 9, 8]),
    (2, 0, "SSS------", [1], [2, 1, 1]),
    (2, 0, "SSS------", [12, 1], [2, 1, 1]),
    (2, 1, "SD-------", [6, 1], [8, 7, 6]),
    (2, 2, "D--------", [3, 1], [5, 4, 3]),
    (2, 2, "D--------", [3, 1], [11, 10, 9]),
], resolutions=[(320, 180), (640, 360), (1280, 720)])

S3T3 = Structure(63, 9, 3, [0, 0, 0, 1, 1, 1, 2, 2, 2], [
    (0, 0, "SSS------", [12], [12, 11, 10]),
    (0, 0, "SSS------", [], [0, 0, 0]),
    (0, 1, "-DS------", [6], [6, 5, 4]),
    (0, 2, "--D------", [3], [3, 2, 1]),
    (0, 2, "--D------", [3], [9, 8, 7]),
    (1, 0, "---SSS---", [12], [1, 12, 11]),
    (1, 0, "---SSS---", [], [1, 0, 0]),
    (1, 1, "----DS---", [6], [7, 6, 5]),
    (1, 2, "-----D---", [3], [4, 3, 2]),
    (1, 2, "-----D---", [3], [10, 9, 8]),
    (2, 0, "------SSS", [12], [2, 1, 12]),
    (2, 0, "------SSS", [], [2, 1, 0]),
    (2, 1, "-------DS", [6], [8, 7, 6]),
    (2, 2, "--------D", [3], [5, 4, 3]),
    (2, 2, "--------D", [3], [11, 10, 9]),
])


def main():
    l1t3 = L1T3(62)
    key = dd(l1t3, 0, 0x1234, end=False, attach=True)
    # The hand-built vector of AV1DependencyDescriptorTests.handBuiltL1T3KeyFrameParsesFieldByField.
    assert key.hex() == "be1234 87c214eaaa44104d141020842704ff02cf".replace(" ", "")
    write("l1t3-key-then-frames.bin", records(
        key,
        dd(l1t3, 0, 0x1234, start=False),                      # the key frame's last packet
        dd(l1t3, 3, 0x1235),                                   # T2
        dd(l1t3, 2, 0x1236),                                   # T1
        dd(l1t3, 4, 0x1237),                                   # T2
        dd(l1t3, 1, 0x1239, active=0b011, dtis="SS-", fdiffs=[5, 300], chains=[5]),
        dd(l1t3, 3, 0x123A),
    ))
    write("l3t3-svc.bin", records(
        dd(L3T3, 0, 100, end=False, attach=True),
        dd(L3T3, 5, 101),                                      # S1 T0
        dd(L3T3, 10, 102),                                     # S2 T0
        dd(L3T3, 3, 103, active=0b111_111_000),                # S0 T2, HD dropped
        dd(L3T3, 8, 104),                                      # S1 T2
    ))
    write("s3t3-simulcast.bin", records(
        dd(S3T3, 1, 7, attach=True, end=False),                # template id 0 (offset 63 + 1)
        dd(S3T3, 6, 8),                                        # S1 T0
        dd(S3T3, 11, 9),                                       # S2 T0
        dd(S3T3, 12, 10, active=0b000_111_111),                # S2 T1, S2 dropped
        dd(S3T3, 0, 11, fdiffs=[4]),                           # S0 T0, a custom fdiff
    ))
    full = dd(L1T3(0), 0, 1, attach=True)
    write("no-structure-first.bin", records(
        dd(L1T3(0), 3, 0),                                     # no structure yet
        full[:-1],                                             # the structure cut short
        full,
        dd(L1T3(0), 2, 2),
    ))
    s3t3_at_20 = Structure(20, 9, 3, S3T3.protected_by, S3T3.templates)
    write("structure-switch.bin", records(
        dd(L1T3(0), 0, 50, attach=True),
        dd(L1T3(0), 3, 51),
        dd(s3t3_at_20, 1, 60, attach=True, active=0b111_111_111),
        dd(L1T3(0), 3, 61),                                    # id 3 names no template now
        dd(s3t3_at_20, 2, 61),
    ))


if __name__ == "__main__":
    main()
