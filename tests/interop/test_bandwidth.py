"""Bandwidth estimation and loss repair with default jitsi-meet clients (issue 12's interop acceptance).

- A sender's estimate ramps up: the bridge's transport-cc feedback lets Chromium's send-side
  estimate (availableOutgoingBitrate) pass 1.5 Mbit/s soon after joining.
- Loss on one sender's uplink is repaired: the bridge NACKs the missing packets (its
  retransmission-request counters) and the receivers keep decoding at the sender's frame rate.
- A sender without transport-cc (aiortc, allocated with REMB as jicofo offers it then) is sent REMB
  from the bridge's receive-side estimate of its uplink, and its encoder takes the bitrate.
- Two receivers behind their own links from the bridge (tc rate limits): each settles on the highest
  layers that fit 2 Mbit/s within 10 s with loss under 2 %, one is switched down within 2 s when its
  link drops to 300 kbit/s while the other keeps a higher layer, and it comes back up once its link
  does, with no freeze over 1 s on the way down; gating with the estimate spent (the default),
  measured only with --no-trust-bwe (allocation then ignores the links, which is what the comparison
  shows). The time back up is measured against the issue's 10 s, gating only within the phase.

The flows are shaped with tc on `lo` (netem.py: the test kernel has no sch_netem, see there).
Lines starting with `MEASURED:` are the figures for the engineering note (`-s` shows them).
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from typing import Any, Optional

import pytest

from call import Call, run_async
from chromium_client import ChromiumClient
from conftest import require_loopback_only
from host_load import HostLoad, HostLoadMeter
from netem import Shaper
from peer import Peer
from test_default_clients import (clients, default_clients, inbound_video_of,  # noqa: F401 (fixtures)
                                  join_default_clients, speech_wav)
from test_svc_clients import measured

WARMUP = 25.0  # seconds from the last join until every receiver must decode every sender
RAMP_TARGET_BPS = 1_500_000
RAMP_DEADLINE = 10.0  # seconds from the join
RAMP_SAMPLING = 20.0  # past the deadline: when the estimate does get there is the interesting figure
SAMPLE_INTERVAL = 0.5

LOSS_PERCENT = 5.0
LOSS_WINDOW = 10.0
LOSS_SETTLE = 1.0  # seconds between applying the loss and opening the window
DECODED_SHARE = 0.9  # receivers' decoded fps of the lossy sender, as a share of its sent fps

AIORTC_START_BITRATE = 500_000  # aiortc.codecs.vpx DEFAULT_BITRATE
REMB_LIMIT_KBIT = 400
REMB_DEADLINE = 10.0  # s for the REMB to take aiortc's encoder below its start after the limit
HIGH_KBIT, LOW_KBIT = 2000, 300  # the receivers' links from the bridge
# Their queues: 300 ms, an access link's buffer (tc netem's default would be 1000 packets, seconds
# at 300 kbit/s). The bridge does not pace: a 180p key frame arrives in one burst of 5-15 kB, which a
# 100 ms queue at 300 kbit/s (6 kB) cut to pieces, and the receiver froze until it asked again.
QUEUE_MS = 300.0
PHASE_SECONDS = 15.0
SETTLE_DEADLINE = 10.0  # s into a phase: settled on the layers that fit, or back up after a drop
SETTLED_LOSS = 0.02
SWITCH_DOWN_DEADLINE = 2.0
MAX_FREEZE = 1.0
AUDIO_BPS = 40_000  # Opus as jitsi-meet sends it, with RTP overhead
OVERHEAD = 1.05  # SRTP, UDP and IP headers on ~1100-byte video packets

RETRANSMISSION_METRICS = ("jitsi_jvb_retransmission_requests_sent", "jitsi_jvb_retransmission_requests_recovered",
                          "jitsi_jvb_retransmission_requests_abandoned")
PADDING_METRIC = "jitsi_jvb_probe_padding_bytes_sent"
INBOUND_COUNTERS = ("framesDecoded", "freezeCount", "totalFreezesDuration", "packetsReceived", "packetsLost",
                    "nackCount", "pliCount", "retransmittedPacketsReceived", "bytesReceived", "framesDropped")


def udp_port(client: ChromiumClient) -> int:
    """The client's ICE port: the one UDP host candidate it gathered in the namespace (the page keeps
    its RTCPeerConnection private, so the signalled candidate stands in for getStats' local candidate;
    the shaper's counters prove the flow was hit)."""
    ports = {c.port for c in client.answer.candidates if c.protocol == "udp" and c.ip == "127.0.0.1"}
    assert len(ports) == 1, f"{client.name}: expected one 127.0.0.1 UDP candidate, got {client.answer.candidates}"
    return ports.pop()


async def refresh(*members: ChromiumClient) -> None:
    await asyncio.gather(*(m.refresh() for m in members))


