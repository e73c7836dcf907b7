"""A synchronous XMPP client for the tests: slixmpp's asyncio loop runs in a background thread.

The Focus API and the test bodies are synchronous (aiortc peers call them through
asyncio.to_thread), so every method here blocks until its stanza exchange finishes or a bounded
timeout expires. Login is what jicofo's Smack connection does against docker's prosody: c2s
STARTTLS (certificate not verified: prosody's is self-signed), SASL, bind.

When the server goes away (prosody restart) the client reconnects as soon as the port accepts
again and re-joins its MUCs, so it can watch a bridge come back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
import ssl
import threading
import time
import xml.etree.ElementTree as ET
from typing import Callable, Optional

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout

from focus import to_xml

NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_CLIENT = "jabber:client"

log = logging.getLogger("interop.xmpp")


class XMPPTimeout(AssertionError):
    """A bounded wait ran out; an AssertionError so pytest shows the message as the failure."""


@dataclasses.dataclass
class PresenceRecord:
    """One presence as received, with its receive time (time.monotonic())."""

    at: float
    from_jid: str
    type: str  # "available", "unavailable", "error", ...
    element: ET.Element

    @property
    def resource(self) -> str:
        return self.from_jid.split("/", 1)[1] if "/" in self.from_jid else ""

    @property
    def bare(self) -> str:
        return self.from_jid.split("/", 1)[0]

    def muc_item_jid(self) -> Optional[str]:
        """The occupant's real JID (<x xmlns=muc#user><item jid=...>): present because the
        brewery has public JIDs (muc_room_default_public_jids)."""
        item = self.element.find(f"{{{NS_MUC_USER}}}x/{{{NS_MUC_USER}}}item")
        return item.get("jid") if item is not None else None

    def status_codes(self) -> set[str]:
        return {s.get("code", "") for s in self.element.findall(f"{{{NS_MUC_USER}}}x/{{{NS_MUC_USER}}}status")}

    def error_condition(self) -> Optional[str]:
        return _error_condition(self.element)


@dataclasses.dataclass
class IQReply:
    """An IQ answer: type "result" or "error", the whole stanza, and its first child (the payload,
    or <error>)."""

    type: str
    stanza: ET.Element
    rtt: float

    @property
    def payload(self) -> Optional[ET.Element]:
        for child in self.stanza:
            if self.type == "error" or child.tag != f"{{{NS_CLIENT}}}error":
                return child
        return None

    @property
    def error(self) -> Optional[ET.Element]:
        return self.stanza.find(f"{{{NS_CLIENT}}}error")

    @property
    def condition(self) -> Optional[str]:
        return _error_condition(self.stanza)

    @property
    def text(self) -> str:
        return to_xml(self.stanza)


def _error_condition(stanza: ET.Element) -> Optional[str]:
    error = stanza.find(f"{{{NS_CLIENT}}}error")
    if error is None:
        return None
    for child in error:
        if child.tag.startswith(f"{{{NS_STANZAS}}}") and not child.tag.endswith("}text"):
            return child.tag.split("}", 1)[1]
    return None


def _tls_without_verification() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class XMPPClient:
    """One c2s session. start() logs in (raises AssertionError on failure); stop() logs out."""

    def __init__(self, jid: str, password: str, server: tuple[str, int], *, resource: str = "interop"):
        self.jid = f"{jid}/{resource}"
        self.password = password
        self.server = server
        self.presences: list[PresenceRecord] = []
        self.sessions: list[float] = []  # time.monotonic() of every session_start (1 + reconnects)
        self.disconnects: list[float] = []
        self.auth_failure: Optional[str] = None
        self._rooms: dict[str, str] = {}  # room bare JID -> nickname, re-joined after a reconnect
        self._wanted = False
        self._changed = threading.Condition()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=f"xmpp-{jid}", daemon=True)
        self._thread.start()
        self.xmpp: slixmpp.ClientXMPP = self.run(self._create(), timeout=5)

    # -- plumbing -------------------------------------------------------------------------------

    def run(self, coro, timeout: float):
        """Runs a coroutine on the client's loop and waits for it at most `timeout` seconds."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise XMPPTimeout(f"{self.jid}: operation did not finish within {timeout}s") from None

    async def _create(self) -> slixmpp.ClientXMPP:
        xmpp = slixmpp.ClientXMPP(self.jid, self.password, ssl_context=_tls_without_verification())
        xmpp.enable_direct_tls = False  # prosody's c2s port speaks STARTTLS only (c2s_direct_tls_ports empty)
        xmpp.enable_starttls = True
        xmpp.enable_plaintext = False
        xmpp.register_plugin("xep_0030")
        xmpp.register_plugin("xep_0199")
        xmpp.add_event_handler("session_start", self._on_session_start)
        xmpp.add_event_handler("failed_auth", self._on_failed_auth)
        xmpp.add_event_handler("disconnected", self._on_disconnected)
        xmpp.add_event_handler("presence", self._on_presence)
        return xmpp

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def wait_until(self, check: Callable[[], Optional[object]], timeout: float, what: str):
        """Blocks until check() returns something truthy (returned) or raises XMPPTimeout naming `what`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                value = check()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise XMPPTimeout(f"{self.jid}: {what} not seen within {timeout}s")
                self._changed.wait(min(remaining, 0.1))

    # -- events (on the loop thread) -----------------------------------------------------------

    def _on_session_start(self, _event) -> None:
        self.xmpp.send_presence()
        for room, nick in self._rooms.items():
            self._send_join(room, nick)
        self.sessions.append(time.monotonic())
        self._notify()

    def _on_failed_auth(self, event) -> None:
        self.auth_failure = str(event)
        self._notify()

    def _on_disconnected(self, _reason) -> None:
        self.disconnects.append(time.monotonic())
        self._notify()
        if self._wanted:
            asyncio.ensure_future(self._reconnect())

    async def _reconnect(self) -> None:
        """Waits for the server port (prosody restarting), then reconnects at once: slixmpp's own
        retry backs off exponentially and would blur the bridge's reconnect measurement."""
        while self._wanted and not self.xmpp.is_connected():
            if await self._port_open():
                self.xmpp.connect(*self.server)
                return
            await asyncio.sleep(0.05)

    async def _port_open(self) -> bool:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(*self.server), 0.5)
        except (OSError, asyncio.TimeoutError):
            return False
        writer.close()
        return True

    def _on_presence(self, presence) -> None:
        record = PresenceRecord(at=time.monotonic(), from_jid=str(presence["from"]), type=presence["type"],
                                element=presence.xml)
        self.presences.append(record)
        self._notify()

    # -- API ------------------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> "XMPPClient":
        self._wanted = True
        sessions = len(self.sessions)
        self.loop.call_soon_threadsafe(self.xmpp.connect, *self.server)
        self.wait_until(lambda: len(self.sessions) > sessions or self.auth_failure, timeout,
                        f"login to {self.server[0]}:{self.server[1]}")
        if self.auth_failure:
            raise AssertionError(f"{self.jid}: SASL authentication failed: {self.auth_failure}")
        return self

    @property
    def bound_jid(self) -> str:
        return str(self.xmpp.boundjid)

    def is_encrypted(self) -> bool:
        """True when the stream runs over TLS (STARTTLS was negotiated)."""
        transport = self.xmpp.transport
        return transport is not None and transport.get_extra_info("sslcontext") is not None

    def join_muc(self, room: str, nick: str, timeout: float = 5.0) -> PresenceRecord:
        """Sends the MUC join presence and returns our own presence back (status 110) or the error
        presence. Joined rooms are re-joined after every reconnect."""
        occupant = f"{room}/{nick}"
        start = len(self.presences)
        self.loop.call_soon_threadsafe(self._send_join, room, nick)

        def answered():
            return next((p for p in self.presences[start:] if p.from_jid == occupant
                         and (p.type == "error" or "110" in p.status_codes())), None)
        record = self.wait_until(answered, timeout, f"answer to joining {occupant}")
        if record.type != "error":
            self._rooms[room] = nick
        return record

    def _send_join(self, room: str, nick: str) -> None:
        presence = self.xmpp.make_presence(pto=f"{room}/{nick}")
        ET.SubElement(presence.xml, f"{{{NS_MUC}}}x")
        presence.send()

    def iq(self, to: str, payload: ET.Element, type: str = "get", timeout: float = 15.0) -> IQReply:
        """Sends <iq type to> with `payload` and returns the result or error stanza; raises
        XMPPTimeout when nothing comes back in `timeout` (jicofo's reply timeout is 15 s)."""
        async def exchange() -> IQReply:
            iq = self.xmpp.make_iq(ito=to, itype=type)
            iq.xml.append(payload)
            started = time.monotonic()
            try:
                reply = await iq.send(timeout=timeout)
            except IqError as e:
                reply = e.iq
            except IqTimeout:
                raise XMPPTimeout(f"{self.jid}: no answer from {to} within {timeout}s to "
                                  f"{ET.tostring(payload, encoding='unicode')[:300]}") from None
            return IQReply(type=reply["type"], stanza=reply.xml, rtt=time.monotonic() - started)
        return self.run(exchange(), timeout + 2)

    def presences_from(self, jid_prefix: str, since: float = 0.0) -> list[PresenceRecord]:
        return [p for p in self.presences if p.from_jid.startswith(jid_prefix) and p.at >= since]

    def stop(self, timeout: float = 5.0) -> None:
        """Closes the stream (MUCs are left by the server), ends every task, stops the thread."""
        self._wanted = False
        try:
            self.run(self._shutdown(), timeout)
        except Exception as e:  # teardown must not hide the test's own failure
            log.warning("%s: disconnect failed: %s", self.jid, e)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)
            if not self._thread.is_alive():
                self.loop.close()

    async def _shutdown(self) -> None:
        if self.xmpp.is_connected():
            await self.xmpp.disconnect(wait=1.0)
        # slixmpp's send loop would otherwise be cancelled from __del__ on a closed loop.
        self.xmpp._run_out_filters = None
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def __enter__(self) -> "XMPPClient":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
