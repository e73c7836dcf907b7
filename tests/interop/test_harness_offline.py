"""Self-tests of the harness that need no bridge: Colibri2 XML both ways, the SDP offers aiortc must
accept (including renegotiation with recvonly m-lines), SSRC routing inside aiortc, the answer ->
session-accept conversion, the join sequence against a fake Colibri2 endpoint, the metrics parser and
the bridge process lifecycle. All traffic stays on 127.0.0.1."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import textwrap
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiortc import RTCSessionDescription
from aiortc.rtcdtlstransport import RtpRouter
from aiortc.rtp import RtcpPacket, RtcpRrPacket, RtcpRtpfbPacket, RtcpSrPacket, RtpPacket

import focus as F
import hostile_packets as H
from bridge_process import BridgeProcess, BridgeStartError, Metrics, parse_prometheus
from call import run_async
from jingle_sdp import OfferBuilder, parse_answer
from packet_tap import PacketTap
from peer import Peer, random_fingerprint

C2 = "{jitsi:colibri2}"
RTP = "{urn:xmpp:jingle:apps:rtp:1}"
HDR = "{urn:xmpp:jingle:apps:rtp:rtp-hdrext:0}"
FB = "{urn:xmpp:jingle:apps:rtp:rtcp-fb:0}"
ICE = "{urn:xmpp:jingle:transports:ice-udp:1}"
DTLS = "{urn:xmpp:jingle:apps:dtls:0}"
SSMA = "{urn:xmpp:jingle:apps:rtp:ssma:0}"

FEEDBACK_AUDIO, FEEDBACK_VIDEO = 3191927963, 1863439907


def fake_allocation(endpoint_id: str = "a1b2c3d4", port: int = 9) -> F.Allocation:
    transport = F.IceUdpTransport(
        ufrag="3qk7a1fv2mo9", pwd="5b2d7u1kq0c4vn8e3hfr6t1m0s", rtcp_mux=True,
        candidates=[F.Candidate(foundation="1", component=1, protocol="udp", priority=2130706431,
                                ip="127.0.0.1", port=port, type="host", id="c0")],
        fingerprints=[F.Fingerprint("sha-256", random_fingerprint(), "actpass")])
    return F.Allocation(endpoint_id, transport, 5000, "server", [
        F.MediaSource("audio", "jvb-a0", [FEEDBACK_AUDIO], owner="jvb"),
        F.MediaSource("video", "jvb-v0", [FEEDBACK_VIDEO], owner="jvb")])


def remote_sources(owner: str, audio: int, video: int, rtx: int) -> list[F.MediaSource]:
    return [F.MediaSource("audio", f"{owner}-a0", [audio], owner=owner),
            F.MediaSource("video", f"{owner}-v0", [video, rtx], groups=[F.SsrcGroup("FID", [video, rtx])],
                          video_type="camera", owner=owner)]


# ------------------------------------------------------------------------------------------------
# Colibri2 requests
# ------------------------------------------------------------------------------------------------


def test_allocate_request_has_jicofos_shape():
    xml = F.to_xml(F.allocate_request("m-1", "a1b2c3d4", "Alice-x7q", create_conference=True,
                                      conference_name="room@conference.meetpad.test"))
    assert "ns0:" not in xml and xml.startswith('<conference-modify xmlns="jitsi:colibri2"')
    root = ET.fromstring(xml)
    assert root.attrib == {"meeting-id": "m-1", "name": "room@conference.meetpad.test", "create": "true"}
    (ep,) = root.findall(C2 + "endpoint")
    assert ep.attrib == {"id": "a1b2c3d4", "create": "true", "stats-id": "Alice-x7q"}
    # Children in the order jicofo's builder writes them (colibri2.md §2.1).
    assert [c.tag for c in ep] == [C2 + "media", C2 + "media", C2 + "transport", C2 + "sources", C2 + "capability"]
    audio, video = ep.findall(C2 + "media")
    assert audio.get("type") == "audio" and video.get("type") == "video"

    opus, dtmf = audio.findall(RTP + "payload-type")
    assert opus.attrib == {"id": "111", "name": "opus", "clockrate": "48000", "channels": "2"}
    assert {p.get("name"): p.get("value") for p in opus.findall(RTP + "parameter")} == {"minptime": "10", "useinbandfec": "1"}
    assert [(f.get("type"), f.get("subtype")) for f in opus.findall(FB + "rtcp-fb")] == [("transport-cc", None)]
    assert dtmf.attrib == {"id": "126", "name": "telephone-event", "clockrate": "8000"}
    assert {h.get("id"): h.get("uri") for h in audio.findall(HDR + "rtp-hdrext")} == {
        "1": F.URI_AUDIO_LEVEL, "10": F.URI_MID, "5": F.URI_TCC}
    assert audio.find(HDR + "extmap-allow-mixed") is not None

    # jicofo's default video offer (CodecUtil.kt): AV1, VP8, H264, VP9, then RTX for AV1, VP8, VP9, H264.
    payload_types = video.findall(RTP + "payload-type")
    assert [(p.get("id"), p.get("name"), p.get("clockrate")) for p in payload_types] == [
        ("41", "AV1", "90000"), ("100", "VP8", "90000"), ("107", "H264", "90000"), ("101", "VP9", "90000"),
        ("42", "rtx", "90000"), ("96", "rtx", "90000"), ("97", "rtx", "90000"), ("99", "rtx", "90000")]
    for codec in payload_types[:4]:
        assert [(f.get("type"), f.get("subtype")) for f in codec.findall(FB + "rtcp-fb")] == [
            ("ccm", "fir"), ("nack", None), ("nack", "pli"), ("transport-cc", None)]
    assert {p.get("name"): p.get("value") for p in payload_types[2].findall(RTP + "parameter")} == {
        "profile-level-id": "42e01f;level-asymmetry-allowed=1;packetization-mode=1;"}
    assert [{p.get("name"): p.get("value") for p in rtx.findall(RTP + "parameter")} for rtx in payload_types[4:]] == [
        {"apt": "41"}, {"apt": "100"}, {"apt": "101"}, {"apt": "107"}]
    assert [len(rtx.findall(FB + "rtcp-fb")) for rtx in payload_types[4:]] == [3, 3, 3, 0]
    assert {h.get("id"): h.get("uri") for h in video.findall(HDR + "rtp-hdrext")} == {
        "11": F.URI_DEPENDENCY_DESCRIPTOR, "10": F.URI_MID, "3": F.URI_ABS_SEND_TIME, "5": F.URI_TCC}

    transport = ep.find(C2 + "transport")
    assert transport.attrib == {"ice-controlling": "true"} and [c.tag for c in transport] == [C2 + "sctp"]
    assert len(ep.find(C2 + "sources")) == 0
    assert ep.find(C2 + "capability").get("name") == "source-names"


def test_visitor_allocation_carries_muc_role():
    root = ET.fromstring(F.to_xml(F.allocate_request("m-1", "v1", "V-1", create_conference=False, visitor=True)))
    assert root.find(C2 + "endpoint").get("muc-role") == "visitor"
    plain = ET.fromstring(F.to_xml(F.allocate_request("m-1", "a1", "A-1", create_conference=False)))
    assert "muc-role" not in plain.find(C2 + "endpoint").attrib


def test_second_allocation_does_not_create_the_conference():
    root = F.allocate_request("m-1", "e5f6a7b8", "Bob", create_conference=False, conference_name="ignored@x")
    assert "create" not in root.attrib and "name" not in root.attrib
    assert root.find(C2 + "endpoint").get("create") == "true"


def test_expire_requests():
    root = ET.fromstring(F.to_xml(F.expire_endpoints_request("m-1", ["a", "b"])))
    assert [(e.get("id"), e.get("expire")) for e in root] == [("a", "true"), ("b", "true")]
    assert all(len(e) == 0 for e in root)
    root = ET.fromstring(F.to_xml(F.expire_conference_request("m-1")))
    assert root.attrib == {"meeting-id": "m-1", "expire": "true"} and len(root) == 0


ALLOCATION_RESPONSE = textwrap.dedent("""\
    <conference-modified xmlns="jitsi:colibri2">
      <endpoint id="a1b2c3d4">
        <transport>
          <transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="uf1" pwd="pw1pw1pw1pw1pw1pw1pw1pw">
            <candidate component="1" foundation="1" generation="0" id="c1" network="0" priority="2130706431"
                       protocol="udp" type="host" ip="127.0.0.1" port="{port}"/>
            <candidate component="1" foundation="2" generation="0" id="c2" network="0" priority="1694498815"
                       protocol="udp" type="srflx" ip="127.0.0.2" port="{port}" rel-addr="127.0.0.1" rel-port="{port}"/>
            <rtcp-mux/>
            <fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="actpass">{fp}</fingerprint>
          </transport>
          <sctp port="5000" role="server"/>
        </transport>
      </endpoint>
      <sources>
        <media-source type="audio" id="jvb-a0"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="{fa}" name="jvb-a0"/></media-source>
        <media-source type="video" id="jvb-v0"><source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="{fv}" name="jvb-v0"/></media-source>
      </sources>
    </conference-modified>""")


def test_parse_allocation_response():
    fp = random_fingerprint()
    text = ALLOCATION_RESPONSE.format(port=10000, fp=fp, fa=FEEDBACK_AUDIO, fv=FEEDBACK_VIDEO)
    a = F.parse_allocation("a1b2c3d4", ET.fromstring(text))
    assert (a.transport.ufrag, a.transport.pwd, a.transport.rtcp_mux) == ("uf1", "pw1pw1pw1pw1pw1pw1pw1pw", True)
    assert [(c.ip, c.port, c.type, c.rel_addr, c.rel_port) for c in a.transport.candidates] == [
        ("127.0.0.1", 10000, "host", None, None), ("127.0.0.2", 10000, "srflx", "127.0.0.1", 10000)]
    assert (a.transport.fingerprint.hash, a.transport.fingerprint.value, a.transport.fingerprint.setup) == ("sha-256", fp, "actpass")
    assert (a.sctp_port, a.sctp_role) == (5000, "server")
    assert a.feedback_source("audio").ssrcs == [FEEDBACK_AUDIO] and a.feedback_source("video").ssrcs == [FEEDBACK_VIDEO]


@pytest.mark.parametrize("text", [
    # bare, as the HTTP API answers
    '<error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>'
    '<text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">Conference not found</text>'
    '<error xmlns="jitsi:colibri2" reason="conference_not_found"/></error>',
    # inside an IQ, as over XMPP
    '<iq type="error" xmlns="jabber:client"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>'
    '<error xmlns="jitsi:colibri2" reason="conference_not_found"/></error></iq>',
])
def test_error_response_parsing(text):
    r = F.parse_response(404, text)
    assert not r.ok and r.condition == "item-not-found" and r.reason == "conference_not_found"


# ------------------------------------------------------------------------------------------------
# SDP: offers aiortc accepts, answers that become session-accept
# ------------------------------------------------------------------------------------------------


async def answer_offer(peer: Peer, allocation: F.Allocation, remote=()) -> None:
    peer.offers = OfferBuilder(allocation)
    for s in remote:
        peer._remember(s)
        peer.offers.add_remote_source(s)
    await peer.pc.setRemoteDescription(RTCSessionDescription(sdp=peer.offers.offer(), type="offer"))
    peer.pc.addTrack(peer.audio)
    peer.pc.addTrack(peer.video)
    peer.channel = peer.pc.createDataChannel("JVB data channel", protocol="http://jitsi.org/protocols/colibri")
    await peer.pc.setLocalDescription(await peer.pc.createAnswer())


def test_offer_is_accepted_and_answer_becomes_session_accept():
    async def scenario():
        peer = Peer("A", endpoint_id="a1b2c3d4")
        try:
            await answer_offer(peer, fake_allocation())
            pc = peer.pc
            assert pc.signalingState == "stable"
            answer = pc.localDescription.sdp
            assert "a=setup:active" in answer and "a=setup:actpass" not in answer
            assert "a=group:BUNDLE 0 1 2" in answer
            assert "m=application" in answer and "a=sctp-port:5000" in answer
            assert "opus/48000/2" in answer and "VP8/90000" in answer
            assert [(t.mid, t.currentDirection) for t in pc.getTransceivers()] == [("0", "sendrecv"), ("1", "sendrecv")]

            info = parse_answer(answer, peer.endpoint_id)
            audio_sender, video_sender = (t.sender for t in pc.getTransceivers())
            # The fingerprint is aiortc's own certificate (sha-256), with setup active: aiortc is the
            # DTLS client, the bridge the DTLS server.
            local_fps = {f.algorithm: f.value for f in pc.sctp.transport.getLocalParameters().fingerprints}
            assert info.transport.fingerprint.hash == "sha-256"
            assert info.transport.fingerprint.value == local_fps["sha-256"].upper()
            assert info.transport.fingerprint.setup == "active"
            ice = pc.sctp.transport.transport.iceGatherer.getLocalParameters()
            assert (info.transport.ufrag, info.transport.pwd) == (ice.usernameFragment, ice.password)
            local_candidates = pc.sctp.transport.transport.iceGatherer.getLocalCandidates()
            assert [(c.ip, c.port) for c in info.candidates] == [(c.ip, c.port) for c in local_candidates]
            assert all(c.ip == "127.0.0.1" for c in info.candidates)

            xml = F.to_xml(F.session_accept_request("m-1", peer.endpoint_id, "Alice", info.transport, info.sources))
            root = ET.fromstring(xml)
            ep = root.find(C2 + "endpoint")
            assert ep.attrib == {"id": "a1b2c3d4", "stats-id": "Alice"} and "create" not in root.attrib
            inner = ep.find(C2 + "transport").find(ICE + "transport")
            assert (inner.get("ufrag"), inner.get("pwd")) == (ice.usernameFragment, ice.password)
            assert inner.findall(ICE + "candidate") == []  # candidates are trickled afterwards
            fp = inner.find(DTLS + "fingerprint")
            assert (fp.get("hash"), fp.get("setup"), fp.text) == ("sha-256", "active", local_fps["sha-256"].upper())

            sources = {m.get("id"): m for m in ep.find(C2 + "sources").findall(C2 + "media-source")}
            assert set(sources) == {"a1b2c3d4-a0", "a1b2c3d4-v0"}
            a0, v0 = sources["a1b2c3d4-a0"], sources["a1b2c3d4-v0"]
            assert a0.get("type") == "audio" and v0.get("type") == "video"
            assert [(s.get("ssrc"), s.get("name")) for s in a0.findall(SSMA + "source")] == [
                (str(audio_sender._ssrc), "a1b2c3d4-a0")]
            assert [(s.get("ssrc"), s.get("videoType")) for s in v0.findall(SSMA + "source")] == [
                (str(video_sender._ssrc), "camera"), (str(video_sender._rtx_ssrc), "camera")]
            (fid,) = v0.findall(SSMA + "ssrc-group")
            assert fid.get("semantics") == "FID"
            assert [s.get("ssrc") for s in fid] == [str(video_sender._ssrc), str(video_sender._rtx_ssrc)]
            assert "msid" not in xml  # jicofo does not encode msid towards the bridge

            trickle = ET.fromstring(F.to_xml(F.transport_info_request(
                "m-1", peer.endpoint_id, "Alice", info.transport.ufrag, info.transport.pwd, info.candidates[:1])))
            (cand,) = trickle.iter(ICE + "candidate")
            c = info.candidates[0]
            assert {k: cand.get(k) for k in ("ip", "port", "protocol", "type", "component", "priority", "foundation")} == {
                "ip": "127.0.0.1", "port": str(c.port), "protocol": "udp", "type": "host", "component": "1",
                "priority": str(c.priority), "foundation": c.foundation}
            assert cand.get("generation") == "0" and cand.get("id")
        finally:
            await peer.close()

    run_async(scenario(), timeout=30)


def _remote_rtp(pc, transceiver):
    """aiortc's own RTCRtpReceiveParameters for a transceiver (what the receiver registers)."""
    return pc._RTCPeerConnection__remoteRtp(transceiver)


