"""The bridge behind a NAT (nat_topology.py): it learns its public address from a real STUN server
(coturn) and clients reach it there; and when the NAT does not forward the media port, the
reachability self-check says so in the health answer, the metrics, /colibri/stats and the log."""

from __future__ import annotations

import asyncio
import json
import socket

import aioice
import pytest

from bridge_process import BridgeProcess, free_port
from call import Call, eventually, run_async
from conftest import _finish_bridge, _start_bridge, require_loopback_only
from focus import Focus
from nat_topology import INTERNET, PUBLIC, STUN, NatTopology
from peer import Peer
from stun_server import StunServer, stun_server_missing_reason

pytestmark = pytest.mark.bridge

STUN_PORT = 3478
DISCOVERY_DEADLINE = 10.0   # one STUN round gives up after 7.5 s; an answer comes in milliseconds
VERDICT_DELAY = 10.0        # EndpointReachability.verdictDelayMilliseconds


@pytest.fixture
def internet_clients(monkeypatch):
    """aiortc peers gather only the test namespace's outside address."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=False: [INTERNET] if use_ipv4 else [])


def nat(forward_media: bool) -> NatTopology:
    require_loopback_only()
    return NatTopology(free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_STREAM), forward_media=forward_media).up()


def bridge_behind(topology: NatTopology, artifact_dir, *, extra_args: list[str], advertise: str = "") -> BridgeProcess:
    """A bridge in the topology's bridge namespace, reached at the NAT's address; the caller stops it."""
    bridge = BridgeProcess(log_dir=artifact_dir, netns=topology.bridge_ns, host=PUBLIC, listen_host="0.0.0.0",
                           advertise=advertise, extra_args=["--no-advertise-private-candidates", *extra_args])
    bridge.media_port, bridge.http_port = topology.media_port, topology.http_port
    return _start_bridge(bridge)


def candidates_of(peer: Peer) -> list[tuple[str, str, int]]:
    return [(c.type, c.ip, c.port) for c in peer.allocation.transport.candidates]


def test_public_address_from_stun_is_advertised_and_reached(request, artifact_dir, internet_clients):
    if (reason := stun_server_missing_reason()) is not None:
        pytest.fail(reason, pytrace=False)
    topology = nat(forward_media=True)
    stun = StunServer(STUN, STUN_PORT, artifact_dir / "stun", netns=topology.stun_ns)
    try:
        stun.start()
        bridge = bridge_behind(topology, artifact_dir, extra_args=["--stun-servers", f"{STUN}:{STUN_PORT}"])
        try:
            def discovered() -> list[str]:
                return bridge.http_get("/colibri/stats").json()["stun_public_addresses"]

            run_async(eventually(discovered, DISCOVERY_DEADLINE))
            assert discovered() == [PUBLIC], (discovered(), bridge.log_tail(30))
            log = bridge.log_path.read_text(errors="replace")
            assert f"public address from STUN: advertising {PUBLIC}:{bridge.media_port}" in log, bridge.log_tail(30)
            assert bridge.metrics().value("jitsi_jvb_stun_public_addresses") == 1

            focus = Focus(bridge.http_base)

            async def scenario():
                call = Call(focus)
                try:
                    a, b = await call.join_all(Peer("A", hue=0), Peer("B", hue=1))
                    # Only the NAT's address is offered: the bridge's own is private and not advertised.
                    assert candidates_of(a) == [("srflx", PUBLIC, bridge.media_port)], candidates_of(a)
                    matrix = await call.wait_for_frames(video=20, audio=40, timeout=20)
                    print("decoded frames through the NAT (receiver -> sender):", matrix)
                finally:
                    await call.close()

            run_async(scenario())
            assert bridge.metrics().value("jitsi_jvb_media_unreachable") == 0
            assert bridge.http_get("/colibri/stats").json()["media_reachability"] == "reachable"
        finally:
            _finish_bridge(request, bridge)
    finally:
        stun.stop()
        topology.down()


def test_media_port_not_forwarded_is_reported(request, artifact_dir, internet_clients):
    topology = nat(forward_media=False)
    try:
        bridge = bridge_behind(topology, artifact_dir, extra_args=[], advertise=PUBLIC)
    except BaseException:
        topology.down()
        raise
    try:
        assert bridge.http_get("/about/health").status_code == 200
        assert bridge.http_get("/colibri/stats").json()["media_reachability"] == "unknown"
        focus = Focus(bridge.http_base)

        async def scenario():
            call = Call(focus)
            try:
                # Two participants, the case operators report as "the third one kills the media".
                await call.join_all(Peer("A", hue=0), Peer("B", hue=1))
                await asyncio.sleep(VERDICT_DELAY + 3)
            finally:
                await call.close()

        run_async(scenario())
        health = bridge.http_get("/about/health")
        assert health.status_code == 200, health.text  # the bridge works; the network does not
        body = json.loads(health.text)
        context = f"health: {health.text}\nNAT:\n{topology.counters()}\n{bridge.log_tail(30)}"
        assert body["media_reachability"] == "unreachable", context
        assert f"UDP port {bridge.media_port} at {PUBLIC}" in body["detail"], context
        assert "no ICE check arrived" in body["detail"], context
        metrics = bridge.metrics()
        assert metrics.value("jitsi_jvb_media_unreachable") == 1, context
        assert metrics.value("jitsi_jvb_endpoints_without_ice_checks_total") >= 1, context
        stats = bridge.http_get("/colibri/stats").json()
        assert stats["media_reachability"] == "unreachable", stats
        assert stats["endpoints_without_ice_checks"] >= 1, stats
        log = bridge.log_path.read_text(errors="replace")
        warnings = [line for line in log.splitlines() if "media unreachable:" in line]
        assert len(warnings) == 1, context
        assert f"UDP port {bridge.media_port} at {PUBLIC}" in warnings[0], warnings
        # The operator is also told at start that nothing confirms the advertised address.
        assert f"advertised {PUBLIC} is not an address of this host" in log, bridge.log_tail(40)
    finally:
        _finish_bridge(request, bridge)
        topology.down()

