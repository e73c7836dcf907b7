"""Several XMPP shards (issue 3): one connection per comma-separated XMPP_SERVER entry, as the
upstream jvb container makes one `xmpp-client` config per entry. Two prosody servers share the jvb
password, as every shard of a docker-jitsi-meet deployment does; the bridge joins both breweries,
serves each focus, and keeps serving one while the other is down."""

from __future__ import annotations

import secrets
import time

import pytest

from bridge_process import BridgeProcess, XMPPSettings
from conftest import _finish_bridge, _start_bridge
from focus import new_endpoint_id
from prosody import Prosody, ProsodyError
from xmpp_focus import BreweryFocus

pytestmark = [pytest.mark.bridge, pytest.mark.xmpp]

JOIN_TIMEOUT = 10.0


@pytest.fixture
def second_prosody(running_prosody, artifact_dir):
    """Another prosody with the same jvb password (shards share JVB_AUTH_PASSWORD)."""
    server = Prosody(artifact_dir / "prosody-shard2")
    server.passwords["jvb"] = running_prosody.passwords["jvb"]
    try:
        server.start()
    except ProsodyError as e:
        server.cleanup()
        pytest.fail(str(e), pytrace=False)
    try:
        yield server
    finally:
        server.cleanup()


def test_one_connection_and_brewery_per_xmpp_server(request, artifact_dir, running_prosody, second_prosody):
    nick = f"jvb-{secrets.token_hex(3)}"
    servers = f"{running_prosody.host}:{running_prosody.port},{second_prosody.host}:{second_prosody.port}"
    settings = XMPPSettings(server=servers, port=running_prosody.port, password=running_prosody.passwords["jvb"],
                            nickname=nick)
    bridge = _start_bridge(BridgeProcess(log_dir=artifact_dir, extra_args=["--presence-interval", "1"], xmpp=settings))
    try:
        with BreweryFocus(running_prosody) as focus1, BreweryFocus(second_prosody) as focus2:
            for focus in (focus1, focus2):
                focus.wait_bridge(nick, timeout=JOIN_TIMEOUT)
                assert focus.healthcheck(nick).type == "result"
            metrics = bridge.metrics()
            assert metrics.value("jitsi_jvb_muc_clients_configured") == 2
            assert metrics.value("jitsi_jvb_mucs_joined") == 2

            # Each shard's focus allocates its own conference on the same bridge.
            for focus in (focus1, focus2):
                focus.colibri(nick).allocate(new_endpoint_id())
            since = time.monotonic()
            for focus in (focus1, focus2):
                focus.wait_bridge(nick, lambda p: p.stats.get("conferences") == "2", since=since, timeout=5,
                                  what="presence counting both shards' conferences")

            # One server goes away: the other shard keeps working, and so do its conferences.
            running_prosody.stop()
            assert focus2.healthcheck(nick).type == "result"
            focus2.colibri(nick).allocate(new_endpoint_id())
            focus2.wait_bridge(nick, lambda p: p.stats.get("conferences") == "3", since=time.monotonic(), timeout=5,
                               what="presence on the remaining shard counting all three conferences")
            metrics = bridge.metrics()
            assert metrics.value("jitsi_jvb_muc_clients_connected") == 1, "the lost shard still counts as connected"
    finally:
        _finish_bridge(request, bridge)