def _route(router: RtpRouter, ssrc: int, pt: int):
    packet = RtpPacket(payload_type=pt, sequence_number=1, timestamp=1, ssrc=ssrc)
    return router.route_rtp(packet)


@pytest.mark.parametrize("initially_known", [False, True], ids=["renegotiated", "in-initial-offer"])
def test_remote_sources_get_recvonly_mlines_and_ssrc_routing(initially_known):
    b = remote_sources("bbbbbbbb", audio=1111, video=2001, rtx=2101)
    c = remote_sources("cccccccc", audio=3111, video=4001, rtx=4101)

    async def scenario():
        peer = Peer("A", endpoint_id="a1b2c3d4")
        try:
            await answer_offer(peer, fake_allocation(), remote=(b + c) if initially_known else ())
            if not initially_known:
                assert await peer.add_remote_sources(b)
                assert not await peer.add_remote_sources(b)  # idempotent: no renegotiation
                assert await peer.add_remote_sources(c)
            pc = peer.pc
            assert pc.signalingState == "stable"
            offer = pc.remoteDescription.sdp
            assert "a=group:BUNDLE 0 1 2 3 4 5 6" in offer
            # Unchanged credentials across renegotiation: no ICE restart, same DTLS association.
            assert offer.count("a=ice-ufrag:3qk7a1fv2mo9") == 7

            transceivers = pc.getTransceivers()
            # One BUNDLE transport for everything; a receiver on any other transport would never start.
            assert len({t.receiver.transport for t in transceivers} | {pc.sctp.transport}) == 1
            assert all(t.receiver.transport.state != "closed" for t in transceivers)
            assert [(t.mid, t.kind, t.currentDirection) for t in transceivers] == [
                ("0", "audio", "sendrecv"), ("1", "video", "sendrecv"),
                ("3", "audio", "recvonly"), ("4", "video", "recvonly"),
                ("5", "audio", "recvonly"), ("6", "video", "recvonly")]
            assert [t.receiver.track.id for t in transceivers] == [
                "jvb-a0", "jvb-v0", "bbbbbbbb-a0", "bbbbbbbb-v0", "cccccccc-a0", "cccccccc-v0"]
            assert [peer._owner_of_track(t.receiver.track.id) for t in transceivers] == [
                "jvb", "jvb", "bbbbbbbb", "bbbbbbbb", "cccccccc", "cccccccc"]

            # Register every receiver through the real (patched, see peer.py) registration path on a
            # fresh router: the transport never connects here, so its own router is unused.
            dtls = pc.sctp.transport
            dtls._rtp_router = router = RtpRouter()
            for t in transceivers:
                dtls._register_rtp_receiver(t.receiver, _remote_rtp(pc, t))
            rx = {t.receiver.track.id: t.receiver for t in transceivers}
            video_b = _remote_rtp(pc, transceivers[3])
            # One encoding per codec aiortc shares with the offer (VP8, H264), all on the same SSRCs.
            assert {(e.ssrc, e.rtx.ssrc if e.rtx else None) for e in video_b.encodings} == {(2001, 2101)}
            assert _route(router, 1111, 111) is rx["bbbbbbbb-a0"]
            assert _route(router, 2001, 100) is rx["bbbbbbbb-v0"]
            assert _route(router, 2101, 96) is rx["bbbbbbbb-v0"]
            assert _route(router, 3111, 111) is rx["cccccccc-a0"]
            assert _route(router, 4001, 100) is rx["cccccccc-v0"]
            assert _route(router, 4101, 96) is rx["cccccccc-v0"]
            # An SSRC nobody signalled is not guessed (several receivers share the payload type).
            assert _route(router, 999999, 111) is None
            assert _route(router, 999999, 100) is None

            # source-remove: the m-line goes inactive, the others stay put.
            assert await peer.remove_remote_sources(["cccccccc-v0"])
            assert [t.currentDirection for t in pc.getTransceivers()][-1] == "inactive"
        finally:
            await peer.close()

    run_async(scenario(), timeout=30)


