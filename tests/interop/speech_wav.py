"""A speech-like WAV for Chromium's fake microphone (--use-file-for-fake-audio-capture).

Dominant-speaker detection (Volfin & Cohen, as JVB and meetpad-bridge implement it) reads the
ssrc-audio-level extension in short, medium and long windows: it wants level changes at syllable
rate (a few Hz) above a steady floor, which a plain tone does not give. So this writes voiced
"syllables": a harmonic series on a gliding pitch (110-220 Hz), shaped by two formant-like peaks,
4-6 per second with a raised-cosine envelope, separated by short pauses that keep a faint noise
floor (never digital zero, so the bridge's silence filter does not drop the pauses). Deterministic
(seeded), standard library only, so the file is the same on every run.
"""

from __future__ import annotations

import math
import random
import struct
import wave
from pathlib import Path

RATE = 48000


def _syllable(rng: random.Random, seconds: float, amplitude: float) -> list[float]:
    n = int(seconds * RATE)
    f0_start = rng.uniform(110, 220)
    f0_end = f0_start * rng.uniform(0.8, 1.2)
    formants = (rng.uniform(500, 900), rng.uniform(1100, 2200))
    harmonics = []
    for k in range(1, 24):
        weight = sum(math.exp(-((k * f0_start - f) / 250.0) ** 2) for f in formants) + 0.3 / k
        harmonics.append((k, weight))
    norm = sum(w for _, w in harmonics)
    out = []
    phase = 0.0
    for i in range(n):
        f0 = f0_start + (f0_end - f0_start) * i / n
        phase += 2 * math.pi * f0 / RATE
        envelope = 0.5 - 0.5 * math.cos(2 * math.pi * i / n)
        voiced = sum(w * math.sin(k * phase) for k, w in harmonics) / norm
        out.append(amplitude * envelope * (voiced + 0.05 * rng.uniform(-1, 1)))
    return out


def speech_samples(seconds: float = 8.0, seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    samples: list[float] = []
    while len(samples) < seconds * RATE:
        samples += _syllable(rng, rng.uniform(0.12, 0.24), rng.uniform(0.35, 0.7))
        pause = int(rng.uniform(0.04, 0.12 if rng.random() < 0.8 else 0.3) * RATE)
        samples += [0.003 * rng.uniform(-1, 1) for _ in range(pause)]
    return samples[:int(seconds * RATE)]


def write_speech_wav(path: Path, seconds: float = 8.0) -> Path:
    """16-bit mono 48 kHz; Chromium loops the file."""
    path = Path(path)
    if path.exists():
        return path
    data = b"".join(struct.pack("<h", max(-32767, min(32767, int(s * 32767)))) for s in speech_samples(seconds))
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data)
    tmp.replace(path)
    return path
