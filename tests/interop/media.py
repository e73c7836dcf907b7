"""Synthetic sending tracks: a sine tone (so Opus encodes real, non-silent frames; a bridge may drop
audio whose level says silence, colibri2.md §5.3) and a moving pattern (so VP8 sends real deltas)."""

from __future__ import annotations

import asyncio
import fractions
import math
import struct
import time

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame, VideoFrame

AUDIO_RATE = 48000
AUDIO_PTIME = 0.020
VIDEO_CLOCK = 90000


class ToneTrack(MediaStreamTrack):
    """48 kHz mono s16 sine, 20 ms frames, paced in real time."""

    kind = "audio"

    def __init__(self, frequency: float = 440.0, amplitude: float = 0.3):
        super().__init__()
        self.samples = int(AUDIO_RATE * AUDIO_PTIME)
        # One second holds an integer number of periods for integer frequencies, so cycling it is seamless.
        f = round(frequency)
        peak = int(32767 * amplitude)
        self._second = struct.pack(f"<{AUDIO_RATE}h", *(int(peak * math.sin(2 * math.pi * f * i / AUDIO_RATE))
                                                          for i in range(AUDIO_RATE)))
        self._pts = 0
        self._start: float | None = None

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            self._pts += self.samples
            await asyncio.sleep(max(0.0, self._start + self._pts / AUDIO_RATE - time.time()))
        offset = (self._pts % AUDIO_RATE) * 2
        frame = AudioFrame(format="s16", layout="mono", samples=self.samples)
        frame.planes[0].update(self._second[offset:offset + self.samples * 2])
        frame.pts = self._pts
        frame.sample_rate = AUDIO_RATE
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        return frame


class PatternTrack(MediaStreamTrack):
    """yuv420p frames with a diagonal gradient that scrolls by a few pixels per frame."""

    kind = "video"

    def __init__(self, width: int = 320, height: int = 240, fps: int = 20, hue: int = 0):
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self._u = bytes([(64 + hue * 53) % 256]) * ((width // 2) * (height // 2))
        self._v = bytes([(192 + hue * 97) % 256]) * ((width // 2) * (height // 2))
        period = 2 * width
        self._row = bytes(16 + (i * 219 // period) for i in range(period)) * 2
        self._index = 0
        self._start: float | None = None

    async def recv(self) -> VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            self._index += 1
            await asyncio.sleep(max(0.0, self._start + self._index / self.fps - time.time()))
        frame = VideoFrame(width=self.width, height=self.height, format="yuv420p")
        shift = (self._index * 4) % (2 * self.width)
        y = b"".join(self._row[(shift + r) % (2 * self.width):][:self.width] for r in range(self.height))
        frame.planes[0].update(y)
        frame.planes[1].update(self._u)
        frame.planes[2].update(self._v)
        frame.pts = self._index * VIDEO_CLOCK // self.fps
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        return frame