# ------------------------------------------------------------------------------------------------
# The join sequence over HTTP against a fake Colibri2 endpoint
# ------------------------------------------------------------------------------------------------


class FakeColibri(ThreadingHTTPServer):
    """Answers like a bridge would, records every request body."""

    def __init__(self):
        self.requests: list[ET.Element] = []
        self.fingerprint = random_fingerprint()
        super().__init__(("127.0.0.1", 0), self.Handler)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            root = ET.fromstring(body)
            self.server.requests.append(root)
            ep = root.find(C2 + "endpoint")
            if ep is not None and ep.get("create") == "true":
                text = ALLOCATION_RESPONSE.format(port=9, fp=self.server.fingerprint, fa=FEEDBACK_AUDIO,
                                                  fv=FEEDBACK_VIDEO).replace("a1b2c3d4", ep.get("id"))
            else:
                echoed = "".join(f'<endpoint id="{e.get("id")}"/>' for e in root.findall(C2 + "endpoint"))
                text = f'<conference-modified xmlns="jitsi:colibri2">{echoed}</conference-modified>'
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)


def test_join_sequence_is_jicofos_order():
    server = FakeColibri()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    async def scenario():
        focus = F.Focus(f"http://127.0.0.1:{server.server_address[1]}")
        a, b = Peer("A"), Peer("B")
        try:
            await a.join(focus)
            await b.join(focus, remote_sources=a.sources)
            await asyncio.to_thread(focus.expire_endpoints, [a.endpoint_id, b.endpoint_id])
            await asyncio.to_thread(focus.expire_conference)
            return a, b, focus
        finally:
            await a.close()
            await b.close()

    try:
        a, b, focus = run_async(scenario(), timeout=30)
    finally:
        server.shutdown()
        server.server_close()

    reqs = server.requests
    kinds = []
    for r in reqs:
        ep = r.find(C2 + "endpoint")
        if r.get("expire") == "true":
            kinds.append("expire-conference")
        elif ep is None:
            kinds.append("?")
        elif ep.get("create") == "true":
            kinds.append("allocate+create" if r.get("create") == "true" else "allocate")
        elif ep.get("expire") == "true":
            kinds.append("expire-endpoints")
        elif ep.find(C2 + "sources") is not None:
            kinds.append("session-accept")
        else:
            kinds.append("transport-info")
    n_a, n_b = len(a.answer.candidates), len(b.answer.candidates)
    assert n_a >= 1 and n_b >= 1
    assert kinds == (["allocate+create", "session-accept"] + ["transport-info"] * n_a +
                     ["allocate", "session-accept"] + ["transport-info"] * n_b +
                     ["expire-endpoints", "expire-conference"])
    assert all(r.get("meeting-id") == focus.meeting_id for r in reqs)
    assert reqs[0].get("name") == focus.conference_name

    accept = reqs[1].find(C2 + "endpoint")
    assert accept.get("id") == a.endpoint_id and accept.get("stats-id") == focus.stats_ids[a.endpoint_id]
    inner = accept.find(C2 + "transport").find(ICE + "transport")
    assert inner.get("ufrag") == a.answer.transport.ufrag
    ssrcs = sorted(int(s.get("ssrc")) for s in accept.iter(SSMA + "source") if s.get("name"))
    assert ssrcs == sorted(x for src in a.sources for x in src.ssrcs)
    trickled = reqs[2].find(C2 + "endpoint").find(C2 + "transport").find(ICE + "transport")
    assert (trickled.get("ufrag"), trickled.get("pwd")) == (a.answer.transport.ufrag, a.answer.transport.pwd)
    assert [c.get("ip") for c in trickled.findall(ICE + "candidate")] == ["127.0.0.1"]
    assert trickled.find(DTLS + "fingerprint") is None
    # B was offered A's sources in its first offer.
    assert all(str(x) in b.offers.offer() for src in a.sources for x in src.ssrcs)


