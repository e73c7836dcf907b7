"""A test focus: speaks Colibri2 over HTTP to the bridge in the order jicofo does.

Order per participant (colibri2.md §2.2):
  1. allocate        conference create (first endpoint only) + endpoint create with media,
                     transport ice-controlling + <sctp/>, empty <sources/>, capability source-names
  2. session-accept  client ufrag/pwd/fingerprint(setup=active) + the full <sources>
  3. transport-info  each trickled client candidate as its own <transport> update
  4. force-mute      a moderator's mute: several endpoints in one request
  5. expire          endpoints (several per request), then the conference

Requests are built and responses parsed with xml.etree only. The bridge's HTTP API takes the bare
<conference-modify> element (no IQ wrapper) and answers with <conference-modified> or <error>.
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
import xml.etree.ElementTree as ET
from typing import Iterable, Optional

import requests

NS_COLIBRI2 = "jitsi:colibri2"
NS_RTP = "urn:xmpp:jingle:apps:rtp:1"
NS_RTCP_FB = "urn:xmpp:jingle:apps:rtp:rtcp-fb:0"
NS_HDREXT = "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"
NS_ICE_UDP = "urn:xmpp:jingle:transports:ice-udp:1"
NS_DTLS = "urn:xmpp:jingle:apps:dtls:0"
NS_SSMA = "urn:xmpp:jingle:apps:rtp:ssma:0"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"

URI_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
URI_MID = "urn:ietf:params:rtp-hdrext:sdes:mid"
URI_TCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
URI_ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
URI_DEPENDENCY_DESCRIPTOR = "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension"

# ET.tostring would write ns0:/ns1: prefixes (legal, but not what jicofo sends); to_xml below writes a
# default xmlns on each element whose namespace differs from its parent's, as Smack does.


# --------------------------------------------------------------------------------------------
# Data model shared by the focus, the SDP translation and the tests.
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Candidate:
    """An ICE candidate as Colibri2/Jingle writes it (attribute names as in the XML)."""

    foundation: str
    component: int
    protocol: str
    priority: int
    ip: str
    port: int
    type: str
    generation: int = 0
    network: int = 0
    id: str = ""
    rel_addr: Optional[str] = None
    rel_port: Optional[int] = None
    tcptype: Optional[str] = None


@dataclasses.dataclass
class Fingerprint:
    hash: str  # "sha-256"
    value: str  # "AB:CD:..."
    setup: str  # "actpass" | "active" | "passive"


@dataclasses.dataclass
class IceUdpTransport:
    """The inner <transport xmlns=ice-udp> element."""

    ufrag: str
    pwd: str
    candidates: list[Candidate] = dataclasses.field(default_factory=list)
    fingerprints: list[Fingerprint] = dataclasses.field(default_factory=list)
    rtcp_mux: bool = False

    @property
    def fingerprint(self) -> Optional[Fingerprint]:
        return self.fingerprints[0] if self.fingerprints else None


@dataclasses.dataclass
class SsrcGroup:
    semantics: str  # "FID" | "SIM" | "FEC-FR"
    ssrcs: list[int]


@dataclasses.dataclass
class MediaSource:
    """A <media-source>: one named source (e.g. "a1b2c3d4-v0") with its SSRCs and groups."""

    type: str  # "audio" | "video"
    id: str  # the source name
    ssrcs: list[int]
    groups: list[SsrcGroup] = dataclasses.field(default_factory=list)
    video_type: Optional[str] = None  # "camera" | "desktop" (video only)
    owner: Optional[str] = None  # endpoint id; not on the wire towards the bridge

    @property
    def primary_ssrcs(self) -> list[int]:
        """SSRCs that carry media, i.e. not the second member of a FID/FEC-FR group."""
        secondary = {g.ssrcs[1] for g in self.groups if g.semantics in ("FID", "FEC-FR") and len(g.ssrcs) > 1}
        return [s for s in self.ssrcs if s not in secondary]

    def rtx_for(self, ssrc: int) -> Optional[int]:
        for g in self.groups:
            if g.semantics == "FID" and len(g.ssrcs) > 1 and g.ssrcs[0] == ssrc:
                return g.ssrcs[1]
        return None


@dataclasses.dataclass
class Allocation:
    """What jicofo reads from an allocation response (colibri2.md §2.4)."""

    endpoint_id: str
    transport: IceUdpTransport
    sctp_port: Optional[int]
    sctp_role: Optional[str]
    feedback_sources: list[MediaSource]

    def feedback_source(self, media_type: str) -> Optional[MediaSource]:
        return next((s for s in self.feedback_sources if s.type == media_type), None)


class ColibriError(Exception):
    def __init__(self, response: "ColibriResponse", what: str):
        self.response = response
        super().__init__(
            f"{what}: HTTP {response.status} condition={response.condition} "
            f"reason={response.reason} body={response.text[:500]!r}"
        )


@dataclasses.dataclass
class ColibriResponse:
    status: int
    text: str
    root: Optional[ET.Element]

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.root is not None and _local(self.root.tag) == "conference-modified"

    @property
    def condition(self) -> Optional[str]:
        """The XMPP stanza error condition (item-not-found, conflict, bad-request, ...)."""
        if self.root is None:
            return None
        for el in self.root.iter():
            if _ns(el.tag) == NS_STANZAS and _local(el.tag) != "text":
                return _local(el.tag)
        return None

    @property
    def reason(self) -> Optional[str]:
        """The colibri2 error reason (<error xmlns="jitsi:colibri2" reason=...>) if any."""
        if self.root is None:
            return None
        for el in self.root.iter(f"{{{NS_COLIBRI2}}}error"):
            if el.get("reason"):
                return el.get("reason")
        return None

    def endpoints(self) -> list[ET.Element]:
        if self.root is None:
            return []
        return self.root.findall(f"{{{NS_COLIBRI2}}}endpoint")


# --------------------------------------------------------------------------------------------
# XML helpers
# --------------------------------------------------------------------------------------------


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _el(parent: Optional[ET.Element], ns: str, local_name: str, /, **attrs) -> ET.Element:
    """Element in namespace ns; attribute names with '_' are written with '-' (rel_addr -> rel-addr);
    attributes whose value is None are left out."""
    clean = {k.replace("_", "-"): str(v) for k, v in attrs.items() if v is not None}
    tag = _q(ns, local_name)
    return ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)


def to_xml(element: ET.Element) -> str:
    """Serialises with the default namespace per element, the way Smack writes stanzas."""
    return _serialize(element, parent_ns=None)


def _serialize(el: ET.Element, parent_ns: Optional[str]) -> str:
    from xml.sax.saxutils import escape, quoteattr

    ns, name = _ns(el.tag), _local(el.tag)
    attrs = ""
    if ns != parent_ns:
        attrs += f" xmlns={quoteattr(ns)}"
    for k, v in el.attrib.items():
        attrs += f" {k}={quoteattr(v)}"
    children = "".join(_serialize(c, ns) for c in el)
    text = escape(el.text) if el.text else ""
    if not children and not text:
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{text}{children}</{name}>"


# --------------------------------------------------------------------------------------------
# Request builders (pure functions: tested offline)
# --------------------------------------------------------------------------------------------


def conference_modify(meeting_id: str, *, create: bool = False, name: Optional[str] = None,
                      expire: bool = False) -> ET.Element:
    return _el(None, NS_COLIBRI2, "conference-modify", **{
        "meeting-id": meeting_id,
        "name": name if create else None,
        "create": "true" if create else None,
        "expire": "true" if expire else None,
    })


def _payload_type(media: ET.Element, pt: int, name: str, clockrate: int, channels: Optional[int] = None,
                  params: Iterable[tuple[str, str]] = (), fbs: Iterable[tuple[str, Optional[str]]] = ()) -> None:
    el = _el(media, NS_RTP, "payload-type", id=pt, name=name, clockrate=clockrate, channels=channels)
    for pname, value in params:
        _el(el, NS_RTP, "parameter", name=pname, value=value)
    for fb_type, subtype in fbs:
        _el(el, NS_RTCP_FB, "rtcp-fb", type=fb_type, subtype=subtype)


VIDEO_FEEDBACK = [("ccm", "fir"), ("nack", None), ("nack", "pli"), ("transport-cc", None)]
# jicofo offers transport-cc to clients that advertise http://jitsi.org/tcc, REMB to the others, never
# both (colibri2.md §5.1, ParticipantInviteRunnable.createOffer).
VIDEO_FEEDBACK_REMB = [("ccm", "fir"), ("nack", None), ("nack", "pli"), ("goog-remb", None)]


def video_feedback(tcc: bool) -> list[tuple[str, Optional[str]]]:
    return VIDEO_FEEDBACK if tcc else VIDEO_FEEDBACK_REMB


def video_header_extensions(tcc: bool) -> tuple[tuple[int, str], ...]:
    return VIDEO_HEADER_EXTENSIONS if tcc else tuple(e for e in VIDEO_HEADER_EXTENSIONS if e[1] != URI_TCC)


@dataclasses.dataclass(frozen=True)
class VideoCodecOffer:
    """One video codec of jicofo's offer (JIC reference.conf `codec.video`): its payload type, its RTX
    payload type and fmtp parameters. `rtx_feedback`: jicofo gives the AV1/VP8/VP9 RTX payload types
    ccm fir + nack + nack pli, the H264 one none (CodecUtil.kt)."""

    name: str
    pt: int
    rtx_pt: int
    params: tuple[tuple[str, str], ...] = ()
    rtx_feedback: bool = True


# jicofo's default offer order (CodecUtil.createVideoPayloadTypeExtensions): AV1, VP8, H264, VP9, then
# the RTX payload types in the same order. H264's single parameter is written the way jicofo writes it
# (one "profile-level-id" parameter whose value carries the other two, trailing ';' included).
VIDEO_CODECS = (
    VideoCodecOffer("AV1", 41, 42),
    VideoCodecOffer("VP8", 100, 96),
    VideoCodecOffer("H264", 107, 99, params=(("profile-level-id", "42e01f;level-asymmetry-allowed=1;packetization-mode=1;"),),
                    rtx_feedback=False),
    VideoCodecOffer("VP9", 101, 97),
)
# jicofo adds the RTX payload types in this order (AV1, VP8, VP9, H264).
VIDEO_RTX_ORDER = tuple(c for name in ("AV1", "VP8", "VP9", "H264") for c in VIDEO_CODECS if c.name == name)
# Video header extensions in jicofo's order (createVideoRtpHdrExtExtensions): dependency descriptor,
# mid, abs-send-time, transport-cc.
VIDEO_HEADER_EXTENSIONS = ((11, URI_DEPENDENCY_DESCRIPTOR), (10, URI_MID), (3, URI_ABS_SEND_TIME), (5, URI_TCC))


def video_codec(name: str) -> VideoCodecOffer:
    """The offered codec called `name` (case-insensitive: "av1", "VP9", ...)."""
    return next(c for c in VIDEO_CODECS if c.name.lower() == name.lower())


def add_media(endpoint: ET.Element, tcc: bool = True) -> None:
    """jicofo's default <media> offer (colibri2.md §5.1/5.2): opus + telephone-event; AV1, VP8, H264,
    VP9 with their RTX payload types; the dependency descriptor (id 11) among the video extensions.
    `tcc` False: the offer to a client without transport-cc (REMB instead, no transport-wide numbers)."""
    audio = _el(endpoint, NS_COLIBRI2, "media", type="audio")
    _payload_type(audio, 111, "opus", 48000, 2, params=[("minptime", "10"), ("useinbandfec", "1")],
                  fbs=[("transport-cc", None)] if tcc else ())
    _payload_type(audio, 126, "telephone-event", 8000)
    _el(audio, NS_HDREXT, "rtp-hdrext", id=1, uri=URI_AUDIO_LEVEL)
    _el(audio, NS_HDREXT, "rtp-hdrext", id=10, uri=URI_MID)
    if tcc:
        _el(audio, NS_HDREXT, "rtp-hdrext", id=5, uri=URI_TCC)
    _el(audio, NS_HDREXT, "extmap-allow-mixed")

    video = _el(endpoint, NS_COLIBRI2, "media", type="video")
    for codec in VIDEO_CODECS:
        _payload_type(video, codec.pt, codec.name, 90000, params=codec.params, fbs=video_feedback(tcc))
    for codec in VIDEO_RTX_ORDER:
        _payload_type(video, codec.rtx_pt, "rtx", 90000, params=[("apt", str(codec.pt))],
                      fbs=VIDEO_FEEDBACK[:3] if codec.rtx_feedback else ())
    for ext_id, uri in video_header_extensions(tcc):
        _el(video, NS_HDREXT, "rtp-hdrext", id=ext_id, uri=uri)
    _el(video, NS_HDREXT, "extmap-allow-mixed")


def add_ice_udp(parent: ET.Element, t: IceUdpTransport) -> ET.Element:
    inner = _el(parent, NS_ICE_UDP, "transport", ufrag=t.ufrag, pwd=t.pwd)
    for fp in t.fingerprints:
        _el(inner, NS_DTLS, "fingerprint", hash=fp.hash, setup=fp.setup).text = fp.value
    for c in t.candidates:
        _el(inner, NS_ICE_UDP, "candidate", component=c.component, foundation=c.foundation,
            generation=c.generation, id=c.id or secrets.token_hex(4), ip=c.ip, network=c.network,
            port=c.port, priority=c.priority, protocol=c.protocol, type=c.type,
            rel_addr=c.rel_addr, rel_port=c.rel_port, tcptype=c.tcptype)
    if t.rtcp_mux:
        _el(inner, NS_ICE_UDP, "rtcp-mux")
    return inner


def add_sources(endpoint: ET.Element, sources: Iterable[MediaSource]) -> ET.Element:
    """The endpoint's complete source set. jicofo does not encode msid towards the bridge."""
    el = _el(endpoint, NS_COLIBRI2, "sources")
    for src in sources:
        ms = _el(el, NS_COLIBRI2, "media-source", type=src.type, id=src.id)
        for ssrc in src.ssrcs:
            _el(ms, NS_SSMA, "source", ssrc=ssrc, name=src.id, videoType=src.video_type)
        for g in src.groups:
            group = _el(ms, NS_SSMA, "ssrc-group", semantics=g.semantics)
            for ssrc in g.ssrcs:
                _el(group, NS_SSMA, "source", ssrc=ssrc)
    return el


