"""A participant attacks the others through the bridge while a three-party call runs.

A, B and C (the victims) are in a call; M is a fourth aiortc participant of the same conference, with
its own valid ICE credentials and DTLS keys, so everything it sends authenticates. Each test asserts
that (1) the victims' media kept flowing while the attack ran, (2) the bridge counted the attack under
its drop reason in /metrics, and (3) the specific harm did not happen:

  * routing hijack:   M's focus signals A's address as M's candidate; A must keep its media and consent
  * foreign SSRC:     M sends RTP under A's SSRCs and under 500 random SSRCs; nobody may receive it and
                      the bridge may not allocate per-SSRC state for it (RSS); likewise a visitor's media
  * NACK flood:       M asks for thousands of A's packets 100 times a second; the retransmissions M gets
                      stay within a per-receiver budget
  * spoofed reports:  M sends sender reports in A's name; no victim may receive them

Every check is evaluated even after an earlier one failed, and the failure lists all of them, so a
run against a vulnerable bridge shows every harm at once. `-s` prints the measured figures.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Optional

import pytest

import hostile_packets as H
from bridge_process import BridgeProcess
from call import Call, eventually, run_async
from focus import Candidate
from frame_sampler import FrameSampler, format_stalls, frame_delta
from packet_tap import PacketTap
from peer import Peer
from test_security import KEEPS_FLOWING, udp_rcvbuf_errors

# The aiortc reference bridge (interop-selfcheck) forwards everything to everyone by design.
pytestmark = [pytest.mark.bridge,
              pytest.mark.skipif(BridgeProcess().binary.suffix == ".py",
                                 reason="reference_bridge.py has none of the defences these tests check")]

MAX_STALL = 2.0  # s a victim's frame counter may stay flat while an attack runs (video 20 fps, audio 50 fps)
HIJACK_WATCH = 16.0  # > the consent interval of both sides (bridge 4–6 s, aioice 5 s), about three rounds
NACK_FLOOD_SECONDS = 10.0
NACK_RATE = 100  # compound packets per second
NACK_ENTRIES = 290  # FCI entries per NACK: ~1.2 KB, 4930 sequence numbers
RETRANSMISSION_BUDGET = 4_000_000 / 8  # bytes per second per receiver the bridge may spend on NACKs
FOREIGN_PER_SSRC = 50  # packets M forges under each of A's SSRCs
FLOOD_SSRCS = 500
RSS_GROWTH_LIMIT = 10 << 20
VIDEO_PT, AUDIO_PT = 100, 111  # what the test focus negotiates (focus.add_media)


class Verdict:
    """Collects failed checks and measured figures; `finish` prints the figures and fails with every problem."""

    def __init__(self, title: str):
        self.title = title
        self.problems: list[str] = []
        self.figures: list[str] = []

    def note(self, text: str) -> None:
        self.figures.append(text)

    def check(self, ok: bool, problem: str) -> bool:
        if not ok:
            self.problems.append(problem)
        return ok

    def finish(self) -> None:
        print(f"\n[{self.title}]\n  " + "\n  ".join(self.figures))
        assert not self.problems, f"{self.title}: " + "\n".join(f"({i + 1}) {p}" for i, p in enumerate(self.problems))


class Attack:
    """The call under attack: victims A, B, C with a PacketTap each, attacker M (sends no media of its own,
    swallows what it receives after its tap saw it)."""

    def __init__(self, call: Call, victims: list[Peer], mallory: Optional[Peer]):
        self.call = call
        self.victims = victims
        self.mallory = mallory
        self.taps = {p.name: PacketTap.on(p) for p in victims}
        self.mallory_tap = PacketTap.on(mallory, swallow_rtp=True) if mallory else None

    @property
    def a(self) -> Peer:
        return self.victims[0]

    def ssrc_of(self, peer: Peer, kind: str) -> int:
        return next(s for s in peer.sources if s.type == kind).primary_ssrcs[0]

    async def close(self) -> None:
        await self.call.close()


async def start_attack(focus, *, with_mallory: bool = True) -> Attack:
    call = Call(focus)
    victims = await call.join_all(Peer("A", hue=0), Peer("B", hue=1), Peer("C", hue=2))
    mallory = await call.join(Peer("M", hue=3, send_media=False)) if with_mallory else None
    attack = Attack(call, victims, mallory)
    await call.wait_for_frames(video=50, audio=100, timeout=20, peers=victims)
    if mallory is not None:
        connected = await eventually(lambda: mallory.pc.sctp.transport.state == "connected", 10)
        assert connected, f"M's DTLS did not connect: {mallory.describe()}"
    return attack


async def keeps_flowing(attack: Attack, baseline: dict) -> Optional[str]:
    """None if every victim decoded KEEPS_FLOWING more frames from every other victim since `baseline`."""
    try:
        await attack.call.wait_for_frames(video=KEEPS_FLOWING["video"], audio=KEEPS_FLOWING["audio"], timeout=10,
                                          peers=attack.victims, baseline=baseline)
        return None
    except AssertionError as e:
        return f"victims' media stopped: {str(e).splitlines()[1]}"


def stalls_problem(sampler: FrameSampler, since: float, until: float) -> tuple[str, Optional[str]]:
    stalls = sampler.longest_stalls(since=since, until=until)
    paused = {k: v for k, v in stalls.items() if v > MAX_STALL}
    summary = f"longest pause {max(stalls.values()):.2f}s" if stalls else "no samples"
    return summary, (f"media paused > {MAX_STALL}s while the attack ran: {format_stalls(paused)}" if paused else None)


async def counter_rose(bridge, reason: str, before, at_least: float, timeout: float = 10) -> tuple[float, bool]:
    ok = await eventually(lambda: bridge.metrics().drops_for(reason) - before.drops_for(reason) >= at_least, timeout)
    return bridge.metrics().drops_for(reason) - before.drops_for(reason), ok


def random_ssrcs(count: int, exclude: set[int], rng: random.Random) -> list[int]:
    out: set[int] = set()
    while len(out) < count:
        ssrc = rng.getrandbits(32)
        if ssrc and ssrc not in exclude:
            out.add(ssrc)
    return sorted(out)


# ------------------------------------------------------------------------------------------------
# 1. Routing hijack through a signalled candidate
# ------------------------------------------------------------------------------------------------


def test_candidate_with_another_participants_address_does_not_hijack_it(bridge, focus):
    async def scenario():
        attack = await start_attack(focus)
        a, m = attack.a, attack.mallory
        verdict = Verdict("routing hijack")
        sampler = FrameSampler(attack.call, peers=attack.victims).start()
        try:
            before = bridge.metrics()
            host, port = a.nominated_local_address()
            stolen = Candidate(foundation="1", component=1, protocol="udp", priority=2130706431,
                               ip=host, port=port, type="host")
            attacked_at = time.monotonic()
            responses = await asyncio.to_thread(focus.trickle, m.endpoint_id, m.answer.transport.ufrag,
                                                m.answer.transport.pwd, [stolen], check=False)
            verdict.note(f"M's transport-info with A's address {host}:{port}: HTTP {responses[0].status} "
                         f"{responses[0].condition or 'ok'}")
            # A fixed observation window, not a race: consent must be refreshed (and A's media keep
            # arriving) for longer than both sides' consent interval.
            await asyncio.sleep(HIJACK_WATCH)
            summary, paused = stalls_problem(sampler, attacked_at, time.monotonic())
            verdict.note(f"victims during the {HIJACK_WATCH:.0f}s after the attack: {summary}")
            verdict.check(paused is None, paused or "")
            delta = frame_delta(sampler.samples[0][1], attack.call.frame_matrix(attack.victims))
            verdict.note("frames from A since the attack: " + ", ".join(
                f"{r}<-A {k}: {n}" for (r, s, k), n in sorted(delta.items()) if s == "A"))
            verdict.check(a.pc.iceConnectionState in ("connected", "completed") and a.pc.connectionState == "connected",
                          f"A lost its connection: ice={a.pc.iceConnectionState} conn={a.pc.connectionState}")
            rose, ok = await counter_rose(bridge, "candidate_address_in_use", before, 1, timeout=2)
            verdict.note(f"drops{{candidate_address_in_use}} +{rose:.0f}")
            verdict.check(ok, f"drops{{reason=candidate_address_in_use}} did not rise; changed: "
                              f"{bridge.metrics().diff(before)}")
            verdict.check(bridge.alive(), "bridge died")
        finally:
            await sampler.stop()
            await attack.close()
        verdict.finish()

    run_async(scenario(), timeout=90)


# ------------------------------------------------------------------------------------------------
# 2. RTP under SSRCs the sender never signalled
# ------------------------------------------------------------------------------------------------


async def forge_rtp(m: Peer, packets: list[bytes], batch: int = 25) -> None:
    for i, packet in enumerate(packets):
        await m.send_srtp(packet)
        if i % batch == batch - 1:
            await asyncio.sleep(0.005)  # stay well inside socket buffers; let the victims' loop run


def test_rtp_under_foreign_or_unsignalled_ssrcs_reaches_nobody(bridge, focus):
    async def scenario():
        attack = await start_attack(focus)
        a, m, tap_m = attack.a, attack.mallory, attack.mallory_tap
        verdict = Verdict("foreign SSRC")
        rng = random.Random(0xBADC0DE)
        try:
            a_video, a_audio = attack.ssrc_of(a, "video"), attack.ssrc_of(a, "audio")
            seen = await eventually(lambda: a_video in tap_m.highest_sequence and a_audio in tap_m.highest_sequence, 10)
            assert seen, f"M never received A's streams: {dict(tap_m.rtp_packets)}"
            known = {s for p in attack.victims for src in p.sources for s in src.ssrcs}
            flood = random_ssrcs(FLOOD_SSRCS, known, rng)

            before = bridge.metrics()
            rss_before = bridge.rss_bytes()
            kernel_before = udp_rcvbuf_errors()
            baseline = attack.call.frame_matrix(attack.victims)
            # Under A's SSRCs, continuing the sequence numbers M has seen from A: what a receiver would accept.
            forged = []
            for ssrc, pt, payload in ((a_video, VIDEO_PT, H.vp8_payload()), (a_audio, AUDIO_PT, H.opus_payload())):
                first = tap_m.highest_sequence[ssrc] + 1
                forged += [H.rtp_packet(ssrc=ssrc, sequence_number=first + i, timestamp=rng.getrandbits(32),
                                        payload_type=pt, payload=payload, marker=True) for i in range(FOREIGN_PER_SSRC)]
            await forge_rtp(m, forged)
            await forge_rtp(m, [H.rtp_packet(ssrc=ssrc, sequence_number=rng.getrandbits(16), timestamp=rng.getrandbits(32),
                                             payload_type=VIDEO_PT, payload=H.vp8_payload(), marker=True)
                                for ssrc in flood])
            sent = len(forged) + len(flood)
            kernel_lost = udp_rcvbuf_errors() - kernel_before
            rose, ok = await counter_rose(bridge, "unknown_ssrc", before, int((sent - kernel_lost) * 0.95))
            rss_after = bridge.rss_bytes()
            growth = rss_after - rss_before
            cache = bridge.metrics().value("jitsi_jvb_packet_cache_bytes")
            verdict.note(f"sent {sent} forged packets ({len(forged)} under A's SSRCs, {len(flood)} new SSRCs), "
                         f"kernel lost {kernel_lost}; drops{{unknown_ssrc}} +{rose:.0f}")
            verdict.note(f"bridge RSS {rss_before / 2**20:.1f} -> {rss_after / 2**20:.1f} MiB (+{growth / 2**20:.1f}); "
                         f"packet_cache_bytes {before.value('jitsi_jvb_packet_cache_bytes') / 2**20:.1f} -> {cache / 2**20:.1f} MiB")
            verdict.check(ok, f"drops{{reason=unknown_ssrc}} rose by {rose:.0f}, wanted >= 95% of the {sent - kernel_lost} "
                              f"delivered; changed: {bridge.metrics().diff(before, ['jitsi_jvb_drops_total'])}")
            verdict.check(rose <= sent * 1.1, f"drops{{unknown_ssrc}} rose by {rose:.0f} for {sent} packets sent")
            verdict.check(growth < RSS_GROWTH_LIMIT,
                          f"bridge RSS grew by {growth / 2**20:.1f} MiB during the flood of {len(flood)} new SSRCs")

            verdict.check((problem := await keeps_flowing(attack, baseline)) is None, problem or "")
            flood_set = set(flood)
            for name, tap in attack.taps.items():
                as_a = {kind: tap.marked[ssrc] for kind, ssrc in (("video", a_video), ("audio", a_audio))}
                strays = len(flood_set & set(tap.rtp_packets))
                received = f"{tap.marked_total()} forged packets: under A's SSRCs {as_a}, under {strays} flood SSRCs"
                verdict.note(f"{name} received {received}")
                verdict.check(tap.marked_total() == 0 and strays == 0, f"{name} received {received}")
            verdict.check(bridge.alive(), "bridge died")
        finally:
            await attack.close()
        verdict.finish()

    run_async(scenario(), timeout=90)


def sent_rtp_packets(peer: Peer) -> int:
    return sum(s._RTCRtpSender__packet_count for s in peer.pc.getSenders())


async def until_steady(read, timeout: float, interval: float = 0.25) -> bool:
    """True once two reads `interval` apart agree (a sender that was told to stop has stopped)."""
    deadline = time.monotonic() + timeout
    last = read()
    while time.monotonic() < deadline:
        await asyncio.sleep(interval)
        current = read()
        if current == last:
            return True
        last = current
    return False


def test_visitor_media_reaches_nobody(bridge, focus):
    async def scenario():
        attack = await start_attack(focus, with_mallory=False)
        verdict = Verdict("visitor sends media")
        visitor = Peer("V", hue=3, visitor=True)  # sends audio and video, its sources never signalled
        try:
            await visitor.join(focus, remote_sources=[s for p in attack.victims for s in p.sources])
            ssrcs = {s for src in visitor.answer.sources for s in src.ssrcs}
            sending = await eventually(lambda: visitor.pc.connectionState == "connected" and sent_rtp_packets(visitor) > 0, 15)
            assert sending, f"the visitor never connected: {visitor.describe()}"
            before = bridge.metrics()
            sent_before = sent_rtp_packets(visitor)
            baseline = attack.call.frame_matrix(attack.victims)
            await eventually(lambda: sent_rtp_packets(visitor) - sent_before >= 150, 10)
            # Stop the visitor's media, so the drops can be compared with an exact number sent.
            for sender in visitor.pc.getSenders():
                sender.replaceTrack(None)
            await until_steady(lambda: sent_rtp_packets(visitor), timeout=3)
            sent = sent_rtp_packets(visitor) - sent_before
            rose, ok = await counter_rose(bridge, "unknown_ssrc", before, int(sent * 0.95))
            verdict.note(f"visitor sent {sent} RTP packets on SSRCs {sorted(ssrcs)}; drops{{unknown_ssrc}} +{rose:.0f}")
            verdict.check(ok, f"drops{{reason=unknown_ssrc}} rose by {rose:.0f} while the visitor sent {sent} packets; "
                              f"changed: {bridge.metrics().diff(before, ['jitsi_jvb_drops_total'])}")
            verdict.check((problem := await keeps_flowing(attack, baseline)) is None, problem or "")
            for name, tap in attack.taps.items():
                rtp = {s: n for s, n in tap.rtp_packets.items() if s in ssrcs}
                reports = {s: len(tap.sender_reports[s]) for s in ssrcs if tap.sender_reports.get(s)}
                verdict.note(f"{name} received from the visitor: RTP {rtp or 0}, sender reports {reports or 0}")
                verdict.check(not rtp, f"{name} received the visitor's RTP: {rtp}")
                verdict.check(not reports, f"{name} received the visitor's sender reports: {reports}")
                verdict.check(tap.marked_total() == 0, f"{name} received marked packets")
            verdict.check(visitor.total_received() > 0, f"the visitor decoded nothing (it should receive): {visitor.snapshot()}")
        finally:
            await visitor.close()
            await attack.close()
        verdict.finish()

    run_async(scenario(), timeout=90)


# ------------------------------------------------------------------------------------------------
# 3. NACK amplification
# ------------------------------------------------------------------------------------------------


def test_nack_flood_gets_at_most_the_retransmission_budget(bridge, focus):
    async def scenario():
        attack = await start_attack(focus)
        a, m, tap_m = attack.a, attack.mallory, attack.mallory_tap
        verdict = Verdict("NACK amplification")
        sampler = FrameSampler(attack.call, peers=attack.victims)
        try:
            m.enlarge_receive_buffer()  # count what the bridge sends, not what the kernel kept
            a_video = attack.ssrc_of(a, "video")
            assert await eventually(lambda: a_video in tap_m.highest_sequence, 10), "M never received A's video"

            # What M receives without attacking (three victims' audio and video, RTCP).
            quiet_from, quiet_bytes = time.monotonic(), tap_m.transport_bytes_received
            await asyncio.sleep(3.0)  # a measuring window, not a wait for an event
            normal_rate = (tap_m.transport_bytes_received - quiet_bytes) / (time.monotonic() - quiet_from)

            before = bridge.metrics()
            baseline = attack.call.frame_matrix(attack.victims)
            sampler.start()
            sender_ssrc = random.getrandbits(32)
            flood_from, flood_bytes = time.monotonic(), tap_m.transport_bytes_received
            nacks = 0
            for i in range(int(NACK_FLOOD_SECONDS * NACK_RATE)):
                packet = H.nack_compound(sender_ssrc=sender_ssrc, media_ssrc=a_video,
                                         highest=tap_m.highest_sequence[a_video], entries=NACK_ENTRIES)
                await m.send_srtp(packet)
                nacks += 1
                delay = flood_from + (i + 1) / NACK_RATE - time.monotonic()
                await asyncio.sleep(max(0.0, delay))
            flood_until = time.monotonic()
            await asyncio.sleep(0.5)  # retransmissions still queued when the last NACK went out
            received = tap_m.transport_bytes_received - flood_bytes
            window = time.monotonic() - flood_from
            bound = (normal_rate + RETRANSMISSION_BUDGET) * window * 1.5 + 256 * 1024
            after = bridge.metrics()
            bridge_sent = after.value("jitsi_jvb_bytes_sent") - before.value("jitsi_jvb_bytes_sent")
            verdict.note(f"{nacks} NACKs ({len(packet)} B, {NACK_ENTRIES * H.NACK_ENTRY_SPAN} seqs each) in "
                         f"{flood_until - flood_from:.1f}s")
            verdict.note(f"M received {received / 1e6:.2f} MB in {window:.1f}s = {received * 8 / window / 1e6:.1f} Mbit/s "
                         f"(without attack {normal_rate * 8 / 1e6:.2f} Mbit/s; bound {bound / 1e6:.2f} MB); "
                         f"bridge sent {bridge_sent / 1e6:.2f} MB to everyone meanwhile")
            verdict.check(received <= bound, f"M received {received / 1e6:.2f} MB during the NACK flood, more than "
                                             f"{bound / 1e6:.2f} MB (normal media + 4 Mbit/s, 1.5x)")
            rose, ok = await counter_rose(bridge, "retransmission_limited", before, 1, timeout=2)
            verdict.note(f"drops{{retransmission_limited}} +{rose:.0f}")
            verdict.check(ok, f"drops{{reason=retransmission_limited}} did not rise; changed: "
                              f"{bridge.metrics().diff(before, ['jitsi_jvb_drops_total'])}")
            summary, paused = stalls_problem(sampler, flood_from, flood_until)
            verdict.note(f"victims during the flood: {summary}")
            verdict.check(paused is None, paused or "")
            verdict.check((problem := await keeps_flowing(attack, baseline)) is None, problem or "")
            verdict.check(bridge.alive(), "bridge died")
        finally:
            await sampler.stop()
            await attack.close()
        verdict.finish()

    run_async(scenario(), timeout=90)


# ------------------------------------------------------------------------------------------------
# 4. Sender reports in another sender's name
# ------------------------------------------------------------------------------------------------


def test_sender_reports_in_another_senders_name_reach_nobody(bridge, focus):
    per_ssrc = 20

    async def scenario():
        attack = await start_attack(focus)
        a, m = attack.a, attack.mallory
        verdict = Verdict("spoofed sender reports")
        try:
            a_audio, a_video = attack.ssrc_of(a, "audio"), attack.ssrc_of(a, "video")
            before = bridge.metrics()
            baseline = attack.call.frame_matrix(attack.victims)
            for i in range(per_ssrc):
                for ssrc in (a_audio, a_video):
                    await m.send_srtp(H.sender_report(sender_ssrc=ssrc, rtp_timestamp=random.getrandbits(32)))
                await asyncio.sleep(0.02)
            sent = 2 * per_ssrc
            attacked_until = time.monotonic()
            rose, ok = await counter_rose(bridge, "spoofed_sender_report", before, int(sent * 0.9))
            verdict.note(f"M sent {sent} sender reports as A (audio {a_audio}, video {a_video}); "
                         f"drops{{spoofed_sender_report}} +{rose:.0f}")
            verdict.check(ok, f"drops{{reason=spoofed_sender_report}} rose by {rose:.0f} for {sent} sent; changed: "
                              f"{bridge.metrics().diff(before, ['jitsi_jvb_drops_total'])}")
            verdict.check((problem := await keeps_flowing(attack, baseline)) is None, problem or "")
            def genuine(name: str) -> int:
                return sum(1 for ntp in attack.taps[name].sender_reports.get(a_audio, []) if ntp != H.MARKER_NTP)
            genuine_before = {name: genuine(name) for name in attack.taps}
            for name, tap in attack.taps.items():
                spoofed = tap.sender_reports_with(H.MARKER_NTP)
                verdict.note(f"{name} received {sum(spoofed.values())} of M's sender reports {spoofed or ''}")
                verdict.check(not spoofed, f"{name} received sender reports with M's NTP timestamp: {spoofed}")
            # A's genuine reports must still reach B and C (aiortc sends one about every second).
            relayed = await eventually(lambda: all(genuine(n) > genuine_before[n] for n in ("B", "C")), 5)
            verdict.check(relayed, f"A's own sender reports stopped reaching B and C after the attack "
                                   f"({time.monotonic() - attacked_until:.1f}s)")
            verdict.check(bridge.alive(), "bridge died")
        finally:
            await attack.close()
        verdict.finish()

    run_async(scenario(), timeout=90)