def inbound_totals(receiver: ChromiumClient, sender: ChromiumClient) -> dict[str, float]:
    """INBOUND_COUNTERS summed over every SSRC that carried the sender's video to the receiver."""
    entries = receiver.inbound("video", owner=sender.endpoint_id).values()
    return {k: sum(e.get(k, 0) or 0 for e in entries) for k in INBOUND_COUNTERS}


def outbound_totals(sender: ChromiumClient) -> dict[int, dict[str, Any]]:
    return {ssrc: dict(e) for ssrc, e in sender.outbound_video().items()}


def retransmission_counters(bridge) -> dict[str, float]:
    metrics = bridge.metrics()
    return {name: metrics.value(name) for name in RETRANSMISSION_METRICS}


def note_load() -> None:
    """The machine's load: on 2 shared cores a starved Chromium or bridge skews every figure here."""
    measured(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


async def wait_everyone_decodes(call: Call, joined: float) -> None:
    await call.wait_for_frames(video=30, audio=0, timeout=WARMUP)
    measured(f"everyone decodes everyone {time.monotonic() - joined:.1f}s after the last join; {call.frame_matrix()}")


# ------------------------------------------------------------------------------------------------
# 0. The shaper itself, on plain UDP sockets (no bridge, no browser)
# ------------------------------------------------------------------------------------------------


def blast(sender: socket.socket, receiver: socket.socket, count: int, pause: float = 0.0) -> int:
    """Sends `count` 1000-byte datagrams to the receiver; how many arrived (after a short drain)."""
    received = 0
    target = receiver.getsockname()

    def drain() -> int:
        got = 0
        while True:
            try:
                receiver.recv(2048)
                got += 1
            except BlockingIOError:
                return got

    for _ in range(count):
        sender.sendto(b"x" * 1000, target)
        received += drain()
        if pause:
            time.sleep(pause)
    time.sleep(0.3)
    return received + drain()


def test_shaper_impairs_only_the_chosen_flow():
    require_loopback_only()
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(4)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        sender, other, receiver, receiver2 = sockets
        for r in (receiver, receiver2):
            r.setblocking(False)
            r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        ports = sender.getsockname()[1], receiver.getsockname()[1]
        ports2 = other.getsockname()[1], receiver2.getsockname()[1]
        with Shaper() as shaper:
            shaper.drop(*ports, percent=LOSS_PERCENT)
            lossy, clean = blast(sender, receiver, 10_000), blast(other, receiver, 2_000)
            counted = shaper.counters()["drop"]["drops"]
        with Shaper() as shaper:
            shaper.limit_rate(*ports, kbit=2000)
            shaper.limit_rate(*ports2, kbit=500)
            limited_kbit = []
            for (s, r) in ((sender, receiver), (other, receiver2)):
                started = time.monotonic()
                passed = blast(s, r, 1_000, pause=0.001)  # ~7 Mbit/s offered
                limited_kbit.append(passed * 1028 * 8 / (time.monotonic() - started) / 1000)
        measured(f"shaper: {10_000 - lossy} of 10000 lost at {LOSS_PERCENT:.0f}% (tc counted {counted}), "
                 f"{2_000 - clean} of 2000 on another flow; 2000 and 500 kbit/s limits on two flows passed "
                 f"{limited_kbit[0]:.0f} and {limited_kbit[1]:.0f} kbit/s")
        assert 0.03 * 10_000 < 10_000 - lossy < 0.07 * 10_000 and counted == 10_000 - lossy, (lossy, counted)
        assert clean == 2_000, clean
        assert 1200 < limited_kbit[0] < 2400 and 300 < limited_kbit[1] < 600, limited_kbit
    finally:
        for s in sockets:
            s.close()


# ------------------------------------------------------------------------------------------------
# 1. The sender's estimate ramps up on transport-cc feedback
# ------------------------------------------------------------------------------------------------


@pytest.mark.bridge
# Chromium probes once, when its transport comes up: a probe a starved Chromium sends (or paces)
# badly leaves it ramping by AIMD alone, ~8 % a second (seen once in a fresh-clone run: 300 kbit/s
# to 1.5 Mbit/s in 18 s, while every other run passed 1.5 Mbit/s at 0.5-1.0 s). Printed in full and
# run once more.
@pytest.mark.flaky(reruns=1)
def test_sender_ramps_up(bridge, focus, clients):
    a, b = members = default_clients(clients, speaking=(True, False), names="AB")

    async def scenario():
        call = None
        try:
            note_load()
            meter = HostLoadMeter()
            call, joined = await join_default_clients(focus, members)
            series: list[tuple[float, Optional[float], float]] = []  # (s since join, estimate, sent video bit/s)
            last_bytes, last_t = 0, None
            while time.monotonic() - joined < RAMP_SAMPLING:
                await a.refresh()
                at = time.monotonic() - joined
                sent = sum(e.get("bytesSent", 0) for e in a.outbound_video().values())
                page_t = (a.stats or {}).get("t")
                fresh = last_t is not None and page_t is not None and page_t > last_t
                rate = (sent - last_bytes) * 8 / ((page_t - last_t) / 1000) if fresh else 0.0
                last_bytes, last_t = sent, page_t
                series.append((at, a.available_outgoing_bitrate(), rate))
                await asyncio.sleep(max(0.0, SAMPLE_INTERVAL - (time.monotonic() - joined - at)))
            first = next((t for t, bps, _ in series if bps is not None and bps > RAMP_TARGET_BPS), None)
            measured(f"A's availableOutgoingBitrate first above {RAMP_TARGET_BPS / 1e6:.1f} Mbit/s "
                     f"{'at %.1fs' % first if first is not None else 'never'} after the join "
                     f"(within {RAMP_SAMPLING:.0f}s); peak {max((s[1] or 0) for s in series) / 1e6:.2f} Mbit/s")
            measured("A's estimate (kbit/s) every 0.5 s from the join: " +
                     " ".join(f"{t:.1f}:{'-' if bps is None else round(bps / 1000)}" for t, bps, _ in series))
            measured("A's video sent (kbit/s) over the same samples: " +
                     " ".join(f"{t:.1f}:{round(r / 1000)}" for t, _, r in series))
            await refresh(a, b)
            feedback = bridge.metrics().value("jitsi_jvb_transport_cc_feedback_sent")
            measured(f"bridge sent {feedback:.0f} transport-cc feedback packets in {time.monotonic() - joined:.0f}s")
            layers = [(e.get("frameHeight"), e.get("targetBitrate"), e.get("qualityLimitationReason"))
                      for e in a.outbound_video().values()]
            measured(f"A's layers at the end (height, targetBitrate, limitation): {sorted(layers, key=str)}; "
                     f"B decodes A at {(inbound_video_of(b, a) or {}).get('frameHeight')}p")
            assert feedback > 0, "the bridge sent no transport-cc feedback (jitsi_jvb_transport_cc_feedback_sent)"
            assert first is not None and first <= RAMP_DEADLINE, (
                f"A's send-side estimate (fed by the bridge's transport-cc feedback) did not exceed "
                f"{RAMP_TARGET_BPS / 1e6:.1f} Mbit/s within {RAMP_DEADLINE:.0f}s of joining on an unshaped loopback: "
                f"first above at {first}; series (s, bit/s) {[(round(t, 1), bps) for t, bps, _ in series]}; "
                f"load average {os.getloadavg()}, {meter.read()} since before the join (a starved Chromium or bridge "
                f"skews its probe and the delay-based estimate)")
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=90)