CAPABILITY_SOURCE_NAMES = "source-names"
CAPABILITY_SSRC_REWRITING = "ssrc-rewriting"  # jicofo adds it for clients advertising ssrc-rewriting-1 (the default)


def allocate_request(meeting_id: str, endpoint_id: str, stats_id: str, *, create_conference: bool,
                     conference_name: Optional[str] = None, sctp: bool = True, visitor: bool = False,
                     capabilities: Iterable[str] = (CAPABILITY_SOURCE_NAMES,), tcc: bool = True) -> ET.Element:
    """`visitor`: jicofo's muc-role="visitor" (colibri2.md §2.1), only ever sent on create.
    `capabilities`: one <capability name=…/> each, in order (jicofo: source-names, then ssrc-rewriting)."""
    root = conference_modify(meeting_id, create=create_conference, name=conference_name)
    ep = _el(root, NS_COLIBRI2, "endpoint", id=endpoint_id, create="true",
             **{"stats-id": stats_id, "muc-role": "visitor" if visitor else None})
    add_media(ep, tcc=tcc)
    transport = _el(ep, NS_COLIBRI2, "transport", **{"ice-controlling": "true"})
    if sctp:
        _el(transport, NS_COLIBRI2, "sctp")
    _el(ep, NS_COLIBRI2, "sources")
    for capability in capabilities:
        _el(ep, NS_COLIBRI2, "capability", name=capability)
    return root


