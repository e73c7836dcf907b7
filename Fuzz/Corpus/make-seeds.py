#!/usr/bin/env python3
"""Writes the binary seed inputs of Fuzz/Corpus (the XML and JSON seeds are plain files).

Run from anywhere: `python3 Fuzz/Corpus/make-seeds.py`. The output is committed; rerun only
when a harness's input layout changes. Packets are built by hand from the RFC figures.
"""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(bytes(data))


# --- STUN -------------------------------------------------------------------------------
# RFC 5769 §2.1 sample request (USERNAME "evtj:h6vY", the FuzzSTUN agent's credentials).
RFC5769_REQUEST = bytes.fromhex(
    "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573742063"
    "6c69656e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68"
    "3676592020200008001 49aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf".replace(" ", ""))
assert len(RFC5769_REQUEST) == 108
COOKIE = b"\x21\x12\xa4\x42"
TXID = bytes(range(1, 13))


def stun(message_type, attributes):
    body = b""
    for kind, value in attributes:
        body += struct.pack(">HH", kind, len(value)) + value + b"\x00" * (-len(value) % 4)
    return struct.pack(">HH", message_type, len(body)) + COOKIE + TXID + body


def stun_seeds():
    write("FuzzSTUN", "rfc5769-request.bin", RFC5769_REQUEST)
    write("FuzzSTUN", "binding-request-bare.bin", stun(0x0001, []))
    write("FuzzSTUN", "binding-request-username-only.bin", stun(0x0001, [(0x0006, b"evtj:h6vY")]))
    write("FuzzSTUN", "binding-indication.bin", stun(0x0011, []))
    # A success response with XOR-MAPPED-ADDRESS 192.0.2.1:32853 (RFC 5769 §2.2's value).
    write("FuzzSTUN", "binding-success.bin", stun(0x0101, [(0x0020, bytes.fromhex("0001a147e112a643"))]))