# ------------------------------------------------------------------------------------------------
# 2. Loss on one sender's uplink is repaired by the bridge's NACKs
# ------------------------------------------------------------------------------------------------


def encoder_target(peer: Peer) -> Optional[int]:
    """aiortc's VP8 encoder's target bitrate for the peer's video (aiortc keeps the encoder private)."""
    sender = next(s for s in peer.pc.getSenders() if s.track is not None and s.track.kind == "video")
    return getattr(getattr(sender, "_RTCRtpSender__encoder", None), "target_bitrate", None)


@pytest.mark.bridge
def test_sender_without_transport_cc_is_told_its_uplink_by_remb(bridge, focus):
    """aiortc negotiates REMB and abs-send-time but not transport-cc; allocated as jicofo does for such a
    client (goog-remb offered instead of transport-cc), it is sent REMB built from its abs-send-time,
    and its encoder takes the bitrate (aiortc's VP8 encoder starts at 500 kbit/s, clamps to
    250 kbit/s .. 1.5 Mbit/s): up to the clamp on a free path, then below its start once its uplink
    is limited to 400 kbit/s."""
    a, b = Peer("A", hue=0, tcc=False), Peer("B", hue=1)

    async def scenario():
        call = Call(focus)
        try:
            await call.join_all(a, b)
            await call.wait_for_frames(video=20, audio=0, timeout=20)
            await asyncio.sleep(3.0)
            free_target, free_sent = encoder_target(a), bridge.metrics().value("jitsi_jvb_remb_sent")
            with Shaper() as shaper:
                shaper.limit_rate(src_port=udp_port(a), dst_port=bridge.media_port, kbit=REMB_LIMIT_KBIT,
                                  queue_ms=QUEUE_MS)
                limited_target, waited = None, 0.0
                while waited < REMB_DEADLINE:
                    await asyncio.sleep(0.5)
                    waited += 0.5
                    limited_target = encoder_target(a)
                    if limited_target is not None and limited_target < AIORTC_START_BITRATE:
                        break
                counters = shaper.counters().get("rate", {})
            sent = bridge.metrics().value("jitsi_jvb_remb_sent")
            measured(f"REMB to an aiortc sender without transport-cc: {free_sent:.0f} sent on the free path, its "
                     f"VP8 encoder's target then {free_target}; uplink limited to {REMB_LIMIT_KBIT} kbit/s: target "
                     f"{limited_target} after {waited:.1f}s ({sent:.0f} REMB in all; tc passed "
                     f"{counters.get('packets')} packets, dropped {counters.get('drops')}); transport-cc feedback "
                     f"packets sent {bridge.metrics().value('jitsi_jvb_transport_cc_feedback_sent'):.0f}")
            assert free_sent > 0, "the bridge sent no REMB to a sender that negotiated REMB and not transport-cc"
            assert free_target is not None and free_target > AIORTC_START_BITRATE, (
                f"aiortc's encoder stayed at {free_target} on a free path: it took no REMB above its start")
            assert limited_target is not None and limited_target < AIORTC_START_BITRATE, (
                f"aiortc's encoder at {limited_target} {REMB_DEADLINE:.0f}s after its uplink was limited to "
                f"{REMB_LIMIT_KBIT} kbit/s: the REMB did not follow the limit")
        finally:
            await call.close()

    run_async(scenario(), timeout=90)