# ------------------------------------------------------------------------------------------------
# Metrics and the process fixture
# ------------------------------------------------------------------------------------------------

PROM = textwrap.dedent('''\
    # HELP jitsi_jvb_conferences Current conferences
    # TYPE jitsi_jvb_conferences gauge
    jitsi_jvb_conferences 2
    jitsi_jvb_endpoints 5.0
    # TYPE jitsi_jvb_drops_total counter
    jitsi_jvb_drops_total{reason="srtp_auth"} 10
    jitsi_jvb_drops_total{reason="unknown_address",kind="udp"} 3 1700000000000
    jitsi_jvb_drops_total{reason="dtls_fingerprint"} 1
    jitsi_jvb_packets_received{path="a \\"q\\" \\\\ b"} 7
    not a sample line
    ''')


def test_prometheus_parser():
    samples = parse_prometheus(PROM)
    assert samples[("jitsi_jvb_conferences", frozenset())] == 2
    assert samples[("jitsi_jvb_drops_total", frozenset({("reason", "unknown_address"), ("kind", "udp")}))] == 3
    m = Metrics(samples)
    assert (m.conferences, m.endpoints, m.drops) == (2, 5, 14)
    assert m.value("jitsi_jvb_drops_total", reason="srtp_auth") == 10
    assert m.value("jitsi_jvb_drops", reason="srtp_auth") == 10  # with or without _total
    assert m.drops_for("srtp_auth") == 10 and m.drops_for("no_such_reason") == 0
    assert m.value("jitsi_jvb_packets_received_total") == 7
    assert m.by_label("jitsi_jvb_packets_received", "path") == {'a "q" \\ b': 7}
    assert m.dtls_failures == 1
    assert Metrics(parse_prometheus("jitsi_jvb_conferences 3\n")).diff(m) == {
        "jitsi_jvb_conferences{}": 1.0, "jitsi_jvb_endpoints{}": -5.0,
        'jitsi_jvb_drops_total{reason="srtp_auth"}': -10.0,
        'jitsi_jvb_drops_total{kind="udp",reason="unknown_address"}': -3.0,
        'jitsi_jvb_drops_total{reason="dtls_fingerprint"}': -1.0,
        'jitsi_jvb_packets_received{path="a "q" \\ b"}': -7.0}


