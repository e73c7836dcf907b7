"""Default jitsi-meet clients (headless Chromium, chromium_client.py) through meetpad-bridge.

The first tests prove the harness on a bridge that forwards every SSRC unchanged: clients WITHOUT
ssrc-rewriting (the focus signals the remote sources, simulcast stripped to the first SIM SSRC) and a
Chromium client with an aiortc peer. The rest are the issue's acceptance tests for three default
clients (ssrc-rewriting, VP8 simulcast, tile-view constraints), which need the bridge's selective
forwarding. Two offline tests at the end check the allocation's
capabilities and the speech WAV. README.md ("Default jitsi-meet clients") lists them all.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Callable, Optional

import pytest

from bridge_process import BridgeProcess
from call import Call, run_async
from chromium_client import ChromiumClient, chromium_missing_reason
from peer import Peer
from speech_wav import write_speech_wav


# Diagnostic: MEETPAD_DEFAULT_CLIENTS_REWRITING=0 runs the three-client tests with clients WITHOUT
# ssrc-rewriting (the focus signals sources, simulcast stripped), to tell a mapping bug from a
# forwarding one. The map checks are then skipped.
REWRITING = os.environ.get("MEETPAD_DEFAULT_CLIENTS_REWRITING", "1") != "0"

JOIN_DEADLINE = 20.0  # seconds from the last join until media must flow
MIN_VIDEO_FRAMES = 30  # decoded frames (15 fps capture)
MIN_AUDIO_PACKETS = 50  # 20 ms Opus packets


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory):
    return write_speech_wav(tmp_path_factory.getbasetemp() / "speech.wav")


@pytest.fixture
def clients(tmp_path, artifact_dir, speech_wav):
    """clients(name, **options) -> ChromiumClient; every browser is closed at teardown (also on failure)."""
    reason = chromium_missing_reason()
    if reason is not None:
        if os.environ.get("MEETPAD_ALLOW_MISSING_CHROMIUM") == "1":
            pytest.skip(f"{reason}; skipped because MEETPAD_ALLOW_MISSING_CHROMIUM=1")
        pytest.fail(f"{reason}. Set MEETPAD_ALLOW_MISSING_CHROMIUM=1 to skip the Chromium tests instead.",
                    pytrace=False)
    made: list[ChromiumClient] = []

    def make(name: str, **options) -> ChromiumClient:
        options.setdefault("audio_file", speech_wav)
        client = ChromiumClient(name, tmp_path, artifact_dir=artifact_dir, **options)
        made.append(client)
        return client

    try:
        yield make
    finally:
        for client in made:
            client.close_blocking()


async def launch_all(*clients: ChromiumClient) -> None:
    """Browsers start in parallel (each takes ~1 s of CPU)."""
    await asyncio.gather(*(c.launch() for c in clients))


def audio_heard(receiver: ChromiumClient, sender) -> bool:
    """The receiver played the sender's audio out with energy (decoded speech, not only packets)."""
    return any(e.get("totalSamplesReceived", 0) > 0 and e.get("totalAudioEnergy", 0) > 0
               for e in receiver.inbound("audio", owner=sender.endpoint_id).values())


# ------------------------------------------------------------------------------------------------
# Harness proofs: pass on a bridge that forwards every SSRC to everyone
# ------------------------------------------------------------------------------------------------