def sender_fps(before: dict[int, dict], after: dict[int, dict], seconds: float) -> dict[int, float]:
    """framesEncoded per second of each simulcast SSRC that encoded in the window."""
    return {ssrc: (e.get("framesEncoded", 0) - before.get(ssrc, {}).get("framesEncoded", 0)) / seconds
            for ssrc, e in after.items() if e.get("framesEncoded", 0) > before.get(ssrc, {}).get("framesEncoded", 0)}


def outbound_growth(before: dict[int, dict], after: dict[int, dict], key: str) -> int:
    """Growth of one outbound counter summed over the simulcast SSRCs."""
    return sum(e.get(key, 0) for e in after.values()) - sum(e.get(key, 0) for e in before.values())


@pytest.mark.bridge
def test_uplink_loss_is_repaired(bridge, focus, clients):
    a, b, c = members = default_clients(clients)
    receivers = (b, c)
    problems: list[str] = []

    async def scenario():
        call = None
        try:
            note_load()
            call, joined = await join_default_clients(focus, members)
            await wait_everyone_decodes(call, joined)
            a_port = udp_port(a)
            with Shaper() as shaper:
                shaper.drop(src_port=a_port, dst_port=bridge.media_port, percent=LOSS_PERCENT)
                measured(f"{LOSS_PERCENT:.0f}% random loss on A's uplink (udp {a_port} -> bridge {bridge.media_port})")
                await asyncio.sleep(LOSS_SETTLE)
                await refresh(*members)
                t0 = {m.name: m.stats["t"] for m in members}
                sent0, recv0 = outbound_totals(a), {r.name: inbound_totals(r, a) for r in receivers}
                metrics0, shaped0 = retransmission_counters(bridge), shaper.counters()["drop"]
                await asyncio.sleep(LOSS_WINDOW)
                await refresh(*members)
                metrics1, shaped1 = retransmission_counters(bridge), shaper.counters()["drop"]
            sent1 = outbound_totals(a)
            seconds = (a.stats["t"] - t0[a.name]) / 1000
            sent_fps = sender_fps(sent0, sent1, seconds)
            a_fps = max(sent_fps.values(), default=0.0)  # every simulcast layer runs at the capture rate
            dropped = shaped1["drops"] - shaped0["drops"]
            measured(f"A sent over {seconds:.1f}s: framesEncoded/s per SSRC "
                     f"{ {ssrc: round(fps, 1) for ssrc, fps in sent_fps.items()} }, framesPerSecond "
                     f"{[e.get('framesPerSecond') for e in sent1.values()]}, heights "
                     f"{[e.get('frameHeight') for e in sent1.values()]}, NACKs received "
                     f"{outbound_growth(sent0, sent1, 'nackCount')}, retransmitted packets sent "
                     f"{outbound_growth(sent0, sent1, 'retransmittedPacketsSent')}, quality limitation "
                     f"{[e.get('qualityLimitationReason') for e in sent1.values()]}")
            measured(f"tc dropped {dropped} of A's packets to the bridge in the window "
                     f"({shaped1['drops']} since the loss began)")
            if dropped <= 0:
                problems.append(f"the shaper dropped nothing on udp {a_port} -> {bridge.media_port} "
                                f"(wrong port?): {shaped1}")
            for r in receivers:
                before, after = recv0[r.name], inbound_totals(r, a)
                d = {k: after[k] - before[k] for k in INBOUND_COUNTERS}
                elapsed = (r.stats["t"] - t0[r.name]) / 1000
                fps = d["framesDecoded"] / elapsed
                measured(f"{r.name} <- A: {fps:.1f} fps decoded ({fps / a_fps * 100 if a_fps else 0:.0f}% of A's "
                         f"{a_fps:.1f}) at {(inbound_video_of(r, a) or {}).get('frameHeight')}p; in {elapsed:.1f}s "
                         f"freezes {d['freezeCount']:.0f} ({d['totalFreezesDuration']:.2f}s), packetsLost "
                         f"{d['packetsLost']:.0f} of {d['packetsReceived']:.0f} received, "
                         f"NACKs sent {d['nackCount']:.0f}, "
                         f"PLIs {d['pliCount']:.0f}, retransmissions received {d['retransmittedPacketsReceived']:.0f}, "
                         f"frames dropped {d['framesDropped']:.0f}, "
                         f"{d['bytesReceived'] * 8 / elapsed / 1000:.0f} kbit/s")
                if a_fps <= 0 or fps < DECODED_SHARE * a_fps:
                    problems.append(f"{r.name} decoded A at {fps:.1f} fps under {LOSS_PERCENT:.0f}% uplink loss, below "
                                    f"{DECODED_SHARE:.0%} of A's {a_fps:.1f} fps sent")
            delta = {name.removeprefix("jitsi_jvb_"): metrics1[name] - metrics0[name]
                     for name in RETRANSMISSION_METRICS}
            measured(f"bridge in the window: {delta}; since the start: "
                     f"{ {name.removeprefix('jitsi_jvb_'): v for name, v in metrics1.items()} }")
            for name in RETRANSMISSION_METRICS[:2]:
                if delta[name.removeprefix("jitsi_jvb_")] <= 0:
                    problems.append(f"{name} did not grow while A's uplink lost {LOSS_PERCENT:.0f}% ({delta})")
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=120)
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------------------------
# 3. The bridge's downlink estimate for a receiver under a rate limit (measurement)
# ------------------------------------------------------------------------------------------------


