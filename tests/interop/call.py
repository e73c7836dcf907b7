"""A conference of aiortc peers on one bridge, orchestrated the way jicofo does it.

jicofo (without ssrc-rewriting) signals each participant the real sources of the others: in the
initial offer for those already present, and by source-add (here: a re-offer) for later joiners.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, Optional, TypeVar

from focus import Focus
from peer import Peer

T = TypeVar("T")


def run_async(coro: Awaitable[T], timeout: float = 120.0) -> T:
    """Runs a test scenario with an overall deadline, so a stuck negotiation cannot hang the suite."""
    async def bounded():
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(bounded())


class Call:
    def __init__(self, focus: Focus):
        self.focus = focus
        self.peers: list[Peer] = []

    async def join(self, peer: Peer) -> Peer:
        existing = [s for p in self.peers for s in p.sources]
        await peer.prepare(self.focus, remote_sources=existing)
        # Like jicofo on session-accept: source-add to the others first. Their receivers are then
        # registered before the bridge can have any media from the newcomer (it learns the
        # newcomer's ICE credentials only from the session-accept below).
        await asyncio.gather(*(p.add_remote_sources(peer.sources) for p in self.peers))
        await peer.accept(self.focus)
        self.peers.append(peer)
        return peer

    async def join_all(self, *peers: Peer) -> list[Peer]:
        for p in peers:
            await self.join(p)
        return list(peers)

    async def leave(self, peer: Peer) -> None:
        """Participant leaves: expire its endpoint, source-remove to the others."""
        self.peers.remove(peer)
        await asyncio.to_thread(self.focus.expire_endpoints, [peer.endpoint_id])
        ids = [s.id for s in peer.sources]
        await asyncio.gather(*(p.remove_remote_sources(ids) for p in self.peers))
        await peer.close()

    async def wait_channels_open(self, timeout: float = 10.0, peers: Optional[list[Peer]] = None) -> None:
        peers = peers if peers is not None else self.peers
        try:
            await asyncio.wait_for(asyncio.gather(*(p.channel_open.wait() for p in peers)), timeout)
        except asyncio.TimeoutError:
            raise AssertionError("bridge channel did not open within %ss:\n%s" % (timeout, self.describe())) from None

    def frame_matrix(self, peers: Optional[list[Peer]] = None) -> dict[str, dict[str, dict[str, int]]]:
        peers = peers if peers is not None else self.peers
        return {r.name: {s.name: {"audio": r.received_from(s, "audio"), "video": r.received_from(s, "video")}
                         for s in peers if s is not r} for r in peers}

    async def wait_for_frames(self, *, video: int, audio: int, timeout: float,
                              peers: Optional[list[Peer]] = None,
                              baseline: Optional[dict] = None) -> dict:
        """Until every peer decoded >= video/audio frames from every other peer (counted from
        `baseline`, a previous frame_matrix, if given). Raises AssertionError with the matrix."""
        peers = peers if peers is not None else self.peers
        deadline = time.monotonic() + timeout

        def satisfied(matrix) -> bool:
            for r, row in matrix.items():
                for s, c in row.items():
                    base = baseline[r][s] if baseline else {"audio": 0, "video": 0}
                    if c["video"] - base["video"] < video or c["audio"] - base["audio"] < audio:
                        return False
            return True

        while True:
            matrix = self.frame_matrix(peers)
            if satisfied(matrix):
                return matrix
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"not every peer decoded >= {video} video and >= {audio} audio frames from every other "
                    f"within {timeout}s\nmatrix (receiver -> sender): {matrix}\nbaseline: {baseline}\n{self.describe()}")
            await asyncio.sleep(0.25)

    def describe(self) -> str:
        return "\n".join(p.describe() for p in self.peers)

    async def close(self) -> None:
        await asyncio.gather(*(p.close() for p in self.peers), return_exceptions=True)


async def eventually(check: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(interval)