@pytest.mark.bridge
def test_two_chromium_clients_without_ssrc_rewriting_decode_each_other(bridge, focus, clients):
    a = clients("A", ssrc_rewriting=False, speaking=True)
    b = clients("B", ssrc_rewriting=False, speaking=True)

    async def scenario():
        call = Call(focus)
        try:
            await launch_all(a, b)
            started = time.monotonic()
            await call.join_all(a, b)
            joined = time.monotonic() - started
            matrix = await call.wait_for_frames(video=MIN_VIDEO_FRAMES, audio=MIN_AUDIO_PACKETS, timeout=JOIN_DEADLINE)
            media = time.monotonic() - started
            print(f"joined in {joined:.1f}s, media both ways after {media:.1f}s; matrix {matrix}")
            for client in (a, b):
                # What went to the focus: <ep>-v0 with 3 SIM SSRCs and an FID group each, <ep>-a0.
                video = next(s for s in client.sources if s.type == "video")
                assert video.id == f"{client.endpoint_id}-v0" and video.video_type == "camera", video
                sim = [g for g in video.groups if g.semantics == "SIM"]
                fid = [g for g in video.groups if g.semantics == "FID"]
                assert len(sim) == 1 and len(sim[0].ssrcs) == 3, video
                assert sorted(g.ssrcs[0] for g in fid) == sorted(sim[0].ssrcs), video
                assert [s.id for s in client.sources if s.type == "audio"] == [f"{client.endpoint_id}-a0"]
                # Only the first SIM SSRC (180p) was signalled to the other side: that is what it decodes.
                other = b if client is a else a
                heights = {e.get("frameHeight") for e in client.inbound("video", owner=other.endpoint_id).values()}
                print(f"{client.name}: decoding {other.name} at heights {heights}; "
                      f"outbound {[(e.get('rid'), e.get('frameHeight'), e.get('bytesSent')) for e in client.outbound_video().values()]}; "
                      f"available outgoing {client.available_outgoing_bitrate()}")
                assert audio_heard(client, other), client.inbound("audio")
                assert not client.errors, client.errors
        finally:
            await call.close()

    run_async(scenario(), timeout=90)


@pytest.mark.bridge
def test_chromium_client_and_aiortc_peer_decode_each_other(bridge, focus, clients):
    chromium = clients("C", ssrc_rewriting=False, speaking=True)
    peer = Peer("P", hue=1)

    async def scenario():
        call = Call(focus)
        try:
            await launch_all(chromium)
            started = time.monotonic()
            await call.join_all(chromium, peer)
            matrix = await call.wait_for_frames(video=MIN_VIDEO_FRAMES, audio=MIN_AUDIO_PACKETS, timeout=JOIN_DEADLINE)
            print(f"media both ways after {time.monotonic() - started:.1f}s; matrix {matrix}")
            await chromium.refresh()
            assert audio_heard(chromium, peer), chromium.inbound("audio")
            assert not chromium.errors, chromium.errors
        finally:
            await call.close()

    run_async(scenario(), timeout=90)


@pytest.mark.skipif(BridgeProcess().binary.suffix == ".py",
                    reason="reference_bridge.py re-sends media under its own SSRCs on the first m-lines")
@pytest.mark.bridge
def test_source_map_path_with_injected_maps(bridge, focus, clients):
    """The page's processSourceMap and renegotiation, proven on a bridge that forwards every SSRC
    unchanged and sends no maps: the test injects the maps a bridge would send if each slot were the
    sender's own first SIM SSRC (+ its RTX) and audio SSRC. Skipped once the bridge sends maps itself
    (test_default_clients_decode_each_other_and_maps_precede_media covers that)."""
    a = clients("A", ssrc_rewriting=True, speaking=True)
    b = clients("B", ssrc_rewriting=True, speaking=True)

    async def scenario() -> Optional[str]:
        call = None
        try:
            call, joined = await join_default_clients(focus, [a, b])
            await call.wait_channels_open(timeout=15)
            await asyncio.sleep(1.0)
            await asyncio.gather(a.refresh(), b.refresh())
            real = [m["msg"] for c in (a, b) for kind in ("VideoSourcesMap", "AudioSourcesMap")
                    for m in c.messages_of(kind, injected=False)]
            if real:
                return f"the bridge sends source maps itself ({real[:2]}...)"
            assert a.total_received() == 0 and b.total_received() == 0, "media decoded before any map"
            for receiver, sender in ((a, b), (b, a)):
                video = next(s for s in sender.sources if s.type == "video")
                audio = next(s for s in sender.sources if s.type == "audio")
                primary = sender.simulcast_ssrcs[0]
                await receiver.inject_message({"colibriClass": "VideoSourcesMap", "mappedSources": [{
                    "source": video.id, "owner": sender.endpoint_id, "ssrc": primary,
                    "rtx": video.rtx_for(primary), "videoType": "CAMERA"}]})
                await receiver.inject_message({"colibriClass": "AudioSourcesMap", "mappedSources": [{
                    "source": audio.id, "owner": sender.endpoint_id, "ssrc": audio.ssrcs[0]}]})
            injected = time.monotonic()
            matrix = await call.wait_for_frames(video=MIN_VIDEO_FRAMES, audio=MIN_AUDIO_PACKETS, timeout=JOIN_DEADLINE)
            print(f"media both ways {time.monotonic() - injected:.1f}s after the injected maps; {matrix}")
            for c in (a, b):
                assert [m["kind"] for m in c.maps] == ["video", "audio"], c.maps
                assert all(m["negotiatedAt"] for m in c.maps), c.maps
                print(f"{c.name}: map -> renegotiated in "
                      f"{[(m['kind'], (m['negotiatedAt'] - m['t']) / 1000) for m in c.maps]} s")
                assert not c.errors, c.errors
            return None
        finally:
            if call is not None:
                await call.close()

    skip = run_async(scenario(), timeout=90)
    if skip:
        pytest.skip(skip)


