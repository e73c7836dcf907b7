#!/usr/bin/env python3
"""A throwaway reference bridge, built from aiortc's transports, that exists only to check the
interop harness itself while meetpad-bridge is not ready:

    MEETPAD_BRIDGE_BIN=tests/interop/reference_bridge.py scripts/run-interop-tests.sh

It speaks the same CLI and HTTP API (Colibri2 conference-modify, /about/health, /metrics, drain and
shutdown), the brewery side of XMPP (reference_xmpp.py), and plays
the bridge's roles (ICE controlling, DTLS server, SCTP server, EndpointMessage relay, plain SRTP
forwarding with no SSRC rewriting). It is deliberately simple and NOT a model for the Swift bridge:
every endpoint gets its own ICE socket instead of one shared port (so the --port socket only counts
the datagrams sent to it as drops), it forwards every packet to everyone, and it is slow.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import sys
import threading
import xml.etree.ElementTree as ET
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pylibsrtp
from aiortc import (RTCCertificate, RTCDtlsFingerprint, RTCDtlsParameters, RTCDtlsTransport, RTCIceCandidate,
                    RTCIceGatherer, RTCIceParameters, RTCIceTransport, RTCSctpTransport)
from aiortc.rtcsctptransport import RTCSctpCapabilities

import focus as F
import peer  # noqa: F401  (applies the loopback-only host address patch)
from reference_xmpp import BreweryMember, ShutdownState

NS_STANZAS = F.NS_STANZAS
AUDIO_PAYLOAD_TYPES = {111: "audio", 126: "audio"}  # focus.add_media's audio offer; the rest is video
CERTIFICATE = RTCCertificate.generateCertificate()


class Metrics:
    def __init__(self):
        self.counters: dict[tuple[str, str], float] = defaultdict(float)

    def drop(self, reason: str, n: int = 1) -> None:
        self.counters[("jitsi_jvb_drops_total", reason)] += n

    def inc(self, name: str, n: int = 1) -> None:
        self.counters[(name, "")] += n

    def render(self, conferences: int, endpoints: int) -> str:
        lines = [f"jitsi_jvb_conferences {conferences}", f"jitsi_jvb_endpoints {endpoints}"]
        for (name, reason), v in sorted(self.counters.items()):
            lines.append(f'{name}{{reason="{reason}"}} {v}' if reason else f"{name} {v}")
        return "\n".join(lines) + "\n"


class CountingSRTP:
    """Wraps the receive-side SRTP session to count what fails authentication or parsing."""

    def __init__(self, inner, metrics: Metrics):
        self.inner, self.metrics = inner, metrics

    def unprotect(self, data):
        try:
            return self.inner.unprotect(data)
        except pylibsrtp.Error:
            self.metrics.drop("srtp_unprotect")
            raise

    def unprotect_rtcp(self, data):
        try:
            return self.inner.unprotect_rtcp(data)
        except pylibsrtp.Error:
            self.metrics.drop("srtcp_unprotect")
            raise


class Endpoint:
    def __init__(self, conference: "Conference", endpoint_id: str):
        self.conference, self.id = conference, endpoint_id
        self.gatherer = RTCIceGatherer(iceServers=[])
        self.ice = RTCIceTransport(self.gatherer)
        self.dtls = RTCDtlsTransport(self.ice, [CERTIFICATE])
        self.sctp: RTCSctpTransport | None = None
        self.channel = None
        self.task: asyncio.Task | None = None
        self.muted: set[str] = set()  # "audio"/"video" force-muted by the focus

    async def allocate(self) -> None:
        await self.gatherer.gather()
        self.gatherer._connection.ice_controlling = True  # the bridge is the controlling agent

    def describe(self, parent: ET.Element) -> None:
        params = self.gatherer.getLocalParameters()
        fp = next(f for f in self.dtls.getLocalParameters().fingerprints if f.algorithm == "sha-256")
        t = F.IceUdpTransport(
            ufrag=params.usernameFragment, pwd=params.password, rtcp_mux=True,
            fingerprints=[F.Fingerprint("sha-256", fp.value.upper(), "actpass")],
            candidates=[F.Candidate(foundation=c.foundation, component=c.component, protocol=c.protocol,
                                    priority=c.priority, ip=c.ip, port=c.port, type=c.type)
                        for c in self.gatherer.getLocalCandidates()])
        outer = F._el(parent, F.NS_COLIBRI2, "transport")
        F.add_ice_udp(outer, t)
        F._el(outer, F.NS_COLIBRI2, "sctp", port=5000, role="server")

    async def update_transport(self, inner: ET.Element) -> None:
        t = F.parse_ice_udp(inner)
        for c in t.candidates:
            await self.ice.addRemoteCandidate(RTCIceCandidate(
                component=c.component, foundation=c.foundation, ip=c.ip, port=c.port, priority=c.priority,
                protocol=c.protocol, type=c.type))
        if t.fingerprint is not None and self.task is None:
            self.dtls._set_role("server" if t.fingerprint.setup == "active" else "client")
            self.task = asyncio.ensure_future(self.run(
                RTCIceParameters(usernameFragment=t.ufrag, password=t.pwd),
                RTCDtlsParameters(fingerprints=[RTCDtlsFingerprint(f.hash, f.value) for f in t.fingerprints])))

    async def run(self, ice: RTCIceParameters, dtls: RTCDtlsParameters) -> None:
        metrics = self.conference.bridge.metrics
        await self.ice.start(ice)
        if self.ice.state != "completed":
            metrics.inc("jitsi_jvb_ice_failures_total")
            return
        self.dtls._handle_rtp_data = self.on_rtp
        self.dtls._handle_rtcp_data = self.on_rtcp
        await self.dtls.start(dtls)
        if self.dtls.state != "connected":
            metrics.inc("jitsi_jvb_dtls_failures_total")
            return
        self.dtls._rx_srtp = CountingSRTP(self.dtls._rx_srtp, metrics)
        self.sctp = RTCSctpTransport(self.dtls)
        self.sctp.on("datachannel", self.on_datachannel)
        await self.sctp.start(RTCSctpCapabilities(maxMessageSize=262144), 5000)

    async def forward(self, data: bytes) -> None:
        for other in list(self.conference.endpoints.values()):
            if other is not self and other.dtls.state == "connected":
                try:
                    await other.dtls._send_rtp(data)
                except Exception:
                    self.conference.bridge.metrics.drop("send_failed")

    async def on_rtp(self, data: bytes, arrival_time_ms: int = 0) -> None:
        self.conference.bridge.metrics.inc("jitsi_jvb_packets_received_total")
        if len(data) > 1 and AUDIO_PAYLOAD_TYPES.get(data[1] & 0x7F, "video") in self.muted:
            self.conference.bridge.metrics.drop("force_muted")
            return
        await self.forward(data)

    async def on_rtcp(self, data: bytes) -> None:
        await self.forward(data)

    def on_datachannel(self, channel) -> None:
        self.channel = channel
        channel.on("message", self.on_message)

    def on_message(self, message) -> None:
        try:
            msg = json.loads(message)
        except ValueError:
            self.conference.bridge.metrics.drop("bad_json")
            return
        if msg.get("colibriClass") != "EndpointMessage":
            return
        msg["from"] = self.id
        to = msg.get("to", "")
        for other in self.conference.endpoints.values():
            if other is self or (to and other.id != to):
                continue
            if other.channel is not None and other.channel.readyState == "open":
                other.channel.send(json.dumps(msg))

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        for closer in ((self.sctp.stop() if self.sctp else None), self.dtls.stop(), self.ice.stop()):
            if closer is not None:
                try:
                    await asyncio.wait_for(closer, 2)
                except Exception:
                    pass


class Conference:
    def __init__(self, bridge: "Bridge", meeting_id: str):
        self.bridge, self.meeting_id = bridge, meeting_id
        self.endpoints: dict[str, Endpoint] = {}
        self.feedback = (secrets.randbits(32), secrets.randbits(32))


def error(status: int, condition: str, text: str, reason: str | None = None, endpoint: str | None = None):
    root = ET.Element("error", {"type": "cancel"})
    ET.SubElement(root, f"{{{NS_STANZAS}}}{condition}")
    ET.SubElement(root, f"{{{NS_STANZAS}}}text").text = text
    if reason:
        ET.SubElement(root, f"{{{F.NS_COLIBRI2}}}error", {"reason": reason})
    if endpoint:
        ET.SubElement(root, f"{{{F.NS_COLIBRI2}}}endpoint", {"id": endpoint})
    return status, F.to_xml(root)


class Bridge:
    def __init__(self):
        self.conferences: dict[str, Conference] = {}
        self.metrics = Metrics()
        self.refuse_creates = False  # graceful shutdown (colibri2.md §3)

    def counts(self) -> tuple[int, int]:
        return len(self.conferences), sum(len(c.endpoints) for c in self.conferences.values())

    async def handle(self, root: ET.Element):
        meeting_id = root.get("meeting-id", "")
        create, expire = root.get("create") == "true", root.get("expire") == "true"
        conf = self.conferences.get(meeting_id)
        if create:
            if self.refuse_creates:
                return error(503, "service-unavailable", "in graceful shutdown", "graceful_shutdown")
            if conf is not None:
                return error(409, "conflict", "exists", "conference_already_exists")
            conf = self.conferences[meeting_id] = Conference(self, meeting_id)
        elif conf is None:
            return error(404, "item-not-found", f"Conference not found for ID: {meeting_id}", "conference_not_found")
        out = F._el(None, F.NS_COLIBRI2, "conference-modified")
        if expire:
            for ep in list(conf.endpoints.values()):
                await ep.close()
            del self.conferences[meeting_id]
            return 200, F.to_xml(out)
        endpoints = root.findall(f"{{{F.NS_COLIBRI2}}}endpoint")
        only_expires = all(e.get("create") != "true" and all(c.tag == f"{{{F.NS_COLIBRI2}}}force-mute" for c in e)
                           for e in endpoints)
        any_create = create
        for el in endpoints:
            eid = el.get("id", "")
            ep = conf.endpoints.get(eid)
            if el.get("create") == "true":
                if ep is not None:
                    return error(409, "conflict", f"Endpoint {eid} already exists")
                ep = conf.endpoints[eid] = Endpoint(conf, eid)
                await ep.allocate()
                any_create = True
                echo = F._el(out, F.NS_COLIBRI2, "endpoint", id=eid)
                ep.describe(echo)
                continue
            if ep is None:
                if only_expires:
                    F._el(out, F.NS_COLIBRI2, "endpoint", id=eid, expire=el.get("expire"))
                    continue
                return error(404, "item-not-found", f"Unknown endpoint {eid}", "unknown_endpoint", eid)
            if el.get("expire") == "true":
                await ep.close()
                del conf.endpoints[eid]
                F._el(out, F.NS_COLIBRI2, "endpoint", id=eid, expire="true")
                continue
            mute = el.find(f"{{{F.NS_COLIBRI2}}}force-mute")
            if mute is not None:
                ep.muted = {kind for kind in ("audio", "video") if mute.get(kind) == "true"}
            outer = el.find(f"{{{F.NS_COLIBRI2}}}transport")
            inner = outer.find(f"{{{F.NS_ICE_UDP}}}transport") if outer is not None else None
            if inner is not None:
                await ep.update_transport(inner)
            F._el(out, F.NS_COLIBRI2, "endpoint", id=eid)
        if any_create:
            sources = F._el(out, F.NS_COLIBRI2, "sources")
            for kind, name, ssrc in (("audio", "jvb-a0", conf.feedback[0]), ("video", "jvb-v0", conf.feedback[1])):
                ms = F._el(sources, F.NS_COLIBRI2, "media-source", type=kind, id=name)
                F._el(ms, F.NS_SSMA, "source", ssrc=ssrc, name=name)
        elif not conf.endpoints:
            del self.conferences[meeting_id]  # auto-expire after a non-create request (colibri2.md §2.3)
        return 200, F.to_xml(out)

    def render_metrics(self) -> str:
        return self.metrics.render(*self.counts())


def parse_request(body: bytes):
    text = body.decode("utf-8", "replace")
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return None, error(400, "bad-request", "DOCTYPE not allowed")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        return None, error(400, "bad-request", f"malformed XML: {e}")
    if root.tag != f"{{{F.NS_COLIBRI2}}}conference-modify" or not root.get("meeting-id", "").strip():
        return None, error(400, "bad-request", "not a conference-modify with a meeting-id")
    return root, None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--media-host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=10000)
    ap.add_argument("--http-host", default="127.0.0.1")
    ap.add_argument("--http-port", type=int, default=8080)
    ap.add_argument("--advertise-ips", default="127.0.0.1")
    ap.add_argument("--disable-xmpp", action="store_true")
    ap.add_argument("--xmpp-server", default="xmpp.meet.jitsi")
    ap.add_argument("--xmpp-port", type=int, default=5222)
    ap.add_argument("--xmpp-domain", default="auth.meet.jitsi")
    ap.add_argument("--xmpp-muc-domain", default="internal-muc.meet.jitsi")
    ap.add_argument("--xmpp-user", default="jvb")
    ap.add_argument("--brewery-muc", default="jvbbrewery")
    ap.add_argument("--muc-nickname", default=socket.gethostname())
    ap.add_argument("--disable-certificate-verification", action="store_true")
    ap.add_argument("--presence-interval", type=float, default=5.0)
    ap.add_argument("--colibri-rest", action="store_true")  # the reference always serves Colibri2 over HTTP
    ap.add_argument("--shutdown-rest", action="store_true")
    ap.add_argument("--shutting-down-delay", type=float, default=60.0)
    args = ap.parse_args()
    password = os.environ.get("JVB_AUTH_PASSWORD")
    if not args.disable_xmpp and not password:
        sys.exit("reference bridge: JVB_AUTH_PASSWORD is required unless --disable-xmpp")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    bridge = Bridge()
    member: BreweryMember | None = None

    async def exit_bridge() -> None:
        if member is not None:
            await member.leave()
        loop.stop()

    state = ShutdownState(endpoints=lambda: bridge.counts()[1], delay=args.shutting_down_delay,
                          on_change=lambda: (setattr(bridge, "refuse_creates", state.graceful),
                                             member.publish() if member else None), exit=exit_bridge)

    async def colibri(root: ET.Element):
        answer = await bridge.handle(root)
        state.check()
        return answer

    if not args.disable_xmpp:
        member = BreweryMember(server=args.xmpp_server, port=args.xmpp_port, domain=args.xmpp_domain,
                               muc_domain=args.xmpp_muc_domain, user=args.xmpp_user, password=password,
                               nickname=args.muc_nickname, brewery=args.brewery_muc,
                               presence_interval=args.presence_interval,
                               verify=not args.disable_certificate_verification, colibri=bridge.handle,
                               counts=bridge.counts, state=state)

    class MediaPort(asyncio.DatagramProtocol):
        def datagram_received(self, data, addr):
            bridge.metrics.drop("unknown_address")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, status: int, body: str, ctype: str = "application/xml") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/about/health":
                self.reply(200, "", "text/plain")
            elif self.path == "/colibri/drain":
                self.reply(200, json.dumps({"drain": state.drain}), "application/json")
            elif self.path == "/metrics":
                text = asyncio.run_coroutine_threadsafe(asyncio.sleep(0, bridge.render_metrics()), loop).result(5)
                self.reply(200, text, "text/plain; version=0.0.4")
            else:
                self.reply(404, "")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            if self.path in ("/colibri/drain/enable", "/colibri/drain/disable"):
                loop.call_soon_threadsafe(state.set_drain, self.path.endswith("enable"))
                return self.reply(200, "", "text/plain")
            if self.path == "/colibri/shutdown" and args.shutdown_rest and (args.colibri_rest or args.disable_xmpp):
                graceful = json.loads(body or b"{}").get("graceful-shutdown", False) is True
                loop.call_soon_threadsafe(state.begin, graceful)
                return self.reply(200, "", "text/plain")
            if self.path != "/colibri/v2/conference-modify":
                return self.reply(404, "")
            root, err = parse_request(body)
            if err is None:
                err = asyncio.run_coroutine_threadsafe(colibri(root), loop).result(15)
            self.reply(*err)

    loop.run_until_complete(loop.create_datagram_endpoint(MediaPort, local_addr=(args.media_host, args.port)))
    server = ThreadingHTTPServer((args.http_host, args.http_port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    terms = []

    def on_term() -> None:
        """First SIGTERM: graceful shutdown; the second exits at once (CONTRACT-XMPP.md)."""
        terms.append(1)
        if member is None or len(terms) > 1:
            asyncio.ensure_future(exit_bridge())
        else:
            state.begin(graceful=True)

    loop.add_signal_handler(signal.SIGTERM, on_term)
    if member is not None:
        member.start()
    print(f"reference bridge: http {args.http_host}:{args.http_port} media {args.media_host}:{args.port}", flush=True)
    loop.run_forever()
    server.shutdown()
    sys.exit(0)


if __name__ == "__main__":
    main()