FAKE_BRIDGE = textwrap.dedent('''\
    import argparse, http.server, signal, sys
    p = argparse.ArgumentParser()
    for a in ("--media-host", "--port", "--http-host", "--http-port", "--advertise-ips"):
        p.add_argument(a)
    p.add_argument("--ignore-sigterm", action="store_true")
    p.add_argument("--disable-xmpp", action="store_true")
    args = p.parse_args()
    if args.ignore_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a): pass
        def do_GET(self):
            body = b"jitsi_jvb_conferences 0\\n" if self.path == "/metrics" else b""
            self.send_response(200 if self.path in ("/about/health", "/metrics") else 404)
            self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    print("fake bridge on", args.http_host, args.http_port, "media", args.port, flush=True)
    http.server.HTTPServer((args.http_host, int(args.http_port)), H).serve_forever()
    ''')


@pytest.fixture
def fake_bridge_bin(tmp_path):
    script = tmp_path / "fake-bridge"
    script.write_text(f"#!{sys.executable}\n" + FAKE_BRIDGE)
    script.chmod(0o755)
    return script


def test_bridge_process_lifecycle(tmp_path, fake_bridge_bin):
    bridge = BridgeProcess(binary=str(fake_bridge_bin), log_dir=tmp_path)
    with bridge:
        assert bridge.alive() and bridge.healthy()
        assert bridge.metrics().conferences == 0
        port = bridge.media_port
    assert not bridge.alive() and bridge.proc.returncode == -signal.SIGTERM
    log = (tmp_path / "bridge.log").read_text()
    assert f"--port {port}" in log and "--advertise-ips 127.0.0.1" in log and "fake bridge on 127.0.0.1" in log