def estimates_between(receiver: ChromiumClient, start_ms: float, end_ms: float) -> list[tuple[float, int]]:
    """(seconds after start_ms, estimatedDownlinkBandwidth) of the ConnectionStats received in the span."""
    return [((m["t"] - start_ms) / 1000, m["msg"].get("estimatedDownlinkBandwidth"))
            for m in receiver.messages_of("ConnectionStats") if start_ms <= m["t"] < end_ms]


class Sample:
    """One look at how each receiver decodes each sender: page time, frame height, counters."""

    def __init__(self, t_ms: float, views: dict[tuple[str, str], dict[str, Any]]):
        self.t_ms = t_ms
        self.views = views  # (receiver, sender) -> {"height", "framesDecoded", "freezeCount", ...}

    def height(self, receiver: ChromiumClient, sender: ChromiumClient) -> Optional[int]:
        return self.views[(receiver.name, sender.name)]["height"]


async def take_sample(receivers: list[ChromiumClient], senders: list[ChromiumClient]) -> Sample:
    await refresh(*receivers)
    views = {}
    for r in receivers:
        for s in senders:
            if s is r:
                continue
            totals = inbound_totals(r, s)
            views[(r.name, s.name)] = dict(totals, height=(inbound_video_of(r, s) or {}).get("frameHeight"))
    return Sample(receivers[0].stats["t"], views)


def longest_stall(samples: list[Sample], receiver: ChromiumClient, sender: ChromiumClient) -> float:
    """The longest span (s) in which the receiver decoded no frame of the sender, to within one
    sample interval: from the last sample before frames stopped to the first where they moved."""
    key = (receiver.name, sender.name)
    longest, since = 0.0, samples[0].t_ms
    for before, now in zip(samples, samples[1:]):
        if now.views[key]["framesDecoded"] > before.views[key]["framesDecoded"]:
            longest = max(longest, (now.t_ms - since) / 1000)
            since = now.t_ms
    return max(longest, (samples[-1].t_ms - since) / 1000)


def longest_freeze(samples: list[Sample], receiver: ChromiumClient, sender: ChromiumClient) -> float:
    """Chromium's own freeze accounting over the samples: exact when it counted at most one freeze,
    else the sampled longest stall (never more than the freezes' total)."""
    key = (receiver.name, sender.name)
    first, last = samples[0].views[key], samples[-1].views[key]
    count = last["freezeCount"] - first["freezeCount"]
    total = last["totalFreezesDuration"] - first["totalFreezesDuration"]
    return total if count <= 1 else min(total, longest_stall(samples, receiver, sender))


def first_time(samples: list[Sample], start_ms: float, holds) -> Optional[float]:
    """Seconds after start_ms of the first sample from which `holds(sample)` stays true to the end."""
    found = None
    for sample in samples:
        if holds(sample):
            found = (sample.t_ms - start_ms) / 1000 if found is None else found
        else:
            found = None
    return found


def layer_rates(before: dict[int, dict], after: dict[int, dict], seconds: float) -> list[tuple[int, float]]:
    """(frameHeight, bit/s) of each active simulcast layer a sender encoded over the span, lowest first."""
    out = []
    for ssrc, e in after.items():
        sent = e.get("bytesSent", 0) - before.get(ssrc, {}).get("bytesSent", 0)
        if e.get("frameHeight") and sent > 0:
            out.append((e["frameHeight"], sent * 8 / seconds))
    return sorted(out)