# --- RTP --------------------------------------------------------------------------------
def rtp(pt, seq, ts, ssrc, csrcs=(), extension=None, payload=b"\xab" * 20, padding=0, marker=False):
    first = 0x80 | (0x20 if padding else 0) | (0x10 if extension else 0) | len(csrcs)
    packet = struct.pack(">BBHII", first, (0x80 if marker else 0) | pt, seq, ts, ssrc)
    for csrc in csrcs:
        packet += struct.pack(">I", csrc)
    if extension:
        profile, data = extension
        data += b"\x00" * (-len(data) % 4)
        packet += struct.pack(">HH", profile, len(data) // 4) + data
    packet += payload
    if padding:
        packet += b"\x00" * (padding - 1) + bytes([padding])
    return packet


# One-byte form: MID "a0" (id 10, 2 bytes), audio level (id 1, 1 byte), transport-cc seq (id 5, 2 bytes).
ONE_BYTE = (0xBEDE, bytes([0xA1]) + b"a0" + bytes([0x10, 0x7F, 0x51, 0x00, 0x2A]))
# Two-byte form (profile 0x1000): id 10 with 2 bytes, a padding byte, id 20 with 0 bytes.
TWO_BYTE = (0x1000, bytes([10, 2]) + b"v0" + bytes([0, 20, 0]))
RTP_AUDIO = rtp(111, 1000, 48000, 1111, extension=ONE_BYTE)
RTP_VIDEO = rtp(100, 2000, 90000, 2001, extension=ONE_BYTE, payload=b"\x90\x80" + b"\x00" * 30, marker=True)


def rtp_seeds():
    # FuzzRTP inputs start with the byte that picks which extension ids survive the strip.
    write("FuzzRTP", "one-byte-extensions.bin", b"\x22" + RTP_AUDIO)
    write("FuzzRTP", "two-byte-extensions.bin", b"\x04" + rtp(100, 7, 3000, 2001, extension=TWO_BYTE))
    write("FuzzRTP", "csrcs-padding.bin", b"\xff" + rtp(96, 65535, 1, 2101, csrcs=(7, 8), extension=ONE_BYTE, padding=4))
    write("FuzzRTP", "no-extension.bin", b"\x00" + rtp(0, 1, 160, 42))


# --- RTCP -------------------------------------------------------------------------------
def rtcp(count, packet_type, body):
    assert len(body) % 4 == 0
    return struct.pack(">BBH", 0x80 | count, packet_type, len(body) // 4) + body


def report_block(ssrc):
    return struct.pack(">IIIIII", ssrc, (12 << 24) | 3, 0x0001_0400, 17, 0x1234_5678, 655)


SR = rtcp(1, 200, struct.pack(">IIIIII", 1111, 0xE8A1_2B3C, 0x8000_0000, 48000, 50, 8000) + report_block(3191927963))
RR = rtcp(1, 201, struct.pack(">I", 1111) + report_block(1863439907))
NACK = rtcp(1, 205, struct.pack(">II", 1111, 2001) + struct.pack(">HH", 100, 0b1000_0000_0000_0101))
SDES = rtcp(1, 202, struct.pack(">I", 1111) + bytes([1, 6]) + b"abcdef" + b"\x00\x00\x00\x00")
BYE = rtcp(1, 203, struct.pack(">I", 1111) + bytes([3]) + b"bye")
PLI = rtcp(1, 206, struct.pack(">II", 1111, 2001))
FIR = rtcp(4, 206, struct.pack(">II", 1111, 0) + struct.pack(">IB3x", 2001, 7))
REMB = rtcp(15, 206, struct.pack(">II", 1111, 0) + b"REMB" + struct.pack(">BBH", 1, (3 << 2) | 0, 0x4000) + struct.pack(">I", 2001))
# transport-cc: base 100, 3 packets, reference time 1, feedback #0, one run-length chunk of
# three "small delta" symbols, deltas 4, 8, 1 (x 250 µs), zero-padded to a word boundary.
TCC = rtcp(15, 205, struct.pack(">II", 1111, 2001) + struct.pack(">HHI", 100, 3, (1 << 8) | 0)
           + struct.pack(">H", 0x2003) + bytes([4, 8, 1]) + b"\x00\x00\x00")


def rtcp_seeds():
    write("FuzzRTCP", "sr-rr-nack.bin", SR + RR + NACK)
    write("FuzzRTCP", "rr-sdes-bye.bin", RR + SDES + BYE)
    write("FuzzRTCP", "rr-transport-cc.bin", RR + TCC)
    write("FuzzRTCP", "rr-pli-fir-remb.bin", RR + PLI + FIR + REMB)


# --- Engine -----------------------------------------------------------------------------
def record(source, step, timeout, wrap, datagram):
    control = source | (step << 2) | (0x20 if timeout else 0) | (wrap << 6)
    return struct.pack(">BH", control, len(datagram)) + datagram


def engine_seeds():
    secure, plain = b"\x01", b"\x00"
    media = b"".join(record(0, 1, False, 1, rtp(111, 1000 + i, 48000 + 960 * i, 1111, extension=ONE_BYTE)) for i in range(3))
    media += record(0, 1, False, 1, RTP_VIDEO) + record(1, 1, False, 1, rtp(111, 5, 960, 1112, extension=ONE_BYTE))
    write("FuzzEngine", "secure-media.bin", secure + media)
    write("FuzzEngine", "secure-rtcp.bin", secure + record(0, 2, False, 2, SR + RR + NACK) + record(1, 2, True, 2, RR + TCC)
          + record(0, 2, False, 2, RR + PLI + FIR + REMB))
    write("FuzzEngine", "secure-expiry.bin", secure + record(0, 1, False, 1, RTP_AUDIO) + record(2, 6, True, 0, b"")
          + record(3, 7, True, 0, b"") + record(0, 7, True, 1, RTP_AUDIO))
    write("FuzzEngine", "plain-strangers.bin", plain + record(2, 1, False, 0, RFC5769_REQUEST) + record(3, 1, False, 0, RTP_AUDIO)
          + record(0, 2, True, 0, stun(0x0001, [(0x0006, b"x:peera")])) + record(0, 0, False, 0, b"\x16\xfe\xfd" + b"\x00" * 10))


# --- Colibri2 ---------------------------------------------------------------------------
def colibri_seeds():
    """§2.6 (a) and (b), exactly as docs/colibri2.md shows them (with the IQ wrapper)."""
    doc = os.path.join(HERE, "..", "..", "..", "shared", "docs", "colibri2.md")
    if not os.path.exists(doc):
        return
    text = open(doc, encoding="utf-8").read()
    section = text[text.index("### 2.6"):]
    blocks = re.findall(r"```xml\n(.*?)```", section, re.S)
    write("FuzzColibriXML", "2.6a-create-conference.xml", blocks[0].encode())
    write("FuzzColibriXML", "2.6b-session-accept.xml", blocks[2].encode())


def srtp_seeds():
    # FuzzSRTP: a selector (bit 0 the profile: 0 AES-CM/HMAC, 1 GCM; bit 1 RTCP; bits 2-7 the byte
    # the tamper step flips), then the plaintext.
    write("FuzzSRTP", "rtp-audio-hmac.bin", b"\x00" + RTP_AUDIO)
    write("FuzzSRTP", "rtp-video-gcm.bin", b"\x15" + RTP_VIDEO)
    write("FuzzSRTP", "rtcp-sr-hmac.bin", b"\x0a" + SR)
    write("FuzzSRTP", "rtcp-sr-gcm.bin", b"\xfb" + SR)


if __name__ == "__main__":
    stun_seeds()
    rtp_seeds()
    srtp_seeds()
    rtcp_seeds()
    engine_seeds()
    colibri_seeds()
