"""A test focus on XMPP: what jicofo does in the brewery, and Colibri2 over IQs.

BreweryFocus logs in as focus@auth.meet.jitsi (STARTTLS), joins jvbbrewery@internal-muc.meet.jitsi
as `focus` (jicofo's nickname), records every bridge presence with its <stats>, and sends the IQs
jicofo sends to a bridge's occupant JID: health checks (JvbDoctor) and, through XMPPFocus,
<conference-modify>. XMPPFocus is tests/interop/focus.py's Focus with the HTTP POST replaced by an
IQ type="get" (Smack's default, as jicofo sends it; colibri2.md §1.5), so the request builders and
the call orchestration (call.py, peer.py) are the same for both transports.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from typing import Callable, Optional

from bridge_stats import JicofoBridgeView, jicofo_view, parse_stats_element
from focus import ColibriResponse, Focus
from prosody import BREWERY_ROOM, Prosody
from xmpp_client import IQReply, PresenceRecord, XMPPClient

NS_HEALTH = "http://jitsi.org/protocol/healthcheck"
NS_VERSION = "jabber:iq:version"
FOCUS_NICK = "focus"
JICOFO_REPLY_TIMEOUT = 15.0

# The HTTP status the bridge's REST API uses for the same condition, so ColibriResponse.status reads
# alike for both transports (assertions should prefer .condition and .reason).
_CONDITION_STATUS = {"bad-request": 400, "forbidden": 403, "item-not-found": 404, "conflict": 409,
                     "feature-not-implemented": 501, "service-unavailable": 503}


@dataclasses.dataclass
class BridgePresence:
    """One presence of a bridge in the brewery, with its stats as jicofo would read them."""

    record: PresenceRecord
    stats: Optional[dict[str, str]]  # None: no <stats>, jicofo skips this presence
    duplicate_stats: list[str]

    @property
    def at(self) -> float:
        return self.record.at

    @property
    def available(self) -> bool:
        return self.record.type == "available"

    @property
    def view(self) -> Optional[JicofoBridgeView]:
        return jicofo_view(self.stats) if self.stats is not None else None


def colibri_response(reply: IQReply) -> ColibriResponse:
    """result -> 200 with <conference-modified> as root; error -> the <error> element as root (its
    stanza condition and colibri2 reason are what ColibriResponse.condition/.reason read)."""
    if reply.type == "result":
        return ColibriResponse(status=200, text=reply.text, root=reply.payload)
    return ColibriResponse(status=_CONDITION_STATUS.get(reply.condition or "", 500), text=reply.text,
                           root=reply.error)


class XMPPFocus(Focus):
    """Focus whose <conference-modify> requests travel as IQs to the bridge's occupant JID."""

    def __init__(self, client: XMPPClient, bridge_jid: str, meeting_id: Optional[str] = None,
                 conference_name: Optional[str] = None, timeout: float = JICOFO_REPLY_TIMEOUT):
        super().__init__(f"xmpp:{bridge_jid}", meeting_id=meeting_id, conference_name=conference_name,
                         timeout=timeout)
        self.client = client
        self.bridge_jid = bridge_jid

    def post_raw(self, body: str | bytes) -> ColibriResponse:
        """Sends one request. XMPP cannot carry malformed XML (the server would close our stream), so
        `body` must parse; the HTTP tests cover malformed input."""
        text = body if isinstance(body, str) else body.decode("utf-8")
        reply = self.client.iq(self.bridge_jid, ET.fromstring(text), type="get", timeout=self.timeout)
        response = colibri_response(reply)
        self.log.append((text, response))
        return response


class BreweryFocus:
    """focus@auth in the brewery. Use as a context manager (logs in and joins on enter)."""

    def __init__(self, prosody: Prosody, nick: str = FOCUS_NICK):
        self.nick = nick
        self.client = XMPPClient(prosody.jid("focus"), prosody.passwords["focus"], (prosody.host, prosody.port),
                                 resource=f"focus-{nick}")

    def start(self, timeout: float = 10.0) -> "BreweryFocus":
        self.client.start(timeout)
        joined = self.client.join_muc(BREWERY_ROOM, self.nick, timeout)
        assert joined.type != "error", f"focus could not join {BREWERY_ROOM}: {joined.error_condition()}"
        return self

    def stop(self) -> None:
        self.client.stop()

    def __enter__(self) -> "BreweryFocus":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- presence -------------------------------------------------------------------------------

    @staticmethod
    def occupant(nick: str) -> str:
        return f"{BREWERY_ROOM}/{nick}"

    def bridge_presences(self, nick: str, since: float = 0.0) -> list[BridgePresence]:
        out = []
        for record in self.client.presences_from(self.occupant(nick), since):
            if record.from_jid != self.occupant(nick):
                continue
            parsed = parse_stats_element(record.element)
            stats, duplicates = parsed if parsed is not None else (None, [])
            out.append(BridgePresence(record=record, stats=stats, duplicate_stats=duplicates))
        return out

    def wait_bridge(self, nick: str, check: Callable[[BridgePresence], bool] = lambda p: True, *,
                    since: float = 0.0, timeout: float = 10.0, what: str = "") -> BridgePresence:
        """The first available presence with <stats> of bridge `nick` received after `since` for which
        check() holds; AssertionError (with the presences seen) after `timeout`."""
        def found():
            return next((p for p in self.bridge_presences(nick, since)
                         if p.available and p.stats is not None and check(p)), None)
        try:
            return self.client.wait_until(found, timeout, what or f"presence of bridge {nick}")
        except AssertionError as e:
            seen = [(round(p.at - since, 2) if since else None, p.record.type, p.stats)
                    for p in self.bridge_presences(nick, since)][-5:]
            raise AssertionError(f"{e}; last presences from {self.occupant(nick)}: {seen}") from None

    def wait_bridge_gone(self, nick: str, since: float, timeout: float) -> PresenceRecord:
        def gone():
            return next((p.record for p in self.bridge_presences(nick, since) if p.record.type == "unavailable"), None)
        return self.client.wait_until(gone, timeout, f"unavailable presence of bridge {nick}")

    def bridge_real_jid(self, nick: str) -> str:
        """The bridge's own JID, from <item jid> of its presence (the brewery has public JIDs)."""
        presences = self.bridge_presences(nick)
        assert presences, f"no presence from {self.occupant(nick)} yet"
        jid = presences[-1].record.muc_item_jid()
        assert jid, f"presence of {self.occupant(nick)} has no <item jid>: {ET.tostring(presences[-1].record.element)}"
        return jid

    # -- IQs jicofo sends -----------------------------------------------------------------------

    def healthcheck(self, nick: str, timeout: float = JICOFO_REPLY_TIMEOUT) -> IQReply:
        return self.client.iq(self.occupant(nick), ET.Element(f"{{{NS_HEALTH}}}healthcheck"), "get", timeout)

    def version(self, nick: str, timeout: float = JICOFO_REPLY_TIMEOUT) -> IQReply:
        return self.client.iq(self.occupant(nick), ET.Element(f"{{{NS_VERSION}}}query"), "get", timeout)

    def colibri(self, nick: str, **kwargs) -> XMPPFocus:
        """A conference on bridge `nick`, driven over this focus's connection."""
        return XMPPFocus(self.client, self.occupant(nick), **kwargs)
