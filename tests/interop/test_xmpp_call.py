"""A three-party call of aiortc peers driven entirely over XMPP, in jicofo's order (issue 3, points 2
and 3): the same Call/Peer orchestration as test_three_party_call.py, with XMPPFocus sending each
<conference-modify> as an IQ to the bridge's occupant JID in the brewery. Then a prosody restart in
the middle of a call: media must not pause and the bridge must be back in the brewery within 5 s."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from bridge_stats import jicofo_view
from call import Call, run_async
from focus import expire_endpoints_request, new_endpoint_id, sources_request
from frame_sampler import FrameSampler, format_stalls, frame_delta
from peer import Peer

pytestmark = [pytest.mark.bridge, pytest.mark.xmpp]

JOIN_TIMEOUT = 10.0
MEDIA_DEADLINE = 15.0
MUTE_SETTLE = 1.0  # in-flight packets and aiortc's jitter buffer drain
MUTE_WINDOW = 2.0
REJOIN_LIMIT = 5.0  # issue 3: back in the brewery within 5 s of prosody accepting connections
# A quick restart, then one long enough that a reconnect backoff doubling from 1 s would be waiting
# several seconds when prosody comes back (attempts at 1, 3, 7, 15 s after the loss).
PROSODY_OUTAGES = (2.0, 8.0)
MAX_MEDIA_STALL = 1.0  # longest time any counter may stay flat (video 20 fps, audio 50 fps)


def three_peers() -> tuple[Peer, Peer, Peer]:
    return Peer("A", hue=0), Peer("B", hue=1), Peer("C", hue=2)


def _wait_stats(brewery_focus, nick: str, timeout: float = 5.0, **expected: str):
    """The next presence from now on (older ones show the state before the last request) whose stats
    contain `expected` (e.g. conferences="1"). Needs --presence-interval 1."""
    return brewery_focus.wait_bridge(nick, lambda p: all(p.stats.get(k) == v for k, v in expected.items()),
                                     since=time.monotonic(), timeout=timeout, what=f"presence with {expected}")


def test_three_party_call_over_xmpp(start_xmpp_bridge, brewery_focus):
    bridge = start_xmpp_bridge("--presence-interval", "1")
    nick = bridge.xmpp.nickname
    brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT)
    assert brewery_focus.healthcheck(nick).type == "result"
    focus = brewery_focus.colibri(nick)

    async def scenario():
        call = Call(focus)
        try:
            a, b, c = await call.join_all(*three_peers())
            matrix = await call.wait_for_frames(video=30, audio=50, timeout=MEDIA_DEADLINE)
            print("decoded frames over an XMPP-driven call (receiver -> sender):", matrix)
            await asyncio.to_thread(_wait_stats, brewery_focus, nick, conferences="1", participants="3")

            # stress_level is measured load, not a constant: three peers sending audio and video make
            # a few thousand packets per second against the default capacity of 50 000.
            loaded = await asyncio.to_thread(
                brewery_focus.wait_bridge, nick, lambda p: (jicofo_view(p.stats).stress_level or 0) > 0,
                since=time.monotonic(), timeout=5, what="presence with stress_level > 0 during the call")
            stress = jicofo_view(loaded.stats).stress_level
            print(f"stress_level during the three-party call: {stress}")
            assert 0 < stress < 0.5, loaded.stats

            # A moderator mutes A's and B's audio: one request, two endpoints (jicofo's updateForceMute).
            r = await asyncio.to_thread(focus.force_mute, {a.endpoint_id: (True, False), b.endpoint_id: (True, False)})
            assert sorted(e.get("id") for e in r.endpoints()) == sorted([a.endpoint_id, b.endpoint_id]), r.text
            await asyncio.sleep(MUTE_SETTLE)
            before = call.frame_matrix()
            await asyncio.sleep(MUTE_WINDOW)
            delta = frame_delta(before, call.frame_matrix())
            print(f"frames in {MUTE_WINDOW}s after force-muting A and B audio:", delta)
            for (receiver, sender, kind), n in delta.items():
                if kind == "audio" and sender in ("A", "B"):
                    assert n == 0, f"{receiver} still decodes {sender}'s force-muted audio: {delta}"
                elif kind == "audio":
                    assert n >= 25, f"{receiver} lost C's (unmuted) audio: {delta}"
                else:
                    assert n >= 10, f"{receiver} lost {sender}'s video, which was not muted: {delta}"

            # A leaves: its endpoint is expired; B and C keep seeing each other.
            baseline = call.frame_matrix([b, c])
            await call.leave(a)
            expired = focus.log[-1][1]
            assert [e.get("id") for e in expired.endpoints()] == [a.endpoint_id], expired.text
            await call.wait_for_frames(video=10, audio=0, timeout=5, peers=[b, c], baseline=baseline)
            await asyncio.to_thread(_wait_stats, brewery_focus, nick, conferences="1", participants="2")

            # An update for a conference the bridge does not have.
            r = await asyncio.to_thread(focus.send, sources_request(str(uuid.uuid4()), new_endpoint_id(), "x", []),
                                        what="update unknown conference", check=False)
            assert r.condition == "item-not-found" and r.reason == "conference_not_found", r.text

            # An expire-only request naming an endpoint the bridge does not know: success, echoed.
            ghost = new_endpoint_id()
            r = await asyncio.to_thread(focus.send, expire_endpoints_request(focus.meeting_id, [ghost]),
                                        what="expire unknown endpoint", check=False)
            assert r.ok, r.text
            assert [(e.get("id"), e.get("expire")) for e in r.endpoints()] == [(ghost, "true")], r.text

            # The conference ends with B and C still in it.
            r = await asyncio.to_thread(focus.expire_conference)
            assert r.ok, r.text
            await asyncio.to_thread(_wait_stats, brewery_focus, nick, conferences="0", participants="0")
            assert bridge.metrics().conferences == 0
        finally:
            await call.close()

    run_async(scenario(), timeout=90)


def test_prosody_restart_mid_call(start_xmpp_bridge, brewery_focus, running_prosody):
    bridge = start_xmpp_bridge()
    nick = bridge.xmpp.nickname
    brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT)
    focus = brewery_focus.colibri(nick)

    async def scenario():
        call = Call(focus)
        sampler = FrameSampler(call)
        try:
            await call.join_all(*three_peers())
            await call.wait_for_frames(video=20, audio=40, timeout=MEDIA_DEADLINE)
            sampler.start()
            await asyncio.sleep(1.0)
            started = time.monotonic()
            for down_for in PROSODY_OUTAGES:
                down_at = time.monotonic()
                accepting = await asyncio.to_thread(running_prosody.restart, down_for)
                back = await asyncio.to_thread(brewery_focus.wait_bridge, nick, since=accepting,
                                               timeout=REJOIN_LIMIT + 10, what="bridge presence after the restart")
                rejoin = back.at - accepting
                print(f"prosody down for {accepting - down_at:.2f}s; bridge back in the brewery {rejoin:.2f}s after "
                      f"prosody accepted connections (focus logged in again after "
                      f"{brewery_focus.client.sessions[-1] - accepting:.2f}s)")
                assert rejoin <= REJOIN_LIMIT, \
                    f"bridge re-joined {rejoin:.2f}s after prosody came back (limit {REJOIN_LIMIT}s)"
                assert back.stats.get("conferences") == "1" and back.stats.get("participants") == "3", \
                    f"the bridge lost its conference across the reconnect: {back.stats}"
                await asyncio.sleep(1.0)
            await sampler.stop()
            stalls = sampler.longest_stalls(since=started - 0.5)
            print(f"longest pause of any received-frame counter over {sampler.span():.1f}s: "
                  f"{max(stalls.values()):.2f}s; per stream: {format_stalls(stalls)}")
            paused = {k: v for k, v in stalls.items() if v > MAX_MEDIA_STALL}
            assert not paused, f"received-frame counters stopped rising for > {MAX_MEDIA_STALL}s: {format_stalls(paused)}"

            # The new session carries Colibri2 again.
            assert brewery_focus.healthcheck(nick).type == "result"
            r = await asyncio.to_thread(focus.expire_conference)
            assert r.ok, r.text
        finally:
            await sampler.stop()
            await call.close()

    run_async(scenario(), timeout=90)
