"""Colibri2 over HTTP: the error answers jicofo depends on (colibri2.md §2.3, §2.5), and hostile XML."""

from __future__ import annotations

import uuid

import pytest

from focus import Focus, allocate_request, expire_endpoints_request, new_endpoint_id, sources_request

pytestmark = pytest.mark.bridge


def test_update_for_unknown_conference_is_item_not_found(focus):
    r = focus.send(sources_request(str(uuid.uuid4()), new_endpoint_id(), "nobody", []), what="update", check=False)
    assert r.status == 404, r.text
    assert r.condition == "item-not-found", r.text
    assert r.reason == "conference_not_found", r.text


def test_creating_an_existing_conference_is_a_conflict(focus):
    focus.allocate(new_endpoint_id())
    again = allocate_request(focus.meeting_id, new_endpoint_id(), "second", create_conference=True,
                             conference_name=focus.conference_name)
    r = focus.send(again, what="second create", check=False)
    assert r.status == 409, r.text
    assert r.condition == "conflict", r.text
    assert r.reason == "conference_already_exists", r.text


def test_expire_only_for_unknown_endpoint_is_echoed(focus):
    focus.allocate(new_endpoint_id())
    ghost = new_endpoint_id()
    r = focus.send(expire_endpoints_request(focus.meeting_id, [ghost]), what="expire ghost", check=False)
    assert r.status == 200 and r.ok, r.text
    echoed = r.endpoints()
    assert [e.get("id") for e in echoed] == [ghost], r.text
    assert echoed[0].get("expire") == "true", r.text


MALFORMED = {
    "truncated": '<conference-modify xmlns="jitsi:colibri2" meeting-id="m1"><endpoint id="a"',
    "mismatched-tags": '<conference-modify xmlns="jitsi:colibri2" meeting-id="m1"><endpoint id="a"></sources>'
                       '</conference-modify>',
    "not-xml": "this is not xml",
    "empty": "",
    "missing-meeting-id": '<conference-modify xmlns="jitsi:colibri2"/>',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_request_is_bad_request(bridge, focus, body):
    r = focus.post_raw(body)
    assert r.status == 400, r.text
    assert bridge.healthy()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<conference-modify xmlns="jitsi:colibri2" meeting-id="&lol9;" create="true" name="x@conference.meetpad.test"/>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE c [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<conference-modify xmlns="jitsi:colibri2" meeting-id="&secret;" create="true" name="x@conference.meetpad.test"/>
"""

DOCTYPE_ONLY = """<!DOCTYPE conference-modify>
<conference-modify xmlns="jitsi:colibri2" meeting-id="plain-doctype"/>
"""

HOSTILE = {"billion-laughs": BILLION_LAUGHS, "external-entity": EXTERNAL_ENTITY, "doctype": DOCTYPE_ONLY}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_doctype_is_rejected_and_bridge_keeps_running(bridge, focus, body):
    r = focus.post_raw(body)
    assert r.status == 400, r.text[:500]
    assert "root:" not in r.text
    assert bridge.alive() and bridge.healthy()
    # And it still does real work afterwards.
    fresh = Focus(bridge.http_base)
    allocation = fresh.allocate(new_endpoint_id())
    assert allocation.transport.ufrag and allocation.transport.fingerprint is not None


def test_allocation_response_has_what_jicofo_reads(focus):
    """ColibriV2SessionManager.handleResponse: ICE-UDP transport with candidates and an actpass
    sha-256 fingerprint, sctp port 5000 (we asked for SCTP), feedback sources jvb-a0 / jvb-v0."""
    first = focus.allocate(new_endpoint_id())
    second = focus.allocate(new_endpoint_id())
    for a in (first, second):
        t = a.transport
        assert t.ufrag and t.pwd
        assert any(c.ip == "127.0.0.1" and c.protocol == "udp" and c.type == "host" for c in t.candidates), t
        assert t.fingerprint is not None and t.fingerprint.hash == "sha-256" and t.fingerprint.setup == "actpass"
        assert len(t.fingerprint.value.split(":")) == 32
        assert a.sctp_port == 5000
        assert {s.id for s in a.feedback_sources} == {"jvb-a0", "jvb-v0"}
        assert {s.type for s in a.feedback_sources} == {"audio", "video"}
    assert first.transport.ufrag != second.transport.ufrag, "local ufrags must be unique per endpoint (§5.7)"
    same = {s.id: s.ssrcs for s in first.feedback_sources} == {s.id: s.ssrcs for s in second.feedback_sources}
    assert same, "feedback SSRCs are per conference"
