"""The bridge in the brewery, as jicofo sees it (issue 3, points 1, 2 and 5): it logs in to a
docker-shaped prosody, joins jvbbrewery with stats jicofo accepts, answers health checks and version
queries, refuses unknown IQs with service-unavailable, and answers IQs that do not come through the
brewery with forbidden, without acting on them."""

from __future__ import annotations

import time
import uuid
import xml.etree.ElementTree as ET

import pytest

from bridge_stats import problems_for_jicofo
from focus import allocate_request, new_endpoint_id, to_xml
from prosody import AUTH_DOMAIN
from xmpp_client import XMPPClient
from xmpp_focus import NS_VERSION, XMPPFocus

pytestmark = [pytest.mark.bridge, pytest.mark.xmpp]

PRESENCE_INTERVAL = 1  # seconds; the default is 5, shortened so the periodic refresh is seen quickly
JOIN_TIMEOUT = 10.0


@pytest.fixture
def xmpp_bridge(start_xmpp_bridge):
    return start_xmpp_bridge("--presence-interval", str(PRESENCE_INTERVAL))


def test_bridge_joins_brewery_with_stats_jicofo_accepts(xmpp_bridge, brewery_focus):
    nick = xmpp_bridge.xmpp.nickname
    first = brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT, what="first presence with <stats>")
    print(f"bridge presence with stats {first.at - xmpp_bridge.started_at:.2f}s after /about/health: "
          f"{first.stats}")
    assert not first.duplicate_stats, f"stats sent twice (jicofo reads one): {first.duplicate_stats}"
    assert problems_for_jicofo(first.stats) == [], first.stats
    view = first.view
    assert view.drain is False and view.graceful_shutdown is False and view.shutting_down is False, first.stats
    assert view.healthy is True, first.stats
    assert 0.0 <= view.stress_level < 0.8, f"an idle bridge must not look overloaded to jicofo: {first.stats}"
    assert first.stats["conferences"] == "0" and first.stats["participants"] == "0", first.stats
    # Ours, for operators watching jicofo's bridge list: no endpoint judged yet.
    assert first.stats.get("media_reachability") == "unknown", first.stats
    assert "region" not in first.stats, "region must only be sent when configured"

    real = brewery_focus.bridge_real_jid(nick)
    assert real.split("/")[0] == f"jvb@{AUTH_DOMAIN}", f"bridge logged in as {real}, not the jvb account"

    # Refreshed periodically, like JVB's MucPublisher (presence-interval).
    second = brewery_focus.wait_bridge(nick, since=first.at + 0.01, timeout=PRESENCE_INTERVAL * 3,
                                       what="the periodic presence refresh")
    print(f"presence refresh after {second.at - first.at:.2f}s (--presence-interval {PRESENCE_INTERVAL})")
    assert problems_for_jicofo(second.stats) == [], second.stats


def test_health_check_and_version_are_answered(xmpp_bridge, brewery_focus):
    nick = xmpp_bridge.xmpp.nickname
    presence = brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT)
    health = brewery_focus.healthcheck(nick)
    print(f"health check answered in {health.rtt * 1000:.1f} ms: {health.text}")
    assert health.type == "result", health.text
    assert health.stanza.get("id") and health.stanza.get("from") == brewery_focus.occupant(nick), health.text

    version = brewery_focus.version(nick)
    assert version.type == "result", version.text
    query = version.payload
    assert query is not None and query.tag == f"{{{NS_VERSION}}}query", version.text
    name = query.findtext(f"{{{NS_VERSION}}}name")
    number = query.findtext(f"{{{NS_VERSION}}}version")
    print(f"version: name={name!r} version={number!r} (presence version={presence.stats['version']!r})")
    assert name == "meetpad-bridge", version.text
    assert number, version.text


@pytest.mark.parametrize("payload", [
    '<query xmlns="urn:example:not-a-bridge-feature"/>',
    '<graceful-shutdown xmlns="http://jitsi.org/protocol/colibri"/>',  # JVB: "Unsupported IQ"
    '<conference xmlns="http://jitsi.org/protocol/colibri"/>',  # colibri v1: gone from JVB
], ids=["unknown", "colibri-graceful-shutdown", "colibri-v1"])
def test_unknown_iq_is_service_unavailable(xmpp_bridge, brewery_focus, payload):
    nick = xmpp_bridge.xmpp.nickname
    brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT)
    reply = brewery_focus.client.iq(brewery_focus.occupant(nick), ET.fromstring(payload), "get", timeout=5)
    assert reply.type == "error" and reply.condition == "service-unavailable", reply.text
    assert brewery_focus.healthcheck(nick).type == "result"


def test_iq_from_outside_the_brewery_is_forbidden_and_changes_nothing(xmpp_bridge, brewery_focus, running_prosody):
    nick = xmpp_bridge.xmpp.nickname
    brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT)
    bridge_jid = brewery_focus.bridge_real_jid(nick)
    meeting_id = str(uuid.uuid4())
    create = allocate_request(meeting_id, new_endpoint_id(), "intruder", create_conference=True,
                              conference_name="intrusion@conference.meet.jitsi")
    before = xmpp_bridge.metrics().conferences

    # A user of another domain, and the focus account itself talking to the bridge directly (not
    # through the MUC): neither has the brewery's bare JID as sender.
    outsider = XMPPClient(running_prosody.jid("outsider"), running_prosody.passwords["outsider"],
                          (running_prosody.host, running_prosody.port), resource="outside").start()
    try:
        for sender in (outsider, brewery_focus.client):
            for payload in (ET.fromstring(to_xml(create)), ET.Element("{http://jitsi.org/protocol/healthcheck}healthcheck")):
                reply = sender.iq(bridge_jid, payload, "get", timeout=5)
                print(f"{sender.bound_jid} -> {bridge_jid} {payload.tag}: {reply.type} {reply.condition}")
                assert reply.type == "error" and reply.condition == "forbidden", reply.text
    finally:
        outsider.stop()

    assert xmpp_bridge.metrics().conferences == before, "a forbidden IQ created a conference"
    since = time.monotonic()
    later = brewery_focus.wait_bridge(nick, since=since, timeout=PRESENCE_INTERVAL * 3)
    assert later.stats["conferences"] == "0", later.stats
    # The same meeting id is still free: the forbidden create really did nothing.
    focus = XMPPFocus(brewery_focus.client, brewery_focus.occupant(nick), meeting_id=meeting_id)
    allocation = focus.allocate(new_endpoint_id())
    assert allocation.transport.ufrag, "allocation over the brewery failed"
    focus.expire_conference()