def session_accept_request(meeting_id: str, endpoint_id: str, stats_id: str, transport: IceUdpTransport,
                           sources: Iterable[MediaSource]) -> ET.Element:
    root = conference_modify(meeting_id)
    ep = _el(root, NS_COLIBRI2, "endpoint", id=endpoint_id, **{"stats-id": stats_id})
    outer = _el(ep, NS_COLIBRI2, "transport")
    add_ice_udp(outer, transport)
    add_sources(ep, sources)
    return root


def transport_info_request(meeting_id: str, endpoint_id: str, stats_id: str, ufrag: str, pwd: str,
                           candidates: Iterable[Candidate]) -> ET.Element:
    root = conference_modify(meeting_id)
    ep = _el(root, NS_COLIBRI2, "endpoint", id=endpoint_id, **{"stats-id": stats_id})
    outer = _el(ep, NS_COLIBRI2, "transport")
    add_ice_udp(outer, IceUdpTransport(ufrag=ufrag, pwd=pwd, candidates=list(candidates)))
    return root


def sources_request(meeting_id: str, endpoint_id: str, stats_id: str, sources: Iterable[MediaSource]) -> ET.Element:
    root = conference_modify(meeting_id)
    ep = _el(root, NS_COLIBRI2, "endpoint", id=endpoint_id, **{"stats-id": stats_id})
    add_sources(ep, sources)
    return root


