"""Samples a call's decoded-frame counters in the background, to show media never paused.

A frame-count threshold reached at the end of a window ("≥ 50 frames") would miss a two-second
freeze in the middle of it; the XMPP tests need the stronger statement that every receiver kept
decoding every sender's audio and video while prosody was down or the bridge was shutting down.
"""

from __future__ import annotations

import asyncio
import time
from typing import Optional

from call import Call

Key = tuple[str, str, str]  # (receiver name, sender name, "audio" | "video")


class FrameSampler:
    def __init__(self, call: Call, interval: float = 0.2, peers: Optional[list] = None):
        self.call = call
        self.interval = interval
        self.peers = peers  # None: every peer of the call
        self.samples: list[tuple[float, dict]] = []  # (time.monotonic(), call.frame_matrix())
        self._task: Optional[asyncio.Task] = None

    def start(self) -> "FrameSampler":
        self._task = asyncio.ensure_future(self._run())
        return self

    async def _run(self) -> None:
        while True:
            self.samples.append((time.monotonic(), self.call.frame_matrix(self.peers)))
            await asyncio.sleep(self.interval)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self.samples.append((time.monotonic(), self.call.frame_matrix(self.peers)))

    def longest_stalls(self, since: float = 0.0, until: float = float("inf")) -> dict[Key, float]:
        """For each (receiver, sender, kind): the longest time in [since, until] during which the
        counter did not rise (measured between samples, so resolution = interval)."""
        window = [(t, m) for t, m in self.samples if since <= t <= until]
        stalls: dict[Key, float] = {}
        last_rise: dict[Key, float] = {}
        previous: dict[Key, int] = {}
        for t, matrix in window:
            for receiver, row in matrix.items():
                for sender, counts in row.items():
                    for kind, value in counts.items():
                        key = (receiver, sender, kind)
                        if key not in previous or value > previous[key]:
                            last_rise[key] = t
                        previous[key] = value
                        stalls[key] = max(stalls.get(key, 0.0), t - last_rise[key])
        return stalls

    def span(self) -> float:
        return self.samples[-1][0] - self.samples[0][0] if len(self.samples) > 1 else 0.0


def format_stalls(stalls: dict[Key, float]) -> str:
    return ", ".join(f"{r}<-{s} {k}: {v:.2f}s" for (r, s, k), v in sorted(stalls.items()))


def frame_delta(before: dict, after: dict) -> dict[Key, int]:
    """after - before for two call.frame_matrix() snapshots."""
    return {(r, s, k): after[r][s][k] - before[r][s][k]
            for r, row in after.items() if r in before
            for s, counts in row.items() if s in before[r]
            for k in counts}