def fitting_heights(a_layers: list[tuple[int, float]], c_layers: list[tuple[int, float]], kbit: int) -> set[int]:
    """The heights of A's highest layer that fits `kbit` next to C's lowest and two audio streams
    (with RTP/SRTP/UDP/IP overhead); within 10 % of the boundary either side of it is accepted, since
    the bridge's own rate measurements and Chromium's differ by that much."""
    others = (c_layers[0][1] if c_layers else 0) + 2 * AUDIO_BPS

    def fits(rate: float, margin: float) -> bool:
        return (rate + others) * OVERHEAD * margin <= kbit * 1000

    sure = [h for h, rate in a_layers if fits(rate, 1.1)]
    maybe = [h for h, rate in a_layers if fits(rate, 0.9)]
    heights = {max(sure)} if sure else {a_layers[0][0]} if a_layers else set()
    if maybe:
        heights.add(max(maybe))
    return heights


class Phase:
    """One shaped phase: its samples, how busy the host was meanwhile, and what it printed."""

    def __init__(self, name: str, samples: list[Sample], host: HostLoad, report: list[str]):
        self.name, self.samples, self.host, self.report = name, samples, host, report


async def shaped_phase(bridge, name: str, seconds: float, interval: float, receivers: list[ChromiumClient],
                       senders: list[ChromiumClient], shaper: Optional[Shaper]) -> Phase:
    """Samples every receiver's decoding of every sender each `interval` s for `seconds` and prints what
    the phase showed per receiver (the first sample is taken at the phase's start)."""
    report: list[str] = []

    def note(text: str) -> None:
        report.append(text)
        measured(text)

    meter = HostLoadMeter()
    samples = [await take_sample(receivers, senders)]
    shaped0 = shaper.counters() if shaper else {}
    metrics0 = bridge.metrics()
    padding0 = metrics0.value(PADDING_METRIC)
    drops0 = metrics0.by_label("jitsi_jvb_drops_total", "reason")
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started) % interval))
        samples.append(await take_sample(receivers, senders))
    host = meter.read()
    elapsed = (samples[-1].t_ms - samples[0].t_ms) / 1000
    shaped1 = shaper.counters() if shaper else {}
    metrics1 = bridge.metrics()
    padding = metrics1.value(PADDING_METRIC) - padding0
    drops = {k: v - drops0.get(k, 0) for k, v in metrics1.by_label("jitsi_jvb_drops_total", "reason").items()}
    note(f"[{name}] {host}; load average {os.getloadavg()[0]:.1f}")
    note(f"[{name}] bridge probe padding {padding * 8 / elapsed / 1000:.0f} kbit/s (all receivers); bridge drops "
         f"{ {k: round(v) for k, v in drops.items() if v} }")
    for r in receivers:
        note(f"[{name}] ConnectionStats to {r.name} (s into phase, bit/s): "
             f"{estimates_between(r, samples[0].t_ms, samples[-1].t_ms)}")
        flow = next((k for k in shaped1 if isinstance(k, tuple) and k[1] == udp_port(r)), None)
        if flow is not None:
            c0, c1 = shaped0.get(flow, {}), shaped1[flow]
            note(f"[{name}] tc on bridge -> {r.name} ({shaper.rate_kbit[flow]} kbit/s): "
                 f"{c1['packets'] - c0.get('packets', 0)} packets passed, {c1['drops'] - c0.get('drops', 0)} dropped, "
                 f"{(c1['bytes'] - c0.get('bytes', 0)) * 8 / elapsed / 1000:.0f} kbit/s")
        for s in senders:
            if s is r:
                continue
            key = (r.name, s.name)
            d = {k: samples[-1].views[key][k] - samples[0].views[key][k] for k in INBOUND_COUNTERS}
            heights = " ".join(f"{x.views[key]['height']}" for x in samples[::max(1, int(1 / interval))])
            note(f"[{name}] {r.name} <- {s.name} over {elapsed:.1f}s: {d['framesDecoded'] / elapsed:.1f} fps, "
                 f"{d['bytesReceived'] * 8 / elapsed / 1000:.0f} kbit/s, freezes {d['freezeCount']:.0f} "
                 f"({d['totalFreezesDuration']:.2f}s, longest stall {longest_stall(samples, r, s):.2f}s), "
                 f"packetsLost {d['packetsLost']:.0f} of {d['packetsReceived'] + d['packetsLost']:.0f}, "
                 f"NACKs {d['nackCount']:.0f}, retransmissions received {d['retransmittedPacketsReceived']:.0f}, "
                 f"PLIs {d['pliCount']:.0f}; height per second {heights}")
    await refresh(*senders)
    for s in senders:
        layers = [(e.get("frameHeight"), round(e.get("framesPerSecond") or 0), e.get("qualityLimitationReason"))
                  for e in s.outbound_video().values() if e.get("frameHeight")]
        note(f"[{name}] {s.name} sends (height, fps, limitation) {sorted(layers, key=str)}")
    return Phase(name, samples, host, report)