# ------------------------------------------------------------------------------------------------
# Three default clients (ssrc-rewriting, VP8 simulcast, tile view): the acceptance tests
# ------------------------------------------------------------------------------------------------


def default_clients(clients, speaking: tuple[bool, ...] = (True, False, False),
                    names: str = "ABC") -> list[ChromiumClient]:
    return [clients(name, ssrc_rewriting=REWRITING, speaking=talks) for name, talks in zip(names, speaking)]


async def join_default_clients(focus, members: list) -> tuple[Call, float]:
    """Launches the browsers, joins everyone in jicofo's order; returns the call and time.monotonic()
    after the last join (session-accept + trickle sent)."""
    await launch_all(*[m for m in members if isinstance(m, ChromiumClient)])
    call = Call(focus)
    await call.join_all(*members)
    return call, time.monotonic()


def map_times(receiver: ChromiumClient) -> dict[int, float]:
    """SSRC -> page time (ms) of the first map that named it (video primaries, their RTX, audio)."""
    out: dict[int, float] = {}
    for record in receiver.maps:
        for src in record["mappedSources"]:
            for key in ("ssrc", "rtx"):
                if src.get(key) is not None and str(src.get(key)) != "-1":
                    out.setdefault(int(src[key]), record["t"])
    return out


def mapped_sources(receiver: ChromiumClient, kind: str) -> dict[str, dict]:
    """Source name -> the latest mapping of it."""
    out: dict[str, dict] = {}
    for record in receiver.maps:
        if record["kind"] == kind:
            for src in record["mappedSources"]:
                out[src["source"]] = src
    return out


def video_frames(receiver: ChromiumClient, sender) -> int:
    return receiver.received_from(sender, "video")


def inbound_video_of(receiver: ChromiumClient, sender) -> Optional[dict]:
    """The inbound-rtp of the SSRC currently carrying the sender's video (most frames decoded)."""
    entries = receiver.inbound("video", owner=sender.endpoint_id).values()
    return max(entries, key=lambda e: e.get("framesDecoded", 0), default=None)