def test_bridge_process_kills_after_grace(tmp_path, fake_bridge_bin):
    bridge = BridgeProcess(binary=str(fake_bridge_bin), log_dir=tmp_path, extra_args=["--ignore-sigterm"])
    bridge.start()
    assert bridge.stop(grace=1.0) == -signal.SIGKILL
    assert "killed" in (tmp_path / "bridge.log").read_text()


def test_bridge_process_reports_early_exit_and_missing_binary(tmp_path):
    with pytest.raises(BridgeStartError, match="exited with 1"):
        BridgeProcess(binary="/bin/false", log_dir=tmp_path).start()
    with pytest.raises(BridgeStartError, match="not found"):
        BridgeProcess(binary=str(tmp_path / "nope"), log_dir=tmp_path).start()


def test_free_ports_are_loopback_and_free():
    bridge = BridgeProcess(binary="/bin/false", log_dir=Path("/tmp"))
    assert bridge.media_address[0] == "127.0.0.1" and bridge.http_base.startswith("http://127.0.0.1:")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(bridge.media_address)  # really free


# ------------------------------------------------------------------------------------------------
# What test_attacks.py forges, read back by aiortc's parsers, and the tap that spots it
# ------------------------------------------------------------------------------------------------


def test_hostile_packets_parse_as_intended():
    rtp = RtpPacket.parse(H.rtp_packet(ssrc=0xDEADBEEF, sequence_number=70000, timestamp=5, payload_type=100,
                                       payload=H.vp8_payload(), marker=True))
    assert (rtp.ssrc, rtp.sequence_number, rtp.payload_type, rtp.marker) == (0xDEADBEEF, 70000 & 0xFFFF, 100, 1)
    assert rtp.payload.startswith(b"\x10" + H.MARKER)

    rr, nack = RtcpPacket.parse(H.nack_compound(sender_ssrc=7, media_ssrc=9, highest=5, entries=290))
    assert isinstance(rr, RtcpRrPacket) and rr.ssrc == 7 and rr.reports == []
    assert isinstance(nack, RtcpRtpfbPacket) and (nack.fmt, nack.ssrc, nack.media_ssrc) == (1, 7, 9)
    wanted = {(5 - i) & 0xFFFF for i in range(290 * H.NACK_ENTRY_SPAN)}  # wraps below 0
    # aiortc does not wrap PID + bit past 65535; RFC 3550 arithmetic does.
    assert {s & 0xFFFF for s in nack.lost} == wanted == H.nacked_sequence_numbers(H.nack_entries(5, 290))
    assert 1100 < len(H.nack_compound(sender_ssrc=7, media_ssrc=9, highest=5, entries=290)) < 1300

    (sr,) = RtcpPacket.parse(H.sender_report(sender_ssrc=0xA0A0A0A0, rtp_timestamp=123))
    assert isinstance(sr, RtcpSrPacket) and sr.ssrc == 0xA0A0A0A0 and sr.reports == []
    assert (sr.sender_info.ntp_timestamp, sr.sender_info.rtp_timestamp) == (H.MARKER_NTP, 123)


