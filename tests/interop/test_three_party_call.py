"""Three aiortc participants in one conference through meetpad-bridge, set up as jicofo would."""

from __future__ import annotations

import asyncio
import os
import re
import secrets

import pytest

from bridge_process import Metrics
from call import Call, eventually, run_async
from peer import Peer

pytestmark = pytest.mark.bridge

MEDIA_DEADLINE = 15.0  # seconds after the last participant joined
MIN_VIDEO_FRAMES = 50
MIN_AUDIO_FRAMES = 100


def three_peers() -> tuple[Peer, Peer, Peer]:
    return Peer("A", hue=0), Peer("B", hue=1), Peer("C", hue=2)


# The default SRTP backend (OpenSSL) and the libsrtp2 fallback both carry a real call.
@pytest.mark.parametrize("bridge", [(), ("--srtp-backend", "libsrtp")], indirect=True, ids=["openssl", "libsrtp"])
def test_three_peers_decode_each_others_audio_and_video(bridge, focus):
    async def scenario():
        call = Call(focus)
        try:
            await call.join_all(*three_peers())
            matrix = await call.wait_for_frames(video=MIN_VIDEO_FRAMES, audio=MIN_AUDIO_FRAMES, timeout=MEDIA_DEADLINE)
            print("decoded frames (receiver -> sender):", matrix)
            # Nothing may arrive on the feedback-source m-lines or from SSRCs nobody signalled.
            for p in call.peers:
                stray = {k: v for k, v in p.snapshot().items() if k in ("jvb", "unattributed")}
                assert not any(c["audio"] or c["video"] for c in stray.values()), f"{p.name}: {stray}"
        finally:
            await call.close()

    run_async(scenario())
    backend = "libsrtp" if "libsrtp" in bridge.extra_args else "openssl"
    log = bridge.log_path.read_text(errors="replace")
    connected = re.findall(r"DTLS connected, SRTP \S+ on (\w+)", log)
    assert connected == [backend] * 3, connected
    # With several media threads (make test runs this suite with JVB_MEDIA_THREADS=4) the three
    # endpoints are served (selected, rewritten, sealed and sent for) by three different threads.
    threads = int(os.environ.get("JVB_MEDIA_THREADS", "0") or 0)
    if threads > 1:
        lanes = re.findall(r"DTLS connected, SRTP \S+ on \w+, lane (\d+)", log)
        assert len(set(lanes)) == min(3, threads), lanes
        assert "media loop started" in log and f"threads={threads}" in log, bridge.log_tail()


def test_endpoint_messages_are_relayed_with_from(bridge, focus):
    async def scenario():
        call = Call(focus)
        try:
            a, b, c = await call.join_all(*three_peers())
            await call.wait_channels_open(timeout=10)

            def endpoint_message(nonce):
                return lambda m: m.get("colibriClass") == "EndpointMessage" and \
                    isinstance(m.get("msgPayload"), dict) and m["msgPayload"].get("nonce") == nonce

            # Directed: A -> B. Unknown extra fields must survive (colibri2.md §4.4).
            direct = secrets.token_hex(6)
            a.send_endpoint_message(b.endpoint_id, {"type": "interop", "nonce": direct}, extra="kept")
            got = await b.wait_for_message(endpoint_message(direct), timeout=5)
            assert got["from"] == a.endpoint_id, got
            assert got.get("extra") == "kept", got

            # Broadcast: to "" reaches B and C, stamped with A's id.
            broadcast = secrets.token_hex(6)
            a.send_endpoint_message("", {"type": "interop", "nonce": broadcast})
            for receiver in (b, c):
                got = await receiver.wait_for_message(endpoint_message(broadcast), timeout=5)
                assert got["from"] == a.endpoint_id, (receiver.name, got)

            # A forged "from" is overwritten by the bridge.
            forged = secrets.token_hex(6)
            c.send_json({"colibriClass": "EndpointMessage", "to": b.endpoint_id, "from": a.endpoint_id,
                         "msgPayload": {"nonce": forged}})
            got = await b.wait_for_message(endpoint_message(forged), timeout=5)
            assert got["from"] == c.endpoint_id, got

            await asyncio.sleep(0.5)
            assert not any(endpoint_message(direct)(m) for m in c.messages), "directed message leaked to C"
            assert not any(endpoint_message(broadcast)(m) for m in a.messages), "broadcast echoed to its sender"
        finally:
            await call.close()

    run_async(scenario())


def test_expiring_endpoints_and_conference_returns_gauges_to_zero(bridge, focus):
    async def scenario():
        call = Call(focus)
        try:
            a, b, c = await call.join_all(*three_peers())
            assert await eventually(lambda: (m := bridge.metrics()).conferences == 1 and m.endpoints == 3, 5), \
                f"gauges after three joins: {bridge.metrics().diff(Metrics({}))}"

            # One participant leaves (one request), then the other two together (jicofo batches expires).
            r = await asyncio.to_thread(focus.expire_endpoints, [a.endpoint_id])
            assert [e.get("id") for e in r.endpoints()] == [a.endpoint_id]
            assert await eventually(lambda: bridge.metrics().endpoints == 2, 5), bridge.metrics().endpoints

            r = await asyncio.to_thread(focus.expire_endpoints, [b.endpoint_id, c.endpoint_id])
            assert sorted(e.get("id") for e in r.endpoints()) == sorted([b.endpoint_id, c.endpoint_id])
            # The bridge may already have expired the empty conference itself (colibri2.md §2.3),
            # so this may answer conference_not_found; jicofo ignores the answer either way.
            r = await asyncio.to_thread(focus.expire_conference)
            assert r.ok or (r.status == 404 and r.reason == "conference_not_found"), r.text

            ok = await eventually(lambda: (m := bridge.metrics()).conferences == 0 and m.endpoints == 0, 5)
            m = bridge.metrics()
            assert ok, f"conferences={m.conferences} endpoints={m.endpoints}"
            assert bridge.healthy()
        finally:
            await call.close()

    run_async(scenario())