def expire_endpoints_request(meeting_id: str, endpoint_ids: Iterable[str]) -> ET.Element:
    root = conference_modify(meeting_id)
    for eid in endpoint_ids:
        _el(root, NS_COLIBRI2, "endpoint", id=eid, expire="true")
    return root


def force_mute_request(meeting_id: str, mutes: dict[str, tuple[bool, bool]]) -> ET.Element:
    """jicofo's updateForceMute: one request, one <endpoint id><force-mute/></endpoint> per endpoint
    (colibri2.md §2.1 "Small elements"): audio/video attributes are written only when true, so an
    empty <force-mute/> unmutes both. `mutes` maps endpoint id -> (audio, video)."""
    root = conference_modify(meeting_id)
    for eid, (audio, video) in mutes.items():
        ep = _el(root, NS_COLIBRI2, "endpoint", id=eid)
        _el(ep, NS_COLIBRI2, "force-mute", audio="true" if audio else None, video="true" if video else None)
    return root


def expire_conference_request(meeting_id: str) -> ET.Element:
    return conference_modify(meeting_id, expire=True)


# --------------------------------------------------------------------------------------------
# Response parsers
# --------------------------------------------------------------------------------------------


def parse_candidate(el: ET.Element) -> Candidate:
    rel_port = el.get("rel-port")
    return Candidate(
        foundation=el.get("foundation", "1"), component=int(el.get("component", "1")),
        protocol=el.get("protocol", "udp"), priority=int(el.get("priority", "0")),
        ip=el.get("ip", ""), port=int(el.get("port", "0")), type=el.get("type", "host"),
        generation=int(el.get("generation", "0")), network=int(el.get("network", "0")),
        id=el.get("id", ""), rel_addr=el.get("rel-addr"),
        rel_port=int(rel_port) if rel_port is not None else None, tcptype=el.get("tcptype"),
    )


