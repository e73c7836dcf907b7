"""Drain and graceful shutdown as jicofo sees them in the brewery (issue 3, point 4; colibri2.md §3,
CONTRACT-XMPP.md "HTTP"): presence flags follow the REST calls at once, a create during graceful
shutdown gets service-unavailable + graceful_shutdown, and SIGTERM with a live conference keeps
serving it until the focus ends it, then exits 0 and leaves the brewery."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from call import Call, run_async
from focus import ColibriError, new_endpoint_id
from frame_sampler import FrameSampler, format_stalls
from peer import Peer

pytestmark = [pytest.mark.bridge, pytest.mark.xmpp]

JOIN_TIMEOUT = 10.0
FLAG_PUBLISH_LIMIT = 2.0  # flag changes are published at once, not at the next 5 s refresh
EXIT_LIMIT = 5.0  # --shutting-down-delay 1 and no endpoints left: the bridge exits at once
MAX_MEDIA_STALL = 1.0


def _wait_flag(brewery_focus, nick: str, since: float, **flags: bool):
    """The first presence after `since` whose stats read (as jicofo parses them) as `flags`."""
    return brewery_focus.wait_bridge(
        nick, lambda p: all(getattr(p.view, name) is value for name, value in flags.items()),
        since=since, timeout=FLAG_PUBLISH_LIMIT, what=f"presence with {flags}")


def test_drain_follows_rest(start_xmpp_bridge, brewery_focus):
    bridge = start_xmpp_bridge()
    nick = bridge.xmpp.nickname
    assert brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT).view.drain is False
    assert bridge.http_get("/colibri/drain").json() == {"drain": False}

    for enable in (True, False):
        since = time.monotonic()
        r = bridge.http_post(f"/colibri/drain/{'enable' if enable else 'disable'}")
        assert r.status_code == 200, r.text
        p = _wait_flag(brewery_focus, nick, since, drain=enable)
        print(f"drain={enable}: presence {p.at - since:.2f}s after the REST call")
        assert bridge.http_get("/colibri/drain").json() == {"drain": enable}
        if enable:
            # Draining only steers jicofo's selection: the bridge still hosts new conferences.
            focus = brewery_focus.colibri(nick)
            focus.allocate(new_endpoint_id())
            assert focus.expire_conference().ok

    # Shutdown over REST needs --colibri-rest and --shutdown-rest (both off upstream).
    assert bridge.http_post("/colibri/shutdown", json={"graceful-shutdown": True}).status_code == 404
    assert bridge.alive()


def test_graceful_shutdown_refuses_new_conferences(start_xmpp_bridge, brewery_focus):
    bridge = start_xmpp_bridge("--colibri-rest", "--shutdown-rest", "--shutting-down-delay", "1")
    nick = bridge.xmpp.nickname
    brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT)
    existing = brewery_focus.colibri(nick)
    existing.allocate(new_endpoint_id())  # one endpoint: the graceful phase lasts until it is gone

    since = time.monotonic()
    r = bridge.http_post("/colibri/shutdown", json={"graceful-shutdown": True})
    assert r.status_code == 200, r.text
    p = _wait_flag(brewery_focus, nick, since, graceful_shutdown=True, shutting_down=False)
    print(f"graceful_shutdown=true published {p.at - since:.2f}s after POST /colibri/shutdown")

    with pytest.raises(ColibriError) as refused:
        brewery_focus.colibri(nick).allocate(new_endpoint_id())  # a new conference (create="true")
    r = refused.value.response
    assert r.condition == "service-unavailable" and r.reason == "graceful_shutdown", r.text
    existing.allocate(new_endpoint_id())  # existing conferences may still grow
    assert bridge.alive()

    gone_since = time.monotonic()
    assert existing.expire_conference().ok
    code = bridge.wait_exit(EXIT_LIMIT)
    exited = time.monotonic()
    left = brewery_focus.wait_bridge_gone(nick, since=gone_since, timeout=2)
    print(f"last conference expired -> exit {code} after {exited - gone_since:.2f}s, "
          f"unavailable presence after {left.at - gone_since:.2f}s")
    assert code == 0


def test_sigterm_with_live_conference_exits_after_it_ends(start_xmpp_bridge, brewery_focus):
    bridge = start_xmpp_bridge("--shutting-down-delay", "1")
    nick = bridge.xmpp.nickname
    brewery_focus.wait_bridge(nick, timeout=JOIN_TIMEOUT)
    focus = brewery_focus.colibri(nick)

    async def scenario():
        call = Call(focus)
        sampler = FrameSampler(call)
        try:
            await call.join_all(Peer("A", hue=0), Peer("B", hue=1))
            await call.wait_for_frames(video=20, audio=40, timeout=15)
            sampler.start()
            since = time.monotonic()
            bridge.signal(signal.SIGTERM)
            p = await asyncio.to_thread(_wait_flag, brewery_focus, nick, since, graceful_shutdown=True)
            print(f"SIGTERM -> graceful_shutdown=true after {p.at - since:.2f}s")
            await asyncio.sleep(3.0)
            assert bridge.alive(), f"bridge exited with a live conference:\n{bridge.log_tail()}"
            stalls = sampler.longest_stalls(since=since)
            print(f"media during graceful shutdown: longest pause {max(stalls.values()):.2f}s ({format_stalls(stalls)})")
            paused = {k: v for k, v in stalls.items() if v > MAX_MEDIA_STALL}
            assert not paused, f"media paused after SIGTERM: {format_stalls(paused)}"
            await sampler.stop()

            ended = time.monotonic()
            r = await asyncio.to_thread(focus.expire_conference)
            assert r.ok, r.text
            code = await asyncio.to_thread(bridge.wait_exit, EXIT_LIMIT)
            exited = time.monotonic()
            left = await asyncio.to_thread(brewery_focus.wait_bridge_gone, nick, ended, 2)
            print(f"conference expired -> exit {code} after {exited - ended:.2f}s; left the brewery after "
                  f"{left.at - ended:.2f}s")
            assert code == 0
        finally:
            await sampler.stop()
            await call.close()

    run_async(scenario(), timeout=60)
