"""The XMPP face of reference_bridge.py: just enough of CONTRACT-XMPP.md to check the XMPP tests
themselves (MEETPAD_BRIDGE_BIN=tests/interop/reference_bridge.py), NOT a model for the Swift bridge.

It logs in with slixmpp on the reference bridge's own asyncio loop, joins the brewery with <stats>,
refreshes the presence every --presence-interval seconds and at once on drain/shutdown changes,
answers conference-modify (through the bridge's Colibri2 handler), healthcheck, version; anything
else gets service-unavailable, and IQs not from the brewery get forbidden. It reconnects every
second while the server is away. Shutdown follows colibri2.md §3 (graceful -> shutting down -> exit).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import xml.etree.ElementTree as ET
from typing import Awaitable, Callable, Optional

import slixmpp
from slixmpp.xmlstream.handler import CoroutineCallback
from slixmpp.xmlstream.matcher import MatchXPath

NS_CLIENT = "jabber:client"
NS_COLIBRI = "http://jitsi.org/protocol/colibri"
NS_COLIBRI2 = "jitsi:colibri2"
NS_HEALTH = "http://jitsi.org/protocol/healthcheck"
NS_VERSION = "jabber:iq:version"
NS_MUC = "http://jabber.org/protocol/muc"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"

log = logging.getLogger("reference.xmpp")


class ShutdownState:
    """RUNNING -> GRACEFUL_SHUTDOWN (refuse creates, wait for 0 endpoints) -> SHUTTING_DOWN -> exit."""

    def __init__(self, endpoints: Callable[[], int], delay: float, on_change: Callable[[], None],
                 exit: Callable[[], Awaitable[None]]):
        self.endpoints, self.delay, self.on_change, self._exit = endpoints, delay, on_change, exit
        self.drain = False
        self.graceful = False
        self.shutting_down = False

    def set_drain(self, on: bool) -> None:
        self.drain = on
        self.on_change()

    def begin(self, graceful: bool) -> None:
        if self.shutting_down:
            return
        if not graceful:
            self._shut_down()
            return
        self.graceful = True
        self.on_change()
        self.check()

    def check(self) -> None:
        """Called after every Colibri2 request: the last endpoint gone ends the graceful phase."""
        if self.graceful and not self.shutting_down and self.endpoints() == 0:
            self._shut_down()

    def _shut_down(self) -> None:
        self.shutting_down = True
        self.on_change()
        delay = self.delay if self.endpoints() > 0 else 0.0
        asyncio.get_event_loop().call_later(delay, lambda: asyncio.ensure_future(self._exit()))


class BreweryMember:
    def __init__(self, *, server: str, port: int, domain: str, muc_domain: str, user: str, password: str,
                 nickname: str, brewery: str, presence_interval: float, verify: bool,
                 colibri: Callable[[ET.Element], Awaitable[tuple[int, str]]], counts: Callable[[], tuple[int, int]],
                 state: ShutdownState):
        self.server, self.port = server, port
        self.room = f"{brewery}@{muc_domain}"
        self.nickname = nickname
        self.presence_interval = presence_interval
        self.colibri, self.counts, self.state = colibri, counts, state
        ctx = ssl.create_default_context()
        if not verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        self.xmpp = slixmpp.ClientXMPP(f"{user}@{domain}/{nickname}", password, ssl_context=ctx)
        self.xmpp.enable_direct_tls = False
        self.xmpp.add_event_handler("session_start", self._on_session)
        self.xmpp.add_event_handler("disconnected", self._on_disconnected)
        self.xmpp.register_handler(CoroutineCallback("bridge-iq", MatchXPath(f"{{{NS_CLIENT}}}iq"), self._on_iq))
        self._joined = False
        self._running = True
        self._ticker: Optional[asyncio.Task] = None

    def start(self) -> None:
        self.xmpp.connect(self.server, self.port)
        self._ticker = asyncio.ensure_future(self._tick())

    # -- presence -------------------------------------------------------------------------------

    def _stats(self) -> ET.Element:
        conferences, endpoints = self.counts()
        stats = ET.Element(f"{{{NS_COLIBRI}}}stats")
        for name, value in (("stress_level", "0.01"), ("average_participant_stress", "0.01"),
                            ("drain", self.state.drain), ("graceful_shutdown", self.state.graceful),
                            ("shutting_down", self.state.shutting_down), ("healthy", True),
                            ("version", "reference-0"), ("conferences", conferences), ("participants", endpoints)):
            text = str(value).lower() if isinstance(value, bool) else str(value)
            ET.SubElement(stats, f"{{{NS_COLIBRI}}}stat", {"name": name, "value": text})
        return stats

    def publish(self, join: bool = False) -> None:
        if not (self._joined or join) or not self.xmpp.is_connected():
            return
        presence = self.xmpp.make_presence(pto=f"{self.room}/{self.nickname}")
        if join:
            ET.SubElement(presence.xml, f"{{{NS_MUC}}}x")
        presence.xml.append(self._stats())
        presence.send()

    async def _tick(self) -> None:
        while self._running:
            await asyncio.sleep(self.presence_interval)
            self.publish()

    def _on_session(self, _event) -> None:
        self.publish(join=True)
        self._joined = True

    def _on_disconnected(self, _reason) -> None:
        self._joined = False
        if self._running:
            asyncio.get_event_loop().call_later(1.0, self.xmpp.connect, self.server, self.port)

    # -- IQs ------------------------------------------------------------------------------------

    async def _on_iq(self, iq) -> None:
        if iq["type"] not in ("get", "set"):
            return
        sender = str(iq["from"]).split("/")[0].lower()
        child = next(iter(iq.xml), None)
        if sender != self.room.lower():
            return self._reply_error(iq, "auth", "forbidden")
        if child is None:
            return self._reply_error(iq, "cancel", "service-unavailable")
        if child.tag == f"{{{NS_COLIBRI2}}}conference-modify":
            status, body = await self.colibri(child)
            self.state.check()
            reply = self._reply(iq, "result" if status == 200 else "error")
            payload = ET.fromstring(body)
            if payload.tag == "error":  # the HTTP answer's bare <error> is the IQ's stanza error
                payload.tag = f"{{{NS_CLIENT}}}error"
            reply.xml.append(payload)
            reply.send()
        elif child.tag == f"{{{NS_HEALTH}}}healthcheck":
            self._reply(iq, "result").send()
        elif child.tag == f"{{{NS_VERSION}}}query":
            reply = self._reply(iq, "result")
            query = ET.SubElement(reply.xml, f"{{{NS_VERSION}}}query")
            ET.SubElement(query, f"{{{NS_VERSION}}}name").text = "meetpad-bridge"
            ET.SubElement(query, f"{{{NS_VERSION}}}version").text = "reference-0"
            reply.send()
        else:
            self._reply_error(iq, "cancel", "service-unavailable")

    def _reply(self, iq, type: str):
        reply = self.xmpp.make_iq(id=iq["id"], ito=iq["from"], ifrom=iq["to"], itype=type)
        return reply

    def _reply_error(self, iq, kind: str, condition: str) -> None:
        reply = self._reply(iq, "error")
        error = ET.SubElement(reply.xml, f"{{{NS_CLIENT}}}error", {"type": kind})
        ET.SubElement(error, f"{{{NS_STANZAS}}}{condition}")
        reply.send()

    async def leave(self) -> None:
        """Presence unavailable to the brewery, then close the stream."""
        self._running = False
        if self._ticker is not None:
            self._ticker.cancel()
        if self.xmpp.is_connected():
            self.xmpp.make_presence(pto=f"{self.room}/{self.nickname}", ptype="unavailable").send()
            await self.xmpp.disconnect(wait=1.0)