def parse_ice_udp(el: ET.Element) -> IceUdpTransport:
    return IceUdpTransport(
        ufrag=el.get("ufrag", ""), pwd=el.get("pwd", ""),
        candidates=[parse_candidate(c) for c in el.findall(_q(NS_ICE_UDP, "candidate"))],
        fingerprints=[Fingerprint(hash=f.get("hash", ""), value=(f.text or "").strip(), setup=f.get("setup", ""))
                      for f in el.findall(_q(NS_DTLS, "fingerprint"))],
        rtcp_mux=el.find(_q(NS_ICE_UDP, "rtcp-mux")) is not None,
    )


def parse_media_source(el: ET.Element) -> MediaSource:
    ssrcs, video_type = [], None
    for s in el.findall(_q(NS_SSMA, "source")):
        ssrcs.append(int(s.get("ssrc", "0")))
        video_type = video_type or s.get("videoType")
    groups = [SsrcGroup(semantics=g.get("semantics", ""), ssrcs=[int(s.get("ssrc", "0")) for s in g])
              for g in el.findall(_q(NS_SSMA, "ssrc-group"))]
    return MediaSource(type=el.get("type", ""), id=el.get("id", ""), ssrcs=ssrcs, groups=groups,
                       video_type=video_type)


def parse_allocation(endpoint_id: str, root: ET.Element) -> Allocation:
    """Reads what jicofo reads (ColibriV2SessionManager.handleResponse): the endpoint's ICE-UDP transport,
    the sctp port, and the top-level feedback <sources>."""
    ep = next((e for e in root.findall(_q(NS_COLIBRI2, "endpoint")) if e.get("id") == endpoint_id), None)
    if ep is None:
        raise ValueError(f"no <endpoint id={endpoint_id!r}> in response")
    outer = ep.find(_q(NS_COLIBRI2, "transport"))
    if outer is None:
        raise ValueError("allocation response has no endpoint <transport>")
    inner = outer.find(_q(NS_ICE_UDP, "transport"))
    if inner is None:
        raise ValueError("allocation response has no ice-udp <transport>")
    sctp = outer.find(_q(NS_COLIBRI2, "sctp"))
    sources = root.find(_q(NS_COLIBRI2, "sources"))
    feedback = [parse_media_source(m) for m in sources.findall(_q(NS_COLIBRI2, "media-source"))] if sources is not None else []
    for f in feedback:
        f.owner = "jvb"
    return Allocation(
        endpoint_id=endpoint_id, transport=parse_ice_udp(inner),
        sctp_port=int(sctp.get("port")) if sctp is not None and sctp.get("port") else None,
        sctp_role=sctp.get("role") if sctp is not None else None,
        feedback_sources=feedback,
    )


def parse_response(status: int, text: str) -> ColibriResponse:
    root = None
    if text.strip():
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            root = None
    return ColibriResponse(status=status, text=text, root=root)


