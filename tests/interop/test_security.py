"""Hostile input while a three-party call runs: the call keeps flowing, the junk is dropped and counted.

  * a participant whose DTLS certificate does not match the fingerprint in its session-accept
  * 10 000 random datagrams from a loopback address the bridge never verified through ICE
  * a burst of malformed RTP/RTCP from a verified participant's own ICE address
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct

import pytest

from call import Call, eventually, run_async
from peer import Peer

pytestmark = pytest.mark.bridge

KEEPS_FLOWING = {"video": 20, "audio": 40}  # further frames from every sender, within 10 s


async def flowing_call(focus) -> Call:
    call = Call(focus)
    await call.join_all(Peer("A", hue=0), Peer("B", hue=1), Peer("C", hue=2))
    await call.wait_for_frames(video=50, audio=100, timeout=15)
    return call


async def assert_keeps_flowing(call: Call, peers, baseline) -> None:
    await call.wait_for_frames(video=KEEPS_FLOWING["video"], audio=KEEPS_FLOWING["audio"], timeout=10,
                               peers=peers, baseline=baseline)


def udp_rcvbuf_errors() -> int:
    """Kernel-side UDP drops in this network namespace (socket buffer full), for diagnostics."""
    try:
        lines = [l.split() for l in open("/proc/net/snmp") if l.startswith("Udp:")]
        header, values = lines[0], lines[1]
        return int(values[header.index("RcvbufErrors")])
    except (OSError, IndexError, ValueError):
        return 0


def test_wrong_dtls_fingerprint_gets_no_media(bridge, focus):
    async def scenario():
        call = await flowing_call(focus)
        good = list(call.peers)
        try:
            before = bridge.metrics()
            baseline = call.frame_matrix(good)
            mallory = await call.join(Peer("M", hue=3, wrong_fingerprint=True))
            rose = await eventually(lambda: bridge.metrics().dtls_failures > before.dtls_failures, 10)
            after = bridge.metrics()
            assert rose, f"no DTLS failure counted; changed metrics: {after.diff(before)}"
            await assert_keeps_flowing(call, good, baseline)
            await asyncio.sleep(1.0)
            assert mallory.total_received() == 0, f"M decoded media: {mallory.snapshot()}"
            assert mallory.channel is None or mallory.channel.readyState != "open", "M's bridge channel opened"
            for p in good:
                assert p.received_from(mallory, "audio") == 0 and p.received_from(mallory, "video") == 0, \
                    f"{p.name} decoded media from M: {p.snapshot()}"
            assert bridge.alive()
        finally:
            await call.close()

    run_async(scenario())


def test_random_datagrams_from_unverified_address_are_dropped(bridge, focus):
    count = 10_000

    async def scenario():
        call = await flowing_call(focus)
        try:
            before = bridge.metrics()
            kernel_before = udp_rcvbuf_errors()
            baseline = call.frame_matrix()
            rng = random.Random(0x5EED)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                # 127.0.0.0/8 is all loopback: this source address never did ICE with the bridge.
                s.bind(("127.0.0.77", 0))
                for i in range(count):
                    s.sendto(rng.randbytes(rng.randint(1, 1200)), bridge.media_address)
                    if i % 250 == 249:
                        await asyncio.sleep(0.01)  # stay under the socket buffer; keep the call's loop running
            kernel_lost = udp_rcvbuf_errors() - kernel_before
            expected = int((count - kernel_lost) * 0.99)
            ok = await eventually(lambda: bridge.metrics().drops - before.drops >= expected, 10)
            after = bridge.metrics()
            assert ok, (f"{count} datagrams sent (kernel dropped {kernel_lost}); drops rose by "
                        f"{after.drops - before.drops}, wanted >= {expected}; changed: {after.diff(before)}")
            await assert_keeps_flowing(call, call.peers, baseline)
            assert bridge.alive() and bridge.healthy()
        finally:
            await call.close()

    run_async(scenario())


def malformed_datagrams(rng: random.Random, ssrc: int, count: int) -> list[bytes]:
    """RTP/RTCP-range junk (first byte 128..191, RFC 7983) that no SRTP context accepts."""
    out = []
    for i in range(count):
        kind = i % 4
        if kind == 0:  # shorter than a fixed RTP header
            out.append(bytes([0x80]) + rng.randbytes(rng.randint(0, 10)))
        elif kind == 1:  # "SRTP" with the sender's real SSRC and a garbage payload/auth tag
            header = struct.pack("!BBHII", 0x80, 111, rng.getrandbits(16), rng.getrandbits(32), ssrc)
            out.append(header + rng.randbytes(rng.randint(1, 300)))
        elif kind == 2:  # header claims CSRCs and an extension beyond the datagram's end
            out.append(bytes([0x9F, 100]) + rng.randbytes(10))
        else:  # "SRTCP": RTCP packet types 200..206 with junk
            out.append(bytes([0x80 | rng.getrandbits(5), rng.randint(200, 206)]) + rng.randbytes(rng.randint(2, 200)))
    return out


def test_malformed_rtp_from_verified_peer_is_dropped(bridge, focus):
    count = 2_000

    async def scenario():
        call = await flowing_call(focus)
        try:
            a = call.peers[0]
            before = bridge.metrics()
            baseline = call.frame_matrix()
            audio_ssrc = next(s for s in a.sources if s.type == "audio").ssrcs[0]
            junk = malformed_datagrams(random.Random(7), audio_ssrc, count)
            for i, datagram in enumerate(junk):
                await a.send_raw(datagram)  # the nominated pair: A's verified address and port
                if i % 100 == 99:
                    await asyncio.sleep(0.01)
            expected = int(count * 0.99)
            ok = await eventually(lambda: bridge.metrics().drops - before.drops >= expected, 10)
            after = bridge.metrics()
            assert ok, (f"{count} malformed datagrams from A; drops rose by {after.drops - before.drops}, "
                        f"wanted >= {expected}; changed: {after.diff(before)}")
            # A's own stream (same SSRC as the junk) and everyone else's keep arriving.
            await assert_keeps_flowing(call, call.peers, baseline)
            assert bridge.alive()
        finally:
            await call.close()

    run_async(scenario())