@pytest.mark.bridge
def test_default_clients_decode_each_other_and_maps_precede_media(bridge, focus, clients):
    members = default_clients(clients, speaking=(True, True, True))  # silent audio would be dropped by design

    async def scenario():
        call = None
        try:
            call, joined = await join_default_clients(focus, members)
            matrix = await call.wait_for_frames(video=MIN_VIDEO_FRAMES, audio=MIN_AUDIO_PACKETS, timeout=JOIN_DEADLINE)
            print(f"media everywhere {time.monotonic() - joined:.1f}s after the last join; matrix {matrix}")
            await asyncio.gather(*(m.refresh() for m in members))
            problems = [f"{r.name} did not hear {s.name}" for r in members for s in members
                        if s is not r and not audio_heard(r, s)]
            for r in members if REWRITING else ():
                videos, audios, first_map = mapped_sources(r, "video"), mapped_sources(r, "audio"), map_times(r)
                for s in members:
                    if s is r:
                        continue
                    v, a = videos.get(s.video_source_name), audios.get(s.audio_source_name)
                    if v is None or a is None:
                        problems.append(f"{r.name}: no map for {s.name}'s video ({v}) or audio ({a})")
                        continue
                    if v.get("owner") != s.endpoint_id or a.get("owner") != s.endpoint_id:
                        problems.append(f"{r.name}: wrong owner in {v} / {a}")
                    if not isinstance(v.get("rtx"), int) or v["rtx"] < 0:
                        problems.append(f"{r.name}: video map without a real rtx SSRC: {v}")
                    if str(v.get("videoType", "")).upper() != "CAMERA":
                        problems.append(f"{r.name}: video map videoType {v.get('videoType')!r}, expected CAMERA")
                for ssrc, first in r.first_packet_at.items():
                    owner = r.remote_ssrcs.get(ssrc, {}).get("owner")
                    mapped_at = first_map.get(ssrc)
                    if mapped_at is None:
                        problems.append(f"{r.name}: media on SSRC {ssrc} that no map named")
                    elif mapped_at > first["t"]:
                        problems.append(f"{r.name}: SSRC {ssrc} ({owner}) media at {first['t']} before its map at {mapped_at}")
                    else:
                        print(f"{r.name}: SSRC {ssrc} of {owner}: map -> first packet seen "
                              f"{(first['t'] - mapped_at) / 1000:.2f}s")
                if r.errors:
                    problems.append(f"{r.name}: page errors {r.errors}")
            assert not problems, "\n".join(problems)
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=120)


async def outbound_deltas(members: list[ChromiumClient], window: float) -> dict[str, dict[int, int]]:
    """bytesSent growth per outbound video SSRC over `window` seconds, per client name."""
    await asyncio.gather(*(m.refresh() for m in members))
    before = {m.name: {ssrc: e.get("bytesSent", 0) for ssrc, e in m.outbound_video().items()} for m in members}
    await asyncio.sleep(window)
    await asyncio.gather(*(m.refresh() for m in members))
    return {m.name: {ssrc: e.get("bytesSent", 0) - before[m.name].get(ssrc, 0) for ssrc, e in m.outbound_video().items()}
            for m in members}


@pytest.mark.bridge
def test_each_sender_sends_all_three_layers_within_30s(bridge, focus, clients):
    """Chromium enables a simulcast layer only when its bandwidth estimate covers it: all three
    within 30 s of each sender's join needs the bridge's transport-cc feedback (client-defaults §5)."""
    members = default_clients(clients)

    async def scenario():
        call = None
        try:
            call, _ = await join_default_clients(focus, members)
            flowing_after: dict[str, float] = {}
            while len(flowing_after) < len(members):
                deltas = await outbound_deltas(members, 1.0)
                now = time.monotonic()
                layers = {m.name: [deltas[m.name].get(ssrc, 0) for ssrc in m.simulcast_ssrcs] for m in members}
                for m in members:
                    if m.name not in flowing_after and len(layers[m.name]) == 3 and all(d > 0 for d in layers[m.name]):
                        flowing_after[m.name] = now - m.joined_at
                late = [m.name for m in members if m.name not in flowing_after and now - m.joined_at > 30]
                assert not late, (f"{late}: not all three layers sent 30 s after joining; bytes/s per SIM SSRC "
                                  f"(low->high) {layers}; available outgoing bitrate "
                                  f"{ {m.name: m.available_outgoing_bitrate() for m in members} }")
            print(f"all three layers flowing, seconds after each sender's join: {flowing_after}; heights (low->high) "
                  f"{ {m.name: [m.outbound_video().get(s, {}).get('frameHeight') for s in m.simulcast_ssrcs] for m in members} }; "
                  f"available outgoing bitrate { {m.name: m.available_outgoing_bitrate() for m in members} }")
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=120)


