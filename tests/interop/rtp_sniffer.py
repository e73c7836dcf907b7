"""`RtpSniffer`: what RTP headers cross `lo`, read with an AF_PACKET socket (root, test namespace).

SRTP encrypts payloads, not headers: payload type, SSRC and the header extensions of every packet a
Chromium client sends to the bridge (and the bridge forwards) are readable on the wire. The SVC tests
use it to show that an AV1 sender's packets carry the dependency descriptor (extension id 11, jicofo's
offer) and that its keyframes describe L3T3_KEY: the descriptor's template structure then declares
9 decode targets (3 spatial x 3 temporal). Only for short windows: a Python thread reading every
packet of a three-party call costs CPU the browsers need.
"""

from __future__ import annotations

import dataclasses
import socket
import struct
import threading
import time
from collections import Counter
from typing import Optional

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4  # on lo each packet is seen twice: outgoing and incoming; count it once
DEPENDENCY_DESCRIPTOR_ID = 11  # focus.VIDEO_HEADER_EXTENSIONS


@dataclasses.dataclass
class DependencyDescriptor:
    """The descriptor's mandatory fields plus, when the packet carries it, the structure's size."""

    start_of_frame: bool
    end_of_frame: bool
    template_id: int
    frame_number: int
    decode_targets: Optional[int]  # dt_cnt when the template dependency structure is present


def parse_dependency_descriptor(data: bytes) -> Optional[DependencyDescriptor]:
    """AV1 RTP spec, appendix A: 3 mandatory bytes, then (optionally) flags and the structure, whose
    first fields are template_id_offset (6 bits) and dt_cnt_minus_one (5 bits)."""
    if len(data) < 3:
        return None
    decode_targets = None
    if len(data) > 3:
        bits = int.from_bytes(data[3:], "big")
        total = 8 * (len(data) - 3)

        def read(offset: int, n: int) -> int:
            return (bits >> (total - offset - n)) & ((1 << n) - 1)

        if total >= 5 + 6 + 5 and read(0, 1):  # template_dependency_structure_present_flag
            decode_targets = read(5 + 6, 5) + 1
    return DependencyDescriptor(start_of_frame=bool(data[0] & 0x80), end_of_frame=bool(data[0] & 0x40),
                                template_id=data[0] & 0x3F, frame_number=(data[1] << 8) | data[2],
                                decode_targets=decode_targets)


def rtp_header_extensions(packet: bytes) -> Optional[dict[int, bytes]]:
    """Extension id -> data of an RTP packet (one-byte 0xBEDE or two-byte 0x100x form); {} without
    extensions; None if the packet is not RTP."""
    if len(packet) < 12 or packet[0] >> 6 != 2 or 192 <= packet[1] <= 223:
        return None
    if not packet[0] & 0x10:
        return {}
    offset = 12 + 4 * (packet[0] & 0x0F)
    if len(packet) < offset + 4:
        return None
    profile, words = struct.unpack_from("!HH", packet, offset)
    body = packet[offset + 4:offset + 4 + 4 * words]
    out: dict[int, bytes] = {}
    i = 0
    if profile == 0xBEDE:
        while i < len(body):
            ext_id, length = body[i] >> 4, (body[i] & 0x0F) + 1
            if ext_id == 0:
                i += 1
                continue
            if ext_id == 15:
                break
            out[ext_id] = bytes(body[i + 1:i + 1 + length])
            i += 1 + length
    elif profile & 0xFFF0 == 0x1000:
        while i + 1 < len(body):
            ext_id = body[i]
            if ext_id == 0:
                i += 1
                continue
            length = body[i + 1]
            out[ext_id] = bytes(body[i + 2:i + 2 + length])
            i += 2 + length
    return out


@dataclasses.dataclass
class StreamStats:
    """One direction of one SSRC: to the bridge (the sender's) or from it (a receiver's slot)."""

    packets: int = 0
    bytes: int = 0
    payload_types: Counter = dataclasses.field(default_factory=Counter)
    with_dependency_descriptor: int = 0
    decode_targets: Counter = dataclasses.field(default_factory=Counter)  # dt_cnt of structures seen
    frames: set = dataclasses.field(default_factory=set)  # DD frame numbers


class RtpSniffer:
    """Counts RTP packets on lo by (to_bridge, ssrc) while running. `bridge_port`: the bridge's media
    UDP port (packets to it are senders', packets from it forwarded ones)."""

    def __init__(self, bridge_port: int):
        self.bridge_port = bridge_port
        self.streams: dict[tuple[bool, int], StreamStats] = {}
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.error: Optional[str] = None

    def __enter__(self) -> "RtpSniffer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        sock.bind(("lo", 0))
        sock.settimeout(0.2)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self._thread = threading.Thread(target=self._run, args=(sock,), name="rtp-sniffer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self, sock: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                try:
                    frame, address = sock.recvfrom(65535)
                except socket.timeout:
                    continue
                if address[2] == PACKET_OUTGOING:
                    continue
                self._handle(frame)
        except Exception as e:  # reported with the results, never kills the test thread
            self.error = repr(e)
        finally:
            sock.close()

    def _handle(self, frame: bytes) -> None:
        ip = frame[14:]  # lo frames carry a zeroed Ethernet header
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != socket.IPPROTO_UDP:
            return
        ihl = 4 * (ip[0] & 0x0F)
        src_port, dst_port = struct.unpack_from("!HH", ip, ihl)
        if self.bridge_port not in (src_port, dst_port):
            return
        packet = ip[ihl + 8:]
        extensions = rtp_header_extensions(packet)
        if extensions is None:
            return
        ssrc = struct.unpack_from("!I", packet, 8)[0]
        stats = self.streams.setdefault((dst_port == self.bridge_port, ssrc), StreamStats())
        stats.packets += 1
        stats.bytes += len(packet)
        stats.payload_types[packet[1] & 0x7F] += 1
        dd = extensions.get(DEPENDENCY_DESCRIPTOR_ID)
        if dd is not None:
            stats.with_dependency_descriptor += 1
            parsed = parse_dependency_descriptor(dd)
            if parsed is not None:
                stats.frames.add(parsed.frame_number)
                if parsed.decode_targets is not None:
                    stats.decode_targets[parsed.decode_targets] += 1

    def stream(self, ssrc: int, to_bridge: bool = True) -> StreamStats:
        return self.streams.get((to_bridge, ssrc), StreamStats())


def sniff(bridge_port: int, seconds: float) -> RtpSniffer:
    """Blocking: sniffs for `seconds` (call through asyncio.to_thread)."""
    sniffer = RtpSniffer(bridge_port)
    with sniffer:
        time.sleep(seconds)
    return sniffer