class FakeDtls:
    """Stands in for RTCDtlsTransport: the two handlers PacketTap wraps and the received-bytes counter."""

    def __init__(self):
        self.rtp, self.rtcp = [], []
        self._RTCDtlsTransport__rx_bytes = 1234

    async def _handle_rtp_data(self, data, arrival_time_ms):
        self.rtp.append(data)

    async def _handle_rtcp_data(self, data):
        self.rtcp.append(data)


def test_packet_tap_counts_marks_and_passes_on():
    dtls = FakeDtls()
    tap = PacketTap(dtls)
    genuine = H.rtp_packet(ssrc=1, sequence_number=65535, timestamp=0, payload_type=100, payload=b"x" * 20)
    forged = H.rtp_packet(ssrc=1, sequence_number=2, timestamp=0, payload_type=100, payload=H.vp8_payload())
    older = H.rtp_packet(ssrc=1, sequence_number=65000, timestamp=0, payload_type=100, payload=b"y")
    compound = H.receiver_report(5) + H.sender_report(sender_ssrc=1) + H.sender_report(sender_ssrc=2, ntp_timestamp=42)

    async def feed():
        for packet in (genuine, forged, older):
            await dtls._handle_rtp_data(packet, 0)
        await dtls._handle_rtcp_data(compound)
    run_async(feed(), timeout=5)
    assert tap.rtp_packets == {1: 3} and tap.marked == {1: 1} and tap.marked_total() == 1
    assert tap.highest_sequence[1] == 2  # across the wrap; the late 65000 does not count as newer
    assert dtls.rtp == [genuine, forged, older] and dtls.rtcp == [compound]
    assert tap.sender_reports_with(H.MARKER_NTP) == {1: 1} and tap.sender_reports[2] == [42]
    assert tap.transport_bytes_received == 1234

    swallowing = FakeDtls()
    PacketTap(swallowing, swallow_rtp=True)
    run_async(swallowing._handle_rtp_data(genuine, 0), timeout=5)
    assert swallowing.rtp == []