async def wait_decoding(receiver: ChromiumClient, senders: list[ChromiumClient],
                        height_ok: Callable[[ChromiumClient, int], bool], timeout: float, what: str,
                        bridge=None) -> float:
    """Until the receiver decodes every sender's video at a height height_ok(sender, height) accepts,
    with framesDecoded rising between two polls. Returns the seconds it took. A failure shows what
    the receiver and the senders' layers say, and the bridge's side of repair when given."""
    started = time.monotonic()
    last = {s.endpoint_id: None for s in senders}
    while True:
        await asyncio.gather(receiver.refresh(), *(s.refresh() for s in senders))
        ok = True
        for s in senders:
            entry = inbound_video_of(receiver, s)
            frames = entry.get("framesDecoded", 0) if entry else 0
            height = entry.get("frameHeight") if entry else None
            rising = last[s.endpoint_id] is not None and frames > last[s.endpoint_id]
            last[s.endpoint_id] = frames
            ok &= rising and height is not None and height_ok(s, height)
        if ok:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            state = {s.name: {"inbound": inbound_video_of(receiver, s), "sender's layers": sender_layers(s)}
                     for s in senders}
            if bridge is not None:
                state["bridge"] = repair_state(bridge)
            raise AssertionError(f"{receiver.name}: {what} not within {timeout}s; {state}")
        await asyncio.sleep(0.2)


REPAIR_METRICS = ("jitsi_jvb_retransmissions_sent", "jitsi_jvb_retransmissions_unavailable",
                  "jitsi_jvb_keyframe_requests_sent", "jitsi_jvb_retransmission_requests_sent")


def repair_state(bridge) -> dict:
    """The bridge's counters of loss repair toward receivers and senders, and its drops by reason."""
    metrics = bridge.metrics()
    return {**{name: metrics.value(name) for name in REPAIR_METRICS},
            "drops": metrics.by_label("jitsi_jvb_drops_total", "reason")}


def sender_layers(sender: ChromiumClient) -> list[dict]:
    """Per SIM SSRC (low -> high) what the sender's outbound stats say, for failure messages."""
    fields = ("active", "frameHeight", "bytesSent", "pliCount", "nackCount", "keyFramesEncoded", "qualityLimitationReason")
    return [{f: sender.outbound_video().get(ssrc, {}).get(f) for f in fields} for ssrc in sender.simulcast_ssrcs]


def at_most(limit: int) -> Callable[[ChromiumClient, int], bool]:
    return lambda sender, height: height <= limit


def top_layer(limit: int) -> Callable[[ChromiumClient, int], bool]:
    """The sender's highest encoded layer, capped at `limit`: Chromium (degradationPreference
    maintain-framerate, as jitsi-meet sets for cameras) may scale 720p down when the CPU is short,
    which no bridge can undo."""
    return lambda sender, height: height >= min(limit, sender.top_layer_height() or limit)