# --------------------------------------------------------------------------------------------
# The focus
# --------------------------------------------------------------------------------------------


def new_endpoint_id() -> str:
    """jicofo's endpoint ids are MUC resources: 8 hex characters in jitsi-meet."""
    return secrets.token_hex(4)


class Focus:
    """One conference on one bridge, driven the way jicofo drives it. Synchronous (requests);
    async callers use asyncio.to_thread."""

    PATH = "/colibri/v2/conference-modify"

    def __init__(self, http_base: str, meeting_id: Optional[str] = None, conference_name: Optional[str] = None,
                 timeout: float = 15.0):
        self.http_base = http_base.rstrip("/")
        self.meeting_id = meeting_id or str(uuid.uuid4())
        self.conference_name = conference_name or f"interop-{secrets.token_hex(3)}@conference.meetpad.test"
        self.timeout = timeout  # jicofo's allocation timeout
        self.created = False
        self.session = requests.Session()
        self.stats_ids: dict[str, str] = {}
        self.log: list[tuple[str, ColibriResponse]] = []

    # -- transport ---------------------------------------------------------------------------

    def post_raw(self, body: str | bytes) -> ColibriResponse:
        r = self.session.post(self.http_base + self.PATH, data=body,
                              headers={"Content-Type": "application/xml"}, timeout=self.timeout)
        response = parse_response(r.status_code, r.text)
        self.log.append((body if isinstance(body, str) else body.decode("utf-8", "replace"), response))
        return response

    def send(self, request: ET.Element, *, what: str, check: bool = True) -> ColibriResponse:
        response = self.post_raw(to_xml(request))
        if check and not response.ok:
            raise ColibriError(response, what)
        return response

    # -- jicofo's requests, in order ---------------------------------------------------------

    def allocate(self, endpoint_id: str, stats_id: Optional[str] = None, sctp: bool = True,
                 visitor: bool = False, capabilities: Iterable[str] = (CAPABILITY_SOURCE_NAMES,),
                 tcc: bool = True) -> Allocation:
        stats_id = stats_id or f"Peer-{endpoint_id[:4]}"
        self.stats_ids[endpoint_id] = stats_id
        request = allocate_request(self.meeting_id, endpoint_id, stats_id, create_conference=not self.created,
                                   conference_name=self.conference_name, sctp=sctp, visitor=visitor,
                                   capabilities=capabilities, tcc=tcc)
        response = self.send(request, what=f"allocate {endpoint_id}")
        self.created = True
        return parse_allocation(endpoint_id, response.root)

    def session_accept(self, endpoint_id: str, transport: IceUdpTransport, sources: list[MediaSource]) -> ColibriResponse:
        request = session_accept_request(self.meeting_id, endpoint_id, self.stats_ids.get(endpoint_id, endpoint_id),
                                         transport, sources)
        return self.send(request, what=f"session-accept {endpoint_id}")

    def trickle(self, endpoint_id: str, ufrag: str, pwd: str, candidates: list[Candidate],
                check: bool = True) -> list[ColibriResponse]:
        """One transport update per candidate, as jicofo relays each transport-info."""
        return [self.send(transport_info_request(self.meeting_id, endpoint_id, self.stats_ids.get(endpoint_id, endpoint_id),
                                                 ufrag, pwd, [c]), what=f"transport-info {endpoint_id}", check=check)
                for c in candidates]

    def update_sources(self, endpoint_id: str, sources: list[MediaSource]) -> ColibriResponse:
        return self.send(sources_request(self.meeting_id, endpoint_id, self.stats_ids.get(endpoint_id, endpoint_id),
                                         sources), what=f"sources {endpoint_id}")

    def force_mute(self, mutes: dict[str, tuple[bool, bool]], check: bool = True) -> ColibriResponse:
        """A moderator's (un)mute of several participants: endpoint id -> (audio, video), one request."""
        return self.send(force_mute_request(self.meeting_id, mutes), what="force-mute", check=check)

    def expire_endpoints(self, endpoint_ids: list[str], check: bool = True) -> ColibriResponse:
        return self.send(expire_endpoints_request(self.meeting_id, endpoint_ids), what="expire endpoints", check=check)

    def expire_conference(self) -> ColibriResponse:
        """jicofo forgets the session before the answer arrives and ignores errors (the bridge may
        already have auto-expired an empty conference), so never raises."""
        return self.send(expire_conference_request(self.meeting_id), what="expire conference", check=False)
