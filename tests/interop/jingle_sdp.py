"""Colibri2 <-> SDP, the way jicofo + lib-jitsi-meet turn a bridge allocation into a client offer.

jicofo copies the bridge's ICE-UDP transport (ufrag, pwd, candidates, fingerprint) into every content
of its Jingle session-initiate, and lib-jitsi-meet turns that into an SDP *offer* (the bridge side is
the offerer; colibri2.md §2.4, §5.7). The client answers; its ufrag/pwd/fingerprint(setup=active) and
SSRCs go back to the bridge as session-accept, its candidates as transport-info.

How aiortc routes incoming RTP decides the shape of the offer (aiortc 1.16 rtcdtlstransport.RtpRouter):
  * route_rtp looks only at the SSRC (and the payload type). The MID table is filled but never read,
    which matches the bridge: it strips the sender's sdes:mid (colibri2.md §5.2).
  * A receiver registers the SSRC of the *first* a=ssrc line of its m-line as primary, and the second
    as RTX only when the m-line has exactly two a=ssrc lines (RTCPeerConnection.__remoteRtp).
  * An unknown SSRC is learned by payload type only while exactly one receiver has that payload type;
    a later explicit registration overrides a learned one.
So every remote source gets its own m-line (bridge direction sendonly, aiortc recvonly) whose a=ssrc
lines are exactly [primary, rtx] (video) or [primary] (audio), with an FID group for video. aiortc
takes the track id from the msid, which we set to the source name so frames can be attributed.
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import Optional

from aiortc import sdp as aiortc_sdp

from focus import (VIDEO_CODECS, VIDEO_FEEDBACK, VIDEO_RTX_ORDER, Allocation, Candidate, Fingerprint,
                   IceUdpTransport, MediaSource, SsrcGroup, URI_AUDIO_LEVEL, URI_MID, URI_TCC, video_feedback,
                   video_header_extensions)

SCTP_PORT = 5000
MAX_MESSAGE_SIZE = 262144

def _audio_lines(tcc: bool) -> list[str]:
    """focus.add_media's audio offer as SDP (`tcc` False: without transport-cc, as jicofo offers it
    to a client without it)."""
    lines = ["a=rtpmap:111 opus/48000/2"]
    if tcc:
        lines.append("a=rtcp-fb:111 transport-cc")
    lines += ["a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:126 telephone-event/8000",
              f"a=extmap:1 {URI_AUDIO_LEVEL}", f"a=extmap:10 {URI_MID}"]
    if tcc:
        lines.append(f"a=extmap:5 {URI_TCC}")
    return lines + ["a=extmap-allow-mixed"]


AUDIO_PTS = "111 126"


def _video_lines(tcc: bool) -> list[str]:
    """focus.add_media's video offer as lib-jitsi-meet writes it into SDP: the codecs, then the RTX
    payload types, each with its rtcp-fb; the header extensions (dependency descriptor id 11)."""
    lines: list[str] = []
    for codec in VIDEO_CODECS:
        lines.append(f"a=rtpmap:{codec.pt} {codec.name}/90000")
        lines += [f"a=rtcp-fb:{codec.pt} {t}{' ' + s if s else ''}" for t, s in video_feedback(tcc)]
        if codec.params:
            # jicofo's H264 value ends in ';' (CodecUtil.kt); an empty fmtp parameter is left out here.
            lines.append(f"a=fmtp:{codec.pt} " + ";".join(f"{k}={v}".rstrip(";") for k, v in codec.params))
    for codec in VIDEO_RTX_ORDER:
        lines += [f"a=rtpmap:{codec.rtx_pt} rtx/90000", f"a=fmtp:{codec.rtx_pt} apt={codec.pt}"]
        if codec.rtx_feedback:
            lines += [f"a=rtcp-fb:{codec.rtx_pt} {t}{' ' + s if s else ''}" for t, s in VIDEO_FEEDBACK[:3]]
    lines += [f"a=extmap:{ext_id} {uri}" for ext_id, uri in video_header_extensions(tcc)]
    lines.append("a=extmap-allow-mixed")
    return lines


AUDIO_LINES = {tcc: _audio_lines(tcc) for tcc in (True, False)}
VIDEO_LINES = {tcc: _video_lines(tcc) for tcc in (True, False)}
VIDEO_PTS = " ".join([*(str(c.pt) for c in VIDEO_CODECS), *(str(c.rtx_pt) for c in VIDEO_RTX_ORDER)])


@dataclasses.dataclass
class Slot:
    """One m-line of the offer. The list of slots only ever grows (m-lines are never reordered)."""

    mid: str
    kind: str  # "audio" | "video" | "application"
    direction: str  # from the bridge's (offerer's) point of view
    source: Optional[MediaSource] = None  # remote source announced on this m-line


def candidate_to_sdp(c: Candidate) -> str:
    line = f"a=candidate:{c.foundation} {c.component} {c.protocol} {c.priority} {c.ip} {c.port} typ {c.type}"
    if c.rel_addr is not None:
        line += f" raddr {c.rel_addr}"
    if c.rel_port is not None:
        line += f" rport {c.rel_port}"
    if c.tcptype is not None:
        line += f" tcptype {c.tcptype}"
    return line + f" generation {c.generation}"


def _ssrc_lines(source: MediaSource, stream_id: str) -> list[str]:
    """a=ssrc lines with the primary first, then its RTX (aiortc reads media.ssrc[0] and [1])."""
    lines: list[str] = []
    cname = f"{source.owner or 'jvb'}-cname"
    ordered: list[int] = []
    for primary in source.primary_ssrcs[:1]:
        ordered.append(primary)
        rtx = source.rtx_for(primary)
        if rtx is not None:
            ordered.append(rtx)
    for ssrc in ordered:
        lines.append(f"a=ssrc:{ssrc} cname:{cname}")
        lines.append(f"a=ssrc:{ssrc} msid:{stream_id} {source.id}")
    if len(ordered) == 2:
        lines.append(f"a=ssrc-group:FID {ordered[0]} {ordered[1]}")
    return lines


class OfferBuilder:
    """Builds the bridge-side offer for one participant and keeps the m-line layout across
    renegotiations (what lib-jitsi-meet's remote description does as sources come and go)."""

    def __init__(self, allocation: Allocation, tcc: bool = True):
        self.allocation = allocation
        self.tcc = tcc
        self.session_id = secrets.randbelow(2**62)
        self.version = 0
        self.slots: list[Slot] = [
            Slot("0", "audio", "sendrecv", allocation.feedback_source("audio")),
            Slot("1", "video", "sendrecv", allocation.feedback_source("video")),
            Slot("2", "application", "sendrecv"),
        ]

    # -- remote sources ----------------------------------------------------------------------

    def add_remote_source(self, source: MediaSource) -> bool:
        """Adds an m-line for a remote source; False if it is already announced."""
        for slot in self.slots:
            if slot.source is not None and slot.source.id == source.id and slot.direction != "inactive":
                return False
        self.slots.append(Slot(str(len(self.slots)), source.type, "sendonly", source))
        return True

    def remove_remote_source(self, source_id: str) -> bool:
        for slot in self.slots[3:]:
            if slot.source is not None and slot.source.id == source_id and slot.direction != "inactive":
                slot.direction = "inactive"
                return True
        return False

    def remote_slots(self) -> list[Slot]:
        return [s for s in self.slots[3:] if s.direction != "inactive"]

    # -- SDP ---------------------------------------------------------------------------------

    def offer(self) -> str:
        t = self.allocation.transport
        fp = t.fingerprint
        if fp is None:
            raise ValueError("allocation has no DTLS fingerprint")
        self.version += 1
        lines = [
            "v=0",
            f"o=- {self.session_id} {self.version} IN IP4 0.0.0.0",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE " + " ".join(s.mid for s in self.slots),
            "a=msid-semantic: WMS *",
        ]
        for slot in self.slots:
            if slot.kind == "application":
                lines.append("m=application 9 UDP/DTLS/SCTP webrtc-datachannel")
            else:
                lines.append(f"m={slot.kind} 9 UDP/TLS/RTP/SAVPF {AUDIO_PTS if slot.kind == 'audio' else VIDEO_PTS}")
            lines += [
                "c=IN IP4 0.0.0.0",
                f"a=ice-ufrag:{t.ufrag}",
                f"a=ice-pwd:{t.pwd}",
                # The bridge offers actpass; lib-jitsi-meet passes it through for endpoints (§2.4).
                f"a=fingerprint:{fp.hash} {fp.value}",
                "a=setup:actpass",
                f"a=mid:{slot.mid}",
            ]
            if slot.kind == "application":
                lines += [f"a=sctp-port:{self.allocation.sctp_port or SCTP_PORT}",
                          f"a=max-message-size:{MAX_MESSAGE_SIZE}"]
            else:
                lines += ["a=rtcp:9 IN IP4 0.0.0.0", "a=rtcp-mux", f"a={slot.direction}"]
                lines += AUDIO_LINES[self.tcc] if slot.kind == "audio" else VIDEO_LINES[self.tcc]
                if slot.source is not None and slot.direction != "inactive":
                    if slot.source.owner == "jvb":
                        # jicofo signals the feedback sources with msid "mixedmslabel mixedlabel<kind>0".
                        stream_id = "mixedmslabel"
                    else:
                        stream_id = f"{slot.source.owner}-stream"
                    # aiortc names the remote track after the a=msid track id (SessionDescription.webrtc_track_id).
                    lines.append(f"a=msid:{stream_id} {slot.source.id}")
                    lines += _ssrc_lines(slot.source, stream_id)
            lines += [candidate_to_sdp(c) for c in t.candidates]
            lines.append("a=end-of-candidates")
        return "\r\n".join(lines) + "\r\n"


# ----------------------------------------------------------------------------------------------
# The client's answer -> session-accept + trickle
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass
class AnswerInfo:
    transport: IceUdpTransport  # ufrag, pwd, fingerprint (no candidates: those are trickled)
    candidates: list[Candidate]
    sources: list[MediaSource]


def parse_answer(answer_sdp: str, endpoint_id: str, prefer_hash: str = "sha-256") -> AnswerInfo:
    """Reads the answer the way lib-jitsi-meet builds session-accept from its local description."""
    desc = aiortc_sdp.SessionDescription.parse(answer_sdp)
    ufrag = pwd = None
    fingerprint: Optional[Fingerprint] = None
    candidates: list[Candidate] = []
    seen: set[tuple] = set()
    sources: list[MediaSource] = []
    counters = {"audio": 0, "video": 0}
    for media in desc.media:
        if media.ice is not None and ufrag is None:
            ufrag, pwd = media.ice.usernameFragment, media.ice.password
        if media.dtls is not None and fingerprint is None:
            fps = media.dtls.fingerprints
            chosen = next((f for f in fps if f.algorithm.lower() == prefer_hash), fps[0] if fps else None)
            if chosen is not None:
                role = media.dtls.role or "client"
                fingerprint = Fingerprint(hash=chosen.algorithm.lower(), value=chosen.value.upper(),
                                          setup=aiortc_sdp.DTLS_ROLE_SETUP[role])
        for c in media.ice_candidates:
            key = (c.foundation, c.component, c.ip, c.port, c.protocol)
            if key in seen:
                continue  # BUNDLE: every m-line repeats the same candidates
            seen.add(key)
            candidates.append(Candidate(
                foundation=c.foundation, component=c.component, protocol=c.protocol.lower(),
                priority=c.priority, ip=c.ip, port=c.port, type=c.type, generation=0, network=0,
                id=secrets.token_hex(4), rel_addr=c.relatedAddress, rel_port=c.relatedPort, tcptype=c.tcpType,
            ))
        if media.kind in ("audio", "video") and media.direction in ("sendrecv", "sendonly") and media.ssrc:
            letter = "a" if media.kind == "audio" else "v"
            name = f"{endpoint_id}-{letter}{counters[media.kind]}"
            counters[media.kind] += 1
            sources.append(MediaSource(
                type=media.kind, id=name, ssrcs=[s.ssrc for s in media.ssrc],
                groups=[SsrcGroup(semantics=g.semantic, ssrcs=[int(x) for x in g.items]) for g in media.ssrc_group],
                video_type="camera" if media.kind == "video" else None, owner=endpoint_id,
            ))
    if ufrag is None or pwd is None or fingerprint is None:
        raise ValueError("answer lacks ICE credentials or a DTLS fingerprint")
    return AnswerInfo(transport=IceUdpTransport(ufrag=ufrag, pwd=pwd, fingerprints=[fingerprint]),
                      candidates=candidates, sources=sources)