@pytest.mark.bridge
# The up-switch must show within a deadline while three Chromium clients share 2 cores; it failed
# in two CI runs (one of them a 253 ms freeze right after reaching 720p, Chromium decoding at 14 fps)
# and passed in every other run: a failure prints its figures and runs once more. Most of its
# reruns (3 in 20 runs) were the RTX-probe switch the unavailable-retransmission check below
# guards against; none in 30 runs since.
@pytest.mark.flaky(reruns=1)
def test_receiver_max_height_180_then_720(bridge, focus, clients):
    members = default_clients(clients)
    a, b, c = members

    async def scenario():
        call = None
        try:
            call, joined = await join_default_clients(focus, members)
            # Precondition: B decodes both at 720p (all layers sent, the bridge forwards the top one).
            await wait_decoding(b, [a, c], top_layer(720), timeout=45, what="720p from A and C")
            print(f"B decodes A and C at {[inbound_video_of(b, s).get('frameHeight') for s in (a, c)]}p "
                  f"{time.monotonic() - joined:.1f}s after the last join")

            sent = await b.set_max_height(180)
            assert sent["defaultConstraints"] == {"maxHeight": 0} and \
                sent["constraints"] == {a.video_source_name: {"maxHeight": 180}, c.video_source_name: {"maxHeight": 180}}
            took = await wait_decoding(b, [a, c], at_most(180), timeout=3, what="<= 180p after maxHeight 180",
                                bridge=bridge)
            print(f"maxHeight 180 -> decoding {[inbound_video_of(b, s).get('frameHeight') for s in (a, c)]}p "
                  f"after {took:.2f}s")

            await b.set_max_height(720)
            took = await wait_decoding(b, [a, c], top_layer(720), timeout=3, what="720p after maxHeight 720",
                                bridge=bridge)
            print(f"maxHeight 720 -> decoding {[inbound_video_of(b, s).get('frameHeight') for s in (a, c)]}p "
                  f"after {took:.2f}s")
            before = {s.name: dict(inbound_video_of(b, s)) for s in (a, c)}
            await asyncio.sleep(1.2)
            await b.refresh()
            after = {s.name: inbound_video_of(b, s) for s in (a, c)}
            for name in before:
                assert after[name].get("freezeCount", 0) == before[name].get("freezeCount", 0), \
                    f"B froze on {name}'s video within 1 s of 720p: {before[name]} -> {after[name]}"
                assert after[name]["framesDecoded"] > before[name]["framesDecoded"], \
                    f"B stopped decoding {name}'s video after 720p: {before[name]} -> {after[name]}; senders' layers " \
                    f"{ {s.name: sender_layers(s) for s in (a, c)} }; bridge drops {bridge.metrics().by_label('jitsi_jvb_drops_total', 'reason')}"
            # On loopback a receiver NACKs only a hole in what it was sent: every number it asks
            # for must be one the bridge sent and can send again. Switching a receiver at a key
            # frame libwebrtc resent on RTX as a bandwidth probe left such holes after each switch.
            repair = repair_state(bridge)
            assert repair["jitsi_jvb_retransmissions_unavailable"] == 0, \
                f"B NACKed numbers the bridge never sent or no longer holds: {repair}; " \
                f"B's NACKs { {s.name: inbound_video_of(b, s).get('nackCount') for s in (a, c)} }"
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=150)


def frames_by_owner(receiver: ChromiumClient, senders: list) -> dict[str, int]:
    return {s.name: video_frames(receiver, s) for s in senders}


async def video_growth(receiver: ChromiumClient, senders: list, window: float) -> dict[str, int]:
    await receiver.refresh()
    before = frames_by_owner(receiver, senders)
    await asyncio.sleep(window)
    await receiver.refresh()
    after = frames_by_owner(receiver, senders)
    return {name: after[name] - before[name] for name in before}


def speaker_event(endpoint_id: str) -> Callable[[dict], bool]:
    return lambda m: m.get("colibriClass") == "DominantSpeakerEndpointChangeEvent" and \
        m.get("dominantSpeakerEndpoint") == endpoint_id


@pytest.mark.bridge
def test_last_n_1_forwards_the_dominant_speaker_and_follows_a_change(bridge, focus, clients):
    members = default_clients(clients, speaking=(True, False, False))
    a, b, c = members

    async def scenario():
        call = None
        try:
            call, joined = await join_default_clients(focus, members)
            await call.wait_channels_open(timeout=15)
            await asyncio.gather(*(m.set_last_n(1) for m in members))
            await c.wait_for_message(speaker_event(a.endpoint_id), timeout=15)

            async def only_video_from(receiver, speaker, others, timeout):
                deadline = time.monotonic() + timeout
                while True:
                    growth = await video_growth(receiver, [speaker, *others], 1.0)
                    if growth[speaker.name] > 0 and all(growth[o.name] == 0 for o in others):
                        return growth
                    if time.monotonic() > deadline:
                        raise AssertionError(f"{receiver.name}: frames decoded per sender in 1 s {growth}; "
                                             f"expected video from {speaker.name} only")

            print("lastN 1, A speaking:", await only_video_from(b, a, [c], 10), await only_video_from(c, a, [b], 10))

            await a.set_speaking(False)
            await b.set_speaking(True)
            switched_ms = time.time() * 1000
            event = await c.wait_for_message(speaker_event(b.endpoint_id), timeout=15, after_ms=switched_ms)
            await a.wait_for_message(speaker_event(b.endpoint_id), timeout=5, after_ms=switched_ms)
            print(f"dominant speaker B announced {(event['t'] - switched_ms) / 1000:.2f}s after B started talking")
            start = {r.name: video_frames(r, b) for r in (a, c)}
            while True:
                await asyncio.gather(a.refresh(), c.refresh())
                if all(video_frames(r, b) > start[r.name] for r in (a, c)):
                    break
                late = time.time() * 1000 - event["t"]
                if late > 2000:
                    raise AssertionError(f"video from B not decoded at A and C within 2 s of the speaker change: "
                                         f"{[(r.name, start[r.name], video_frames(r, b)) for r in (a, c)]}")
                await asyncio.sleep(0.1)
            print(f"B's video decoded at A and C {(time.time() * 1000 - event['t']) / 1000:.2f}s after the event")
            print("lastN 1, B speaking:", await only_video_from(c, b, [a], 5), await only_video_from(a, b, [c], 5))
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=150)


