"""Records what a peer's DTLS transport decrypted, before aiortc routes it: RTP per SSRC (count, the
highest sequence number, packets carrying hostile_packets.MARKER) and RTCP sender reports per SSRC.

aiortc's RTP router silently discards packets whose SSRC the peer was not told about, so the frame
counters cannot show that a victim *received* a forged packet; this tap can. It is installed on one
RTCDtlsTransport instance (instance attributes shadow the class's methods, so nothing global changes).
`swallow_rtp` stops RTP at the tap: an attacker need not spend the CPU decoding what it receives.
"""

from __future__ import annotations

import struct
from collections import Counter, defaultdict

from hostile_packets import MARKER, RTCP_SR


class PacketTap:
    def __init__(self, dtls, *, swallow_rtp: bool = False):
        self.dtls = dtls
        self.swallow_rtp = swallow_rtp
        self.rtp_packets: Counter[int] = Counter()
        self.rtp_bytes = 0
        self.highest_sequence: dict[int, int] = {}
        self.marked: Counter[int] = Counter()  # SSRC -> packets whose payload carries MARKER
        self.sender_reports: dict[int, list[int]] = defaultdict(list)  # SSRC -> NTP timestamps
        self._handle_rtp = dtls._handle_rtp_data
        self._handle_rtcp = dtls._handle_rtcp_data
        dtls._handle_rtp_data = self._on_rtp
        dtls._handle_rtcp_data = self._on_rtcp

    @classmethod
    def on(cls, peer, **kwargs) -> "PacketTap":
        return cls(peer.pc.sctp.transport, **kwargs)

    @property
    def transport_bytes_received(self) -> int:
        """Every DTLS/SRTP/SRTCP datagram the transport read (its getStats bytesReceived)."""
        return self.dtls._RTCDtlsTransport__rx_bytes

    async def _on_rtp(self, data: bytes, arrival_time_ms: int) -> None:
        if len(data) >= 12:
            sequence, ssrc = struct.unpack_from("!H4xI", data, 2)
            self.rtp_packets[ssrc] += 1
            self.rtp_bytes += len(data)
            last = self.highest_sequence.get(ssrc)
            if last is None or 0 < ((sequence - last) & 0xFFFF) < 0x8000:
                self.highest_sequence[ssrc] = sequence
            if MARKER in data:
                self.marked[ssrc] += 1
        if not self.swallow_rtp:
            await self._handle_rtp(data, arrival_time_ms)

    async def _on_rtcp(self, data: bytes) -> None:
        offset = 0
        while offset + 4 <= len(data):
            packet_type, words = struct.unpack_from("!xBH", data, offset)
            end = offset + 4 * (words + 1)
            if end > len(data):
                break
            if packet_type == RTCP_SR and end - offset >= 16:
                ssrc, ntp = struct.unpack_from("!IQ", data, offset + 4)
                self.sender_reports[ssrc].append(ntp)
            offset = end
        await self._handle_rtcp(data)

    def marked_total(self) -> int:
        return sum(self.marked.values())

    def sender_reports_with(self, ntp_timestamp: int) -> dict[int, int]:
        """SSRC -> how many sender reports carried exactly this NTP timestamp."""
        return {ssrc: n for ssrc, ntps in self.sender_reports.items() if (n := ntps.count(ntp_timestamp))}
