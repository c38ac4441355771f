"""A speech-like test signal (voiced syllables with moving formants) that a VAD accepts as speech."""

from __future__ import annotations

import numpy as np

RATE = 16_000


def _resonator(signal: np.ndarray, freq: float, bandwidth: float) -> np.ndarray:
    """A two-pole resonance (one formant), applied sample by sample with numpy-friendly recursion."""
    r = np.exp(-np.pi * bandwidth / RATE)
    a1, a2 = -2 * r * np.cos(2 * np.pi * freq / RATE), r * r
    out = np.zeros_like(signal)
    y1 = y2 = 0.0
    for i, x in enumerate(signal):
        y = x - a1 * y1 - a2 * y2
        out[i] = y
        y2, y1 = y1, y
    return out


def speechlike(seconds: float, *, seed: int = 0) -> np.ndarray:
    """Syllables of ~0.25 s (a rising-falling pitch around 150 Hz, vowel formants), short pauses."""
    rng = np.random.default_rng(seed)
    total = int(seconds * RATE)
    out = np.zeros(total, np.float32)
    position = int(0.2 * RATE)
    vowels = [(730, 1090), (270, 2290), (300, 870), (530, 1840), (660, 1720)]
    while position < total - RATE // 4:
        length = int(rng.uniform(0.18, 0.32) * RATE)
        t = np.arange(length) / RATE
        pitch = 150 * (1 + 0.15 * np.sin(np.pi * t / t[-1])) * rng.uniform(0.85, 1.2)
        phase = np.cumsum(2 * np.pi * pitch / RATE)
        pulses = (np.sin(phase) > 0.95).astype(np.float64) + 0.02 * rng.standard_normal(length)
        f1, f2 = vowels[rng.integers(len(vowels))]
        voiced = _resonator(pulses, f1, 90) + 0.6 * _resonator(pulses, f2, 120)
        envelope = np.sin(np.pi * np.arange(length) / length) ** 0.5
        syllable = voiced * envelope
        syllable /= np.abs(syllable).max() + 1e-9
        out[position : position + length] = 0.5 * syllable
        position += length + int(rng.uniform(0.03, 0.12) * RATE) + (int(0.4 * RATE) if rng.random() < 0.1 else 0)
    return out