async def silent_packets_sent(members: list[ChromiumClient]) -> int:
    await asyncio.gather(*(m.refresh() for m in members))
    return sum(e.get("packetsSent", 0) for m in members for e in m.outbound_audio().values())


@pytest.mark.bridge
def test_silent_audio_is_dropped_after_three_packets(bridge, focus, clients):
    """B and C send Opus frames of digital silence (a disabled track: ssrc-audio-level 127, checked
    against Chromium 156); JVB forwards a silent run's first packets (limit 3) and drops the rest."""
    members = default_clients(clients, speaking=(True, False, False))
    a, b, c = members
    silent = [b, c]
    # The page's stats are up to 250 ms old at either end of the window: over 5 s that alone moved
    # the count of packets sent by 10 % against the bridge's drops (501 for 584 in one run).
    window = 10.0

    async def scenario():
        call = None
        try:
            call, joined = await join_default_clients(focus, members)
            # A's speech reaches both (its audio map and media work) ...
            deadline = time.monotonic() + JOIN_DEADLINE
            while not all(r.received_from(a, "audio") >= MIN_AUDIO_PACKETS for r in silent):
                assert time.monotonic() < deadline, f"A's audio not received: {call.describe()}"
                await asyncio.sleep(0.25)
            # ... while B's and C's silence stops at the bridge: over a steady window, every silent
            # packet sent is a drop (page stats are up to 250 ms old: about 12 packets per sender).
            sent_before, dropped_before = await silent_packets_sent(silent), bridge.metrics().drops_for("silence")
            await asyncio.sleep(window)
            sent_after, dropped_after = await silent_packets_sent(silent), bridge.metrics().drops_for("silence")
            sent, dropped = sent_after - sent_before, dropped_after - dropped_before
            received = {r.name: {s.name: r.received_from(s, "audio") for s in members if s is not r} for r in members}
            print(f"in {window:.0f} s B and C sent {sent} silent packets, {dropped:.0f} dropped as silence "
                  f"(since the start: {sent_after} sent, {dropped_after:.0f} dropped); audio packets received "
                  f"(receiver -> sender) {received}")
            assert 0.9 * sent <= dropped <= 1.1 * sent + 10, f"{dropped} silence drops for {sent} silent packets sent"
            for r in members:
                for s in silent:
                    if s is not r:
                        # A silent run's first packets (JVB: up to limit + 1 = 4) may be forwarded.
                        assert r.received_from(s, "audio") <= 4, f"{r.name} received {received[r.name]}"
                if r is not a:
                    assert audio_heard(r, a), f"{r.name} does not hear A: {r.inbound('audio')}"
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=120)


@pytest.mark.bridge
def test_top_layer_stops_while_nobody_wants_more_than_180p(bridge, focus, clients):
    members = default_clients(clients)
    a, b, c = members

    async def scenario():
        call = None
        try:
            call, joined = await join_default_clients(focus, members)
            low, top = a.simulcast_ssrcs[0], a.simulcast_ssrcs[2]
            while True:  # precondition: A's top layer is being sent
                deltas = (await outbound_deltas([a], 1.0))[a.name]
                if deltas.get(top, 0) > 0:
                    break
                assert time.monotonic() - joined < 45, f"A never sent its top layer: {deltas}, " \
                                                       f"available outgoing {a.available_outgoing_bitrate()}"
            await asyncio.gather(b.set_max_height(180, [a.video_source_name]), c.set_max_height(180, [a.video_source_name]))
            asked = time.monotonic()
            while True:
                deltas = (await outbound_deltas([a], 2.0))[a.name]
                if deltas.get(top, 0) == 0 and deltas.get(low, 0) > 0:
                    break
                assert time.monotonic() - asked < 15, f"A's top layer still sent 15 s after B and C asked for 180p: " \
                                                      f"bytes in 2 s per SSRC {deltas}; A's sender constraints " \
                                                      f"{[m['msg'] for m in a.messages_of('SenderSourceConstraints')]}"
            print(f"A's top layer stopped {time.monotonic() - asked - 2:.1f}..{time.monotonic() - asked:.1f}s after "
                  f"the receivers asked for 180p; encodings {[e.get('active') for e in await a.encodings()]}")
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=150)


