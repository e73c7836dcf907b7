"""Self-tests of the XMPP half of the harness, no bridge needed: the prosody fixture is shaped like
docker-jitsi-meet's (STARTTLS required, accounts, a brewery only auth-domain users may join), the
focus logs in and joins, a restart keeps accounts and port, and the stats parser reads values the
way jicofo's Java does."""

from __future__ import annotations

import math
import re
import socket
import time

import pytest

from bridge_stats import java_parse_boolean, java_parse_double, jicofo_view, problems_for_jicofo
from prosody import AUTH_DOMAIN, BREWERY_ROOM, USER_DOMAIN
from xmpp_client import XMPPClient


def _client(prosody, user: str, resource: str = "harness") -> XMPPClient:
    return XMPPClient(prosody.jid(user), prosody.passwords[user], (prosody.host, prosody.port), resource=resource)


# -- jicofo's parsing (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize("text,value", [
    ("0", 0.0), ("0.05", 0.05), (" 1.5 ", 1.5), ("1.", 1.0), (".5", 0.5), ("1e-3", 0.001), ("+2", 2.0),
    ("-0.25", -0.25), ("3d", 3.0), ("2.5F", 2.5), ("0x1.8p1", 3.0), ("Infinity", math.inf), ("-Infinity", -math.inf),
])
def test_java_parse_double_accepts_what_java_accepts(text, value):
    assert java_parse_double(text) == value


@pytest.mark.parametrize("text", ["", "nan", "inf", "infinity", "1_000", "1,5", "0x10", "abc", "1e", "--1", "∞"])
def test_java_parse_double_rejects_what_java_rejects(text):
    with pytest.raises(ValueError):
        java_parse_double(text)


def test_java_parse_double_nan():
    assert math.isnan(java_parse_double("NaN"))


def test_java_parse_boolean():
    assert java_parse_boolean("true") and java_parse_boolean("TRUE") and java_parse_boolean("True")
    assert not any(java_parse_boolean(t) for t in ("1", "yes", " true", "false", "", None))


GOOD_STATS = {"stress_level": "0.05", "average_participant_stress": "0.01", "drain": "false",
              "graceful_shutdown": "false", "shutting_down": "false", "healthy": "true", "version": "1.0",
              "conferences": "0", "participants": "0"}


def test_problems_for_jicofo():
    assert problems_for_jicofo(GOOD_STATS) == []
    assert jicofo_view(GOOD_STATS).drain is False
    assert jicofo_view({}).drain is None  # jicofo keeps treating the bridge as draining
    bad = dict(GOOD_STATS, stress_level="nan", drain="no", conferences="1.0")
    del bad["version"]
    text = " | ".join(problems_for_jicofo(bad))
    assert "stress_level" in text and "drain='no'" in text and "conferences" in text and "version" in text


# -- prosody -------------------------------------------------------------------------------------

def _stream_features_before_tls(prosody) -> str:
    """Opens a raw c2s stream and returns the <stream:features> text the server offers in clear."""
    with socket.create_connection((prosody.host, prosody.port), timeout=5) as s:
        s.sendall(f"<?xml version='1.0'?><stream:stream to='{AUTH_DOMAIN}' version='1.0' xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams'>".encode())
        data = b""
        deadline = time.monotonic() + 5
        while b"</stream:features>" not in data and time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode(errors="replace")


@pytest.mark.xmpp
def test_prosody_requires_starttls_before_any_login(running_prosody):
    features = _stream_features_before_tls(running_prosody)
    assert re.search(r"<starttls[^>]*>\s*<required\s*/>", features), features
    assert "mechanisms" not in features, f"SASL offered without TLS: {features}"


@pytest.mark.xmpp
def test_accounts_log_in_over_starttls(running_prosody):
    for user in ("jvb", "focus"):
        client = _client(running_prosody, user)
        try:
            started = time.monotonic()
            client.start()
            print(f"{user}: logged in over STARTTLS in {time.monotonic() - started:.2f}s as {client.bound_jid}")
            assert client.is_encrypted(), f"{user}: stream is not encrypted"
            assert client.bound_jid.startswith(f"{user}@{AUTH_DOMAIN}/"), client.bound_jid
        finally:
            client.stop()


@pytest.mark.xmpp
def test_wrong_password_is_refused(running_prosody):
    client = XMPPClient(running_prosody.jid("jvb"), "not-the-password", (running_prosody.host, running_prosody.port))
    try:
        with pytest.raises(AssertionError, match="SASL authentication failed"):
            client.start(timeout=5)
    finally:
        client.stop()


@pytest.mark.xmpp
def test_brewery_admits_auth_domain_and_refuses_others(brewery_focus, running_prosody):
    jvb, outsider = _client(running_prosody, "jvb"), _client(running_prosody, "outsider")
    try:
        jvb.start()
        joined = jvb.join_muc(BREWERY_ROOM, "jvb-harness")
        assert joined.type == "available", joined.error_condition()
        seen = brewery_focus.client.wait_until(lambda: brewery_focus.client.presences_from(
            f"{BREWERY_ROOM}/jvb-harness"), 5, "jvb's presence")
        assert seen[0].muc_item_jid() == jvb.bound_jid, "brewery must show real JIDs (public JIDs)"

        outsider.start()
        assert outsider.bound_jid.startswith(f"outsider@{USER_DOMAIN}/")
        refused = outsider.join_muc(BREWERY_ROOM, "intruder")
        assert refused.type == "error" and refused.error_condition() == "forbidden", refused.element
        time.sleep(0.3)
        assert not brewery_focus.client.presences_from(f"{BREWERY_ROOM}/intruder"), "outsider became an occupant"
        assert "refusing join by outsider@meet.jitsi" in running_prosody.log_path.read_text()
    finally:
        jvb.stop()
        outsider.stop()


@pytest.mark.xmpp
def test_restart_keeps_port_and_accounts_and_focus_rejoins(brewery_focus, running_prosody):
    port = running_prosody.port
    accepting = running_prosody.restart(down_for=0.5)
    assert running_prosody.port == port
    client = brewery_focus.client
    client.wait_until(lambda: len(client.sessions) >= 2, 5, "focus reconnect after the restart")
    rejoined = client.wait_until(lambda: [p for p in client.presences_from(f"{BREWERY_ROOM}/focus", accepting)
                                          if "110" in p.status_codes()], 5, "focus re-join")
    print(f"focus logged in again {client.sessions[-1] - accepting:.2f}s and re-joined the brewery "
          f"{rejoined[0].at - accepting:.2f}s after prosody accepted connections")
    jvb = _client(running_prosody, "jvb")
    try:
        jvb.start()  # the account survived the restart
    finally:
        jvb.stop()