def loss_fraction(samples: list[Sample], receiver: ChromiumClient, senders: list[ChromiumClient]) -> float:
    lost = received = 0.0
    for s in senders:
        if s is receiver:
            continue
        first, last = samples[0].views[(receiver.name, s.name)], samples[-1].views[(receiver.name, s.name)]
        lost += last["packetsLost"] - first["packetsLost"]
        received += last["packetsReceived"] - first["packetsReceived"]
    return lost / (lost + received) if lost + received > 0 else 0.0


def bridge_estimates(bridge, *receivers: ChromiumClient, last: int = 40) -> list[str]:
    """The bridge's own log of the receivers' downlink estimates (debug level; significant moves only)."""
    ids = tuple(f"endpoint {r.endpoint_id} " for r in receivers)
    try:
        lines = bridge.log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [f"{line[11:19]} {line[line.find('endpoint '):]}" for line in lines if "downlink estimate" in line and any(i in line for i in ids)][-last:]


@pytest.mark.bridge
# Three Chromium clients (one 720p simulcast encoder among them) and a debug bridge share 2 cores, and
# every check below is a timing; a failed run prints its phases in full and is run once more.
@pytest.mark.flaky(reruns=1)
@pytest.mark.parametrize("bridge", [("--no-trust-bwe",), ("--log-level", "debug")], indirect=True, ids=["no-trust-bwe", "trust-bwe"])
def test_receivers_follow_their_links(bridge, focus, clients):
    """B and C receive A (speaking, on top of their lists) and each other; each one's flow from the
    bridge is rate-limited: both at 2 Mbit/s, then B at 300 kbit/s, then 2 Mbit/s again. With the
    estimate spent (the default) every step is checked, but for a phase during which the host's CPUs
    were saturated (host_load.py: the timings then measure the host), whose checks print as warnings;
    with --no-trust-bwe only measured."""
    # A sends the default 720p simulcast; B and C, whose links are under test, send one small
    # stream each: three 720p simulcast encoders starve 2 cores, and a starved receiver's late
    # transport-cc arrival times read as queuing delay (see test_svc_clients).
    a = clients("A", ssrc_rewriting=True, speaking=True)
    b, c = (clients(name, ssrc_rewriting=True, width=320, height=180, simulcast=False) for name in "BC")
    members = [a, b, c]
    mode = "no-trust-bwe" if "--no-trust-bwe" in bridge.extra_args else "trust-bwe"
    gate = mode == "trust-bwe"
    problems: list[str] = []
    phases: list[Phase] = []

    def check(phase: Phase, holds: bool, text: str) -> None:
        if holds:
            return
        if phase.host.saturated:
            measured(f"WARNING ([{phase.name}] {phase.host}: not judged): {text}")
        else:
            problems.append(f"[{phase.name}] {text}")

    async def run_phase(name: str, interval: float, shaper: Shaper) -> Phase:
        phase = await shaped_phase(bridge, f"{mode} {name}", PHASE_SECONDS, interval, [b, c], members, shaper)
        phases.append(phase)
        return phase

    async def scenario():
        call = None
        try:
            note_load()
            with Shaper() as shaper:
                # Both behind 2 Mbit/s from the join (the limits go on as soon as the ports are
                # known, before media flows): each settles on the highest layers that fit, with
                # little loss.
                call, joined = await join_default_clients(focus, members)
                b_port, c_port = udp_port(b), udp_port(c)
                shaper.limit_rate(src_port=bridge.media_port, dst_port=b_port, kbit=HIGH_KBIT, queue_ms=QUEUE_MS)
                shaper.limit_rate(src_port=bridge.media_port, dst_port=c_port, kbit=HIGH_KBIT, queue_ms=QUEUE_MS)
                limited_at = time.monotonic() - joined
                await refresh(a, c)
                a0, c0 = outbound_totals(a), outbound_totals(c)
                high = await run_phase(f"both {HIGH_KBIT}", 0.5, shaper)
                seconds = (high.samples[-1].t_ms - high.samples[0].t_ms) / 1000
                await refresh(a, c)
                a_layers, c_layers = layer_rates(a0, outbound_totals(a), seconds), layer_rates(c0, outbound_totals(c), seconds)
                fitting = fitting_heights(a_layers, c_layers, HIGH_KBIT)
                measured(f"[{mode}] A's layers (height, kbit/s) {[(h, round(r / 1000)) for h, r in a_layers]}, C's "
                         f"{[(h, round(r / 1000)) for h, r in c_layers]}: A at {sorted(fitting)}p fits {HIGH_KBIT} kbit/s")
                for r in (b, c):
                    settled = first_time(high.samples, high.samples[0].t_ms, lambda x, r=r: x.height(r, a) in fitting)
                    after = [x for x in high.samples if x.t_ms >= high.samples[0].t_ms + SETTLE_DEADLINE * 1000]
                    loss = loss_fraction(after, r, members) if len(after) > 1 else 1.0
                    measured(f"[{mode}] {r.name} at {HIGH_KBIT} kbit/s: A at {sorted(fitting)}p from "
                             f"{'%.1fs' % settled if settled is not None else 'never'} (limits on "
                             f"{limited_at:.1f}s after the join); loss after "
                             f"{SETTLE_DEADLINE:.0f}s {loss * 100:.1f} %")
                    check(high, settled is not None and settled <= SETTLE_DEADLINE,
                          f"{r.name} behind {HIGH_KBIT} kbit/s did not settle on A at {sorted(fitting)}p within "
                          f"{SETTLE_DEADLINE:.0f}s: {[x.height(r, a) for x in high.samples]}")
                    check(high, loss < SETTLED_LOSS,
                          f"{r.name} behind {HIGH_KBIT} kbit/s lost {loss * 100:.1f} % after settling")
                settled_height = high.samples[-1].height(b, a) or 0

                # B drops to 300 kbit/s: switched down within 2 s, no freeze over 1 s; C keeps more.
                shaper.limit_rate(src_port=bridge.media_port, dst_port=b_port, kbit=LOW_KBIT, queue_ms=QUEUE_MS)
                low = await run_phase(f"B {LOW_KBIT} C {HIGH_KBIT}", 0.25, shaper)
                down = first_time(low.samples, low.samples[0].t_ms, lambda x: (x.height(b, a) or 0) < settled_height)
                freeze = longest_freeze(low.samples, b, a)
                apart = [x for x in low.samples if (x.height(c, a) or 0) > (x.height(b, a) or 0)]
                measured(f"[{mode}] B at {LOW_KBIT} kbit/s: A below {settled_height}p from "
                         f"{'%.2fs' % down if down is not None else 'never'}, longest freeze {freeze:.2f}s; "
                         f"C (at {HIGH_KBIT}) got A at a higher layer than B in {len(apart)} of {len(low.samples)} samples")
                check(low, down is not None and down <= SWITCH_DOWN_DEADLINE,
                      f"B was not switched below {settled_height}p within {SWITCH_DOWN_DEADLINE:.0f}s of "
                      f"its link dropping to {LOW_KBIT} kbit/s: {[x.height(b, a) for x in low.samples]}")
                check(low, freeze <= MAX_FREEZE, f"B froze {freeze:.2f}s on A after its link dropped to {LOW_KBIT} kbit/s")
                tail = [x for x in low.samples if x.t_ms >= low.samples[0].t_ms + SETTLE_DEADLINE * 1000]
                check(low, bool(tail) and all((x.height(c, a) or 0) > (x.height(b, a) or 0) for x in tail),
                      f"B ({LOW_KBIT} kbit/s) and C ({HIGH_KBIT} kbit/s) did not get A at different layers "
                      f"after {SETTLE_DEADLINE:.0f}s: B {[x.height(b, a) for x in tail]}, "
                      f"C {[x.height(c, a) for x in tail]}")

                # Back to 2 Mbit/s: up again within 10 s.
                shaper.limit_rate(src_port=bridge.media_port, dst_port=b_port, kbit=HIGH_KBIT, queue_ms=QUEUE_MS)
                again = await run_phase(f"both {HIGH_KBIT} again", 0.5, shaper)
                up = first_time(again.samples, again.samples[0].t_ms, lambda x: (x.height(b, a) or 0) >= min(fitting))
                measured(f"[{mode}] B back at {HIGH_KBIT} kbit/s: A at >= {min(fitting)}p from "
                         f"{'%.1fs' % up if up is not None else 'never'} (the issue asks <= {SETTLE_DEADLINE:.0f}s)")
                # A probe waits at most 3 s after the last one failed on the 300 kbit/s link, then
                # doubles per round trip: 2.0-7.4 s in runs here on a loaded machine.
                check(again, up is not None and up <= SETTLE_DEADLINE,
                      f"B was not switched back up to {min(fitting)}p within {SETTLE_DEADLINE:.0f}s: "
                      f"{[x.height(b, a) for x in again.samples]}")
            all_estimates = [m["msg"].get("estimatedDownlinkBandwidth") for m in b.messages_of("ConnectionStats")]
            measured(f"[{mode}] every ConnectionStats to B: {all_estimates}; to A: "
                     f"{[m['msg'].get('estimatedDownlinkBandwidth') for m in a.messages_of('ConnectionStats')]}")
            if not all_estimates or not all(isinstance(e, int) and e > 0 for e in all_estimates):
                problems.append(f"B got no positive downlink estimate in ConnectionStats: {all_estimates}")
        finally:
            if call is not None:
                await call.close()

    run_async(scenario(), timeout=240)
    if not gate:
        problems[:] = [p for p in problems if "ConnectionStats" in p]
    # What CI prints of a failure is this message: it carries the phases' figures and the bridge's
    # estimates, so that a failure there can be read without the run's artifacts.
    assert not problems, "\n".join(problems + [line for phase in phases for line in phase.report]
                                    + [f"B={b.endpoint_id} C={c.endpoint_id}"] + bridge_estimates(bridge, b, c))