@pytest.mark.bridge
def test_mixed_call_default_clients_and_an_aiortc_peer_without_the_capability(bridge, focus, clients):
    a = clients("A", ssrc_rewriting=REWRITING, speaking=True)
    b = clients("B", ssrc_rewriting=REWRITING, speaking=True)
    peer = Peer("P", hue=2)

    async def scenario():
        call = None
        try:
            call, joined = await join_default_clients(focus, [a, b, peer])
            matrix = await call.wait_for_frames(video=MIN_VIDEO_FRAMES, audio=MIN_AUDIO_PACKETS, timeout=JOIN_DEADLINE)
            print(f"everyone decodes everyone {time.monotonic() - joined:.1f}s after the last join; {matrix}")
            stray = {k: v for k, v in peer.snapshot().items() if k in ("jvb", "unattributed")}
            assert not any(c["audio"] or c["video"] for c in stray.values()), f"P: {stray}"
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=120)


# ------------------------------------------------------------------------------------------------
# Offline: the pieces that need no browser or bridge
# ------------------------------------------------------------------------------------------------


def test_allocation_of_a_default_client_carries_ssrc_rewriting():
    from focus import CAPABILITY_SOURCE_NAMES, CAPABILITY_SSRC_REWRITING, NS_COLIBRI2, allocate_request
    default = allocate_request("m-1", "a1b2c3d4", "A", create_conference=True,
                               capabilities=(CAPABILITY_SOURCE_NAMES, CAPABILITY_SSRC_REWRITING))
    names = [c.get("name") for c in default.iter(f"{{{NS_COLIBRI2}}}capability")]
    assert names == ["source-names", "ssrc-rewriting"]
    plain = allocate_request("m-1", "a1b2c3d4", "A", create_conference=False)
    assert [c.get("name") for c in plain.iter(f"{{{NS_COLIBRI2}}}capability")] == ["source-names"]
    client = ChromiumClient("X", "/nonexistent")
    assert client.capabilities == ("source-names", "ssrc-rewriting")
    assert ChromiumClient("Y", "/nonexistent", ssrc_rewriting=False).capabilities == ("source-names",)


def test_speech_wav_has_syllables_and_no_digital_silence(tmp_path):
    """What dominant-speaker detection needs: 20 ms levels that swing by tens of dB a few times a
    second, and pauses that stay above digital zero (level 127 would be dropped as silence)."""
    import math
    import wave
    from speech_wav import RATE
    path = write_speech_wav(tmp_path / "speech.wav", seconds=4.0)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        data = w.readframes(w.getnframes())
    samples = memoryview(data).cast("h")
    frame = RATE // 50
    levels = []
    for i in range(0, len(samples) - frame, frame):
        chunk = samples[i:i + frame]
        rms = math.sqrt(sum(x * x for x in chunk) / frame) / 32768
        levels.append(-20 * math.log10(rms) if rms > 0 else 127)  # dBov, as RFC 6464 counts
    loud = sum(1 for l in levels if l < 30)
    quiet = sum(1 for l in levels if l > 50)
    swings = sum(1 for x, y in zip(levels, levels[1:]) if (x < 40) != (y < 40))
    assert max(levels) < 127, "digital silence in the pauses"
    assert loud > len(levels) / 4 and quiet > len(levels) / 10, (loud, quiet, len(levels))
    assert swings / 4.0 >= 6, f"only {swings} loud/quiet transitions in 4 s"
