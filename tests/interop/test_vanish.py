"""Participants that vanish as if their process were killed: no Colibri2 expire, no RTCP BYE, no DTLS
close_notify. The bridge must free their media resources once ICE consent is lost (RFC 7675: about
30 s without consent responses), the focus's later expiry must leave nothing behind, and the
bridge's memory must come back to where it was before they came.

The peers run in a child process that is SIGKILLed (remote_peers.py); the focus stays here.
`-s` prints the measured figures (RSS, packet-cache bytes, time to consent loss).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bridge_process import Metrics
from call import Call, eventually, run_async
from focus import Focus, new_endpoint_id
from peer import Peer
from remote_peers import MediaTarget, PeerProcess, PeerSpec

pytestmark = pytest.mark.bridge

CONFERENCES = 5
PER_CONFERENCE = 4  # 20 endpoints; 4 per conference keeps 20 aiortc peers within one child process' CPU
TARGET = MediaTarget(video=10, audio=25, timeout=25, fps=10)
SEND_AFTER_MEDIA_S = 3.0  # more media into the packet caches before the peers vanish
CONSENT_DEADLINE_S = 45.0  # consent expires 30 s after the last response; checks run every 4-6 s
RSS_TOLERANCE = 0.05

METRIC_PACKET_CACHE = "jitsi_jvb_packet_cache_bytes"
METRIC_CONNECTED = "jitsi_jvb_endpoints_connected"  # optional: endpoints with a working ICE path
METRIC_ICE_FAILED = "jitsi_jvb_endpoints_ice_failed_total"  # counts consent loss as well as ICE failure


def rss_kb(bridge) -> int:
    with open(f"/proc/{bridge.proc.pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def warm_up(bridge) -> None:
    """Two peers join, exchange media and are expired normally: first use initialises libraries
    (OpenSSL, libsrtp, usrsctp, allocator arenas) once, which must not count as a leak."""
    focus = Focus(bridge.http_base)

    async def scenario():
        call = Call(focus)
        try:
            a, b = await call.join_all(Peer("W1", hue=0, fps=TARGET.fps), Peer("W2", hue=1, fps=TARGET.fps))
            await call.wait_for_frames(video=TARGET.video, audio=TARGET.audio, timeout=15)
            await asyncio.to_thread(focus.expire_endpoints, [a.endpoint_id, b.endpoint_id])
            await asyncio.to_thread(focus.expire_conference)
        finally:
            await call.close()

    run_async(scenario(), timeout=40)


def gauges(m: Metrics) -> dict[str, float]:
    out = {"conferences": m.conferences, "endpoints": m.endpoints}
    for name in (METRIC_PACKET_CACHE, METRIC_CONNECTED):
        if m.has(name):
            out[name.removeprefix("jitsi_jvb_")] = m.value(name)
    return out


def test_vanished_peers_are_freed_on_consent_loss_and_expiry(bridge):
    started = time.monotonic()
    warm_up(bridge)
    assert run_async(eventually(lambda: (m := bridge.metrics()).conferences == 0 and m.endpoints == 0, 5)), \
        f"warm-up call not expired: {gauges(bridge.metrics())}"
    time.sleep(1)
    before = bridge.metrics()
    # Checked last, so a bridge without the gauge still shows every other figure.
    has_cache = before.has(METRIC_PACKET_CACHE)
    cache_before = before.value(METRIC_PACKET_CACHE)
    rss_before = rss_kb(bridge)
    has_connected = before.has(METRIC_CONNECTED)

    focuses = [Focus(bridge.http_base) for _ in range(CONFERENCES)]
    plan = [[PeerSpec(f"C{c}P{p}", new_endpoint_id(), hue=p) for p in range(PER_CONFERENCE)] for c in range(CONFERENCES)]
    total = CONFERENCES * PER_CONFERENCE
    with PeerProcess(focuses, plan, TARGET) as peers:
        report = peers.serve_until_media(timeout=60)
        time.sleep(SEND_AFTER_MEDIA_S)
        during = bridge.metrics()
        rss_during = rss_kb(bridge)
        assert during.conferences == CONFERENCES and during.endpoints == total, gauges(during)
        if has_connected:
            assert during.value(METRIC_CONNECTED) == total, gauges(during)
        cache_during = during.value(METRIC_PACKET_CACHE)
        if has_cache:
            assert cache_during > cache_before, f"packet caches hold nothing while {total} peers send video: {gauges(during)}"
        ice_failed_before = during.value(METRIC_ICE_FAILED)
        killed_at = peers.kill()

    # Consent lost for every vanished endpoint: their packet caches are released before any expiry.
    def consent_lost() -> bool:
        m = bridge.metrics()
        return (m.value(METRIC_ICE_FAILED) - ice_failed_before >= total
                and (not has_cache or m.value(METRIC_PACKET_CACHE) <= cache_before)
                and (not has_connected or m.value(METRIC_CONNECTED) == 0))

    freed = run_async(eventually(consent_lost, CONSENT_DEADLINE_S, interval=0.5), timeout=CONSENT_DEADLINE_S + 5)
    consent_s = time.monotonic() - killed_at
    after_consent = bridge.metrics()
    assert freed, (f"{consent_s:.0f} s after the peers vanished: {gauges(after_consent)}, consent lost for "
                   f"{after_consent.value(METRIC_ICE_FAILED) - ice_failed_before:.0f} of {total} endpoints; "
                   f"packet caches held {cache_before:.0f} bytes before the peers came")
    assert after_consent.endpoints == total, "the bridge must keep the endpoints until the focus expires them"
    rss_consent = rss_kb(bridge)

    # jicofo notices the participants left (MUC presence) and expires them, then the conferences.
    for focus, specs in zip(focuses, plan):
        r = focus.expire_endpoints([s.endpoint_id for s in specs])
        assert r.ok, r.text
        focus.expire_conference()
    assert run_async(eventually(lambda: all(v == 0 for v in gauges(bridge.metrics()).values()), 5)), \
        f"after expiry: {gauges(bridge.metrics())}"
    time.sleep(1)
    rss_after = rss_kb(bridge)
    assert bridge.healthy()

    print(f"\nvanish: {total} peers in {CONFERENCES} conferences; media after "
          f"{report['seconds_after_join']} s; consent lost and caches freed {consent_s:.1f} s after SIGKILL; "
          f"test took {time.monotonic() - started:.0f} s")
    print(f"packet cache bytes: before {cache_before:.0f}, with peers {cache_during:.0f}, "
          f"after consent loss {after_consent.value(METRIC_PACKET_CACHE):.0f} "
          f"({METRIC_PACKET_CACHE} {'present' if has_cache else 'ABSENT'}; "
          f"{METRIC_CONNECTED} {'present' if has_connected else 'absent'})")
    print(f"RSS KB: before {rss_before} (after warm-up), with peers {rss_during}, after consent loss {rss_consent}, "
          f"after expiry {rss_after} ({100 * (rss_after - rss_before) / rss_before:+.1f} %)")
    assert has_cache, f"the bridge exports no {METRIC_PACKET_CACHE} gauge"
    assert rss_after <= rss_before * (1 + RSS_TOLERANCE), \
        (f"RSS {rss_after} KB after the vanished peers were expired, {100 * (rss_after - rss_before) / rss_before:+.1f} % "
         f"over the {rss_before} KB before they came (limit +{100 * RSS_TOLERANCE:.0f} %)")
