"""An aiortc participant driven the way lib-jitsi-meet is driven by jicofo in front of a bridge.

  focus.allocate --> Colibri2 transport --> SDP offer (bridge = offerer, actpass, BUNDLE)
  aiortc answers (setup active: aiortc is the DTLS client and, with it, the SCTP side that sends INIT)
  answer ufrag/pwd/fingerprint/SSRCs --> session-accept; answer candidates --> one transport-info each
  other participants' sources --> re-offer with one recvonly m-line per remote source (jingle_sdp.py)

Received media is decoded by aiortc; a task per remote track counts decoded frames per sending
participant and kind. The data channel is lib-jitsi-meet's bridge channel (colibri2.md §4.2).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import socket
import time
from collections import defaultdict
from typing import Any, Callable, Iterable, Optional

import aioice.ice
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.rtcdtlstransport import RTCDtlsTransport
from aiortc.mediastreams import MediaStreamError

from focus import Allocation, Focus, MediaSource, new_endpoint_id
from jingle_sdp import AnswerInfo, OfferBuilder, parse_answer
from media import PatternTrack, ToneTrack

log = logging.getLogger("interop.peer")


def _loopback_host_addresses(use_ipv4: bool = True, use_ipv6: bool = False) -> list[str]:
    """aioice skips 127.0.0.1 when gathering; the test network namespace has nothing else."""
    return ["127.0.0.1"] if use_ipv4 else []


aioice.ice.get_host_addresses = _loopback_host_addresses

_register_rtp_receiver = RTCDtlsTransport._register_rtp_receiver


def _register_rtp_receiver_with_rtx(self, receiver, parameters) -> None:
    """aiortc 1.16 puts only the primary SSRC of an m-line into its RtpRouter's SSRC table; the RTX
    SSRC is left to payload-type learning, which gives up as soon as two video receivers share the
    RTX payload type. Browsers route RTX by the FID group, so register it too: otherwise every
    retransmission the bridge sends would be discarded by the receiving peer."""
    _register_rtp_receiver(self, receiver, parameters)
    for encoding in parameters.encodings:
        if encoding.rtx is not None:
            self._rtp_router.ssrc_table[encoding.rtx.ssrc] = receiver


RTCDtlsTransport._register_rtp_receiver = _register_rtp_receiver_with_rtx

BRIDGE_CHANNEL_LABEL = "JVB data channel"
BRIDGE_CHANNEL_PROTOCOL = "http://jitsi.org/protocols/colibri"


def random_fingerprint() -> str:
    return ":".join(f"{b:02X}" for b in secrets.token_bytes(32))


class Peer:
    """One participant. `counts[owner][kind]` = decoded frames received from that endpoint."""

    def __init__(self, name: str, *, endpoint_id: Optional[str] = None, hue: int = 0, fps: int = 20,
                 wrong_fingerprint: bool = False, send_media: bool = True, visitor: bool = False, tcc: bool = True):
        """`tcc` False: allocated and offered as jicofo does for a client without transport-cc (REMB)."""
        self.name = name
        self.tcc = tcc
        self.endpoint_id = endpoint_id or new_endpoint_id()
        self.wrong_fingerprint = wrong_fingerprint
        # A visitor (colibri2 muc-role="visitor") is allocated with the flag and, as jicofo does, its
        # sources are never signalled; with send_media it sends anyway (test_attacks.py).
        self.visitor = visitor
        # No STUN/TURN servers: aiortc's default configuration would ask a public STUN server.
        # max-bundle (as lib-jitsi-meet): with aiortc's default "balanced" policy, a second m-line of
        # a kind in the *initial* offer is attached to that kind's first transport, which the BUNDLE
        # step then discards; its receiver never starts (aiortc 1.16 __createTransceiver).
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
        self.audio = ToneTrack(frequency=330 + 110 * hue) if send_media else None
        self.video = PatternTrack(fps=fps, hue=hue) if send_media else None
        self.offers: Optional[OfferBuilder] = None
        self.allocation: Optional[Allocation] = None
        self.answer: Optional[AnswerInfo] = None
        self.sources: list[MediaSource] = []
        self.remote_sources: dict[str, MediaSource] = {}  # source name -> source
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: {"audio": 0, "video": 0})
        self.first_frame_at: dict[tuple[str, str], float] = {}
        self.messages: list[dict[str, Any]] = []
        self.channel = None
        self.channel_open = asyncio.Event()
        self._message_event = asyncio.Event()
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self._joined = False
        self.pc.on("track", self._on_track)

    def __repr__(self) -> str:
        return f"Peer({self.name} {self.endpoint_id})"

    # -- joining -----------------------------------------------------------------------------

    async def join(self, focus: Focus, remote_sources: Iterable[MediaSource] = ()) -> None:
        """allocate -> offer/answer -> session-accept -> trickle, as jicofo and the client do."""
        await self.prepare(focus, remote_sources)
        await self.accept(focus)

    async def prepare(self, focus: Focus, remote_sources: Iterable[MediaSource] = ()) -> AnswerInfo:
        """allocate, then offer/answer. Afterwards `sources` holds this peer's own sources; the bridge
        cannot receive anything from it until accept() (it does not know the ICE credentials yet)."""
        self.allocation = await asyncio.to_thread(focus.allocate, self.endpoint_id, f"{self.name}-{self.endpoint_id[:3]}",
                                                  visitor=self.visitor, tcc=self.tcc)
        self.offers = OfferBuilder(self.allocation, tcc=self.tcc)
        for source in remote_sources:
            self._remember(source)
            self.offers.add_remote_source(source)
        async with self._lock:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=self.offers.offer(), type="offer"))
            if self.audio is not None:
                self.pc.addTrack(self.audio)
                self.pc.addTrack(self.video)
            self.channel = self.pc.createDataChannel(BRIDGE_CHANNEL_LABEL, ordered=True,
                                                     protocol=BRIDGE_CHANNEL_PROTOCOL)
            self.channel.on("open", self._on_channel_open)
            self.channel.on("message", self._on_channel_message)
            await self.pc.setLocalDescription(await self.pc.createAnswer())
        self.answer = parse_answer(self.pc.localDescription.sdp, self.endpoint_id)
        self.sources = [] if self.visitor else self.answer.sources
        return self.answer

    async def accept(self, focus: Focus) -> None:
        """session-accept with the answer's credentials and sources, then one transport-info per candidate."""
        transport = self.answer.transport
        if self.wrong_fingerprint:
            transport.fingerprints[0].value = random_fingerprint()
        await asyncio.to_thread(focus.session_accept, self.endpoint_id, transport, self.sources)
        await asyncio.to_thread(focus.trickle, self.endpoint_id, transport.ufrag, transport.pwd, self.answer.candidates)
        self._joined = True

    async def add_remote_sources(self, sources: Iterable[MediaSource]) -> bool:
        """jicofo's source-add: re-offer with a recvonly m-line per new source. True if renegotiated."""
        async with self._lock:
            changed = False
            for source in sources:
                self._remember(source)
                changed |= self.offers.add_remote_source(source)
            if changed:
                await self._renegotiate()
        if changed:
            self.send_video_constraints()
        return changed

    async def remove_remote_sources(self, source_ids: Iterable[str]) -> bool:
        async with self._lock:
            changed = False
            for sid in source_ids:
                changed |= self.offers.remove_remote_source(sid)
            if changed:
                await self._renegotiate()
        return changed

    async def _renegotiate(self) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=self.offers.offer(), type="offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())

    def _remember(self, source: MediaSource) -> None:
        self.remote_sources[source.id] = source

    # -- media -------------------------------------------------------------------------------

    def _owner_of_track(self, track_id: Optional[str]) -> str:
        if track_id is None:
            return "unattributed"
        if track_id in self.remote_sources:
            return self.remote_sources[track_id].owner or "unattributed"
        if track_id.startswith("jvb-"):
            return "jvb"  # the feedback-source m-lines; the bridge sends no media on them
        return "unattributed"

    def _on_track(self, track) -> None:
        owner = self._owner_of_track(track.id)
        self._tasks.append(asyncio.ensure_future(self._consume(track, owner)))

    async def _consume(self, track, owner: str) -> None:
        kind = track.kind
        while True:
            try:
                await track.recv()
            except (MediaStreamError, asyncio.CancelledError):
                return
            except Exception:  # a decoder hiccup must not stop counting
                log.exception("%s: recv from %s failed", self.name, owner)
                continue
            self.counts[owner][kind] += 1
            self.first_frame_at.setdefault((owner, kind), time.monotonic())

    def snapshot(self) -> dict[str, dict[str, int]]:
        return {owner: dict(c) for owner, c in self.counts.items()}

    def received_from(self, other: "Peer", kind: str) -> int:
        return self.counts[other.endpoint_id][kind] if other.endpoint_id in self.counts else 0

    def total_received(self) -> int:
        return sum(c["audio"] + c["video"] for c in self.counts.values())

    # -- bridge channel ----------------------------------------------------------------------

    def _on_channel_open(self) -> None:
        self.channel_open.set()
        self.send_video_constraints()

    def _on_channel_message(self, message) -> None:
        try:
            data = json.loads(message)
        except (TypeError, ValueError):
            data = {"colibriClass": "<unparseable>", "raw": repr(message)[:200]}
        self.messages.append(data)
        self._message_event.set()

    def send_json(self, message: dict[str, Any]) -> None:
        if self.channel is None or self.channel.readyState != "open":
            raise RuntimeError(f"{self.name}: bridge channel not open")
        self.channel.send(json.dumps(message))

    def send_video_constraints(self) -> None:
        """What jitsi-meet sends on channel open and when tiles change (colibri2.md §4.4): a bridge
        that follows JVB forwards no video before the first ReceiverVideoConstraints."""
        if self.channel is None or self.channel.readyState != "open":
            return
        videos = [s.id for s in self.remote_sources.values() if s.type == "video"]
        self.send_json({
            "colibriClass": "ReceiverVideoConstraints",
            "lastN": -1,
            "onStageSources": [],
            "selectedSources": [],
            "defaultConstraints": {"maxHeight": 720},
            "constraints": {sid: {"maxHeight": 720} for sid in videos},
        })

    def send_endpoint_message(self, to: str, payload: dict[str, Any], **extra: Any) -> None:
        self.send_json({"colibriClass": "EndpointMessage", "to": to, "msgPayload": payload, **extra})

    async def wait_for_message(self, predicate: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for m in self.messages:
                if predicate(m):
                    return m
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: no matching message in {timeout}s; got "
                                   f"{[m.get('colibriClass') for m in self.messages]}")
            self._message_event.clear()
            try:
                await asyncio.wait_for(self._message_event.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    # -- raw access for the security tests ---------------------------------------------------

    def ice_connection(self) -> aioice.Connection:
        """The aioice connection under the BUNDLE transport (the SCTP transport shares it)."""
        return self.pc.sctp.transport.transport._connection

    async def send_raw(self, datagram: bytes) -> None:
        """Sends bytes on the nominated ICE pair: from the address the bridge has verified."""
        await self.ice_connection().send(datagram)

    async def send_srtp(self, packet: bytes) -> None:
        """Protects a plain RTP or RTCP packet with this peer's own SRTP keys (aiortc picks SRTCP by
        the packet type byte) and sends it on the nominated pair: what the bridge accepts as genuine."""
        await self.pc.sctp.transport._send_rtp(packet)

    def nominated_local_address(self) -> tuple[str, int]:
        """This peer's side of the nominated pair: its address as the bridge sees it (loopback, no NAT)."""
        pair = self.ice_connection()._nominated[1]
        return pair.local_addr

    def enlarge_receive_buffer(self, size: int = 8 << 20) -> None:
        """Raises the socket's receive buffer past net.core.rmem_max (SO_RCVBUFFORCE, root), so a
        burst the bridge sends is counted by aiortc rather than lost in the kernel."""
        sock = self.ice_connection()._nominated[1].protocol.transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), size)  # 33: Linux's value

    # -- state / teardown --------------------------------------------------------------------

    def describe(self) -> str:
        sctp = self.pc.sctp
        dtls_state = sctp.transport.state if sctp is not None else "?"
        return (f"{self.name}[{self.endpoint_id}] conn={self.pc.connectionState} ice={self.pc.iceConnectionState} "
                f"dtls={dtls_state} channel={self.channel.readyState if self.channel else None} "
                f"counts={self.snapshot()}")

    async def close(self) -> None:
        for t in self._tasks:
            t.cancel()
        try:
            await asyncio.wait_for(self.pc.close(), 5)
        except (asyncio.TimeoutError, Exception):
            log.warning("%s: close did not finish cleanly", self.name)
        await asyncio.gather(*self._tasks, return_exceptions=True)
