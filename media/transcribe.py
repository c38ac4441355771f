"""Speech to text with faster-whisper from a local CTranslate2 model directory: int8 on CPU, VAD on.

Nothing is ever downloaded: a model directory must hold `model.bin` and `tokenizer.json` (without
the latter faster-whisper would fetch one from the Hugging Face hub). Without a usable model the
status is "unavailable" with the reason, and no text is made up.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

SAMPLE_RATE = 16_000
WINDOW_SECONDS = 30
LANGUAGE_WINDOWS = 3
REQUIRED_FILES = ("model.bin", "tokenizer.json")


@dataclass(slots=True)
class TranscriptResult:
    status: str  # JobStatus: done | unavailable | failed
    model: str | None = None
    language: str | None = None
    language_probability: float | None = None
    language_probabilities: dict[str, float] = field(default_factory=dict)
    text: str | None = None
    segments: list[dict[str, Any]] = field(default_factory=list)
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def model_problem(path: Path | None) -> str | None:
    """Why `path` cannot be used as a model directory, or None when it can."""
    if path is None:
        return "no speech model configured (BANGTIN_WHISPER_MODEL)"
    if not path.is_dir():
        return f"speech model directory {path} does not exist"
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        return f"speech model directory {path} lacks {', '.join(missing)}"
    return None


@lru_cache(maxsize=2)
def load_model(path: str, cpu_threads: int = 0) -> Any:
    """Load (once per process) a WhisperModel from a local directory, int8 on CPU."""
    from faster_whisper import WhisperModel  # heavy: imported only in worker processes

    threads = cpu_threads or max(1, os.cpu_count() or 1)
    model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True)
    _reuse_work(model)
    return model


def _key(array: np.ndarray, *extra: object) -> tuple[object, ...]:
    return (hashlib.blake2b(np.ascontiguousarray(array).tobytes(), digest_size=16).digest(), array.shape, *extra)


def _reuse_work(model: Any) -> None:
    """Our language detection computes the same mel features and encoder outputs that faster-whisper
    computes again when it transcribes; remember the last few so each window is encoded once."""
    encode, extractor = model.encode, model.feature_extractor
    encoded: OrderedDict[tuple[object, ...], Any] = OrderedDict()
    features: OrderedDict[tuple[object, ...], np.ndarray] = OrderedDict()

    def remember(cache: OrderedDict, key: tuple[object, ...], make: Callable[[], Any]) -> Any:
        if key not in cache:
            cache[key] = make()
            while len(cache) > LANGUAGE_WINDOWS:
                cache.popitem(last=False)
        return cache[key]

    class Extractor:
        def __call__(self, waveform: np.ndarray, padding: int = 160, chunk_length: int | None = None) -> np.ndarray:
            key = _key(waveform, padding, chunk_length)
            return remember(features, key, lambda: extractor(waveform, padding=padding, chunk_length=chunk_length))

        def __getattr__(self, name: str) -> Any:
            return getattr(extractor, name)

    model.encode = lambda window: remember(encoded, _key(window), lambda: encode(window))
    model.feature_extractor = Extractor()
    # Forget between recordings: the reuse is within one transcription, never across jobs.
    def forget() -> None:
        encoded.clear()
        features.clear()

    model.bangtin_forget = forget


def load_audio(path: Path) -> np.ndarray:
    """Decode any audio track PyAV reads to 16 kHz mono float32."""
    from faster_whisper.audio import decode_audio

    return decode_audio(str(path), sampling_rate=SAMPLE_RATE)


def speech_only(audio: np.ndarray) -> tuple[np.ndarray, list[dict[str, int]]]:
    """The speech of `audio` (Silero VAD, shipped inside faster-whisper) and where it was."""
    from faster_whisper.vad import collect_chunks, get_speech_timestamps

    chunks = get_speech_timestamps(audio)
    if not chunks:
        return audio[:0], []
    pieces, _ = collect_chunks(audio, chunks)
    return np.concatenate(pieces), chunks


def detect_language(
    model: Any, speech: np.ndarray, *, windows: int = LANGUAGE_WINDOWS
) -> tuple[str, float, dict[str, float]]:
    """Whisper's language probabilities averaged over up to `windows` 30-second windows of speech."""
    from faster_whisper.audio import pad_or_trim

    # Cut the windows exactly as faster-whisper's transcribe loop does, so it reuses our encodings.
    features = model.feature_extractor(speech)
    content = features.shape[-1] - 1
    frames = model.feature_extractor.nb_max_frames
    totals: dict[str, float] = {}
    count = 0
    for seek in range(0, max(1, content), frames):
        if count == windows:
            break
        encoded = model.encode(pad_or_trim(features[:, seek : seek + min(frames, content - seek)]))
        for token, probability in model.model.detect_language(encoded)[0]:
            code = token[2:-2]  # "<|vi|>" → "vi"
            totals[code] = totals.get(code, 0.0) + probability
        count += 1
    averaged = {code: total / count for code, total in totals.items()}
    language = max(averaged, key=lambda code: averaged[code])
    return language, averaged[language], averaged


def transcribe(audio: np.ndarray, *, model_dir: Path | None, vi_model_dir: Path | None = None,
               beam_size: int = 5, max_new_tokens: int | None = None,
               on_segment: Callable[[float], None] | None = None, **options: Any) -> TranscriptResult:
    """Detect the language, then transcribe (with the Vietnamese model when one is set and fits)."""
    problem = model_problem(model_dir)
    if problem:
        return TranscriptResult(status="unavailable", detail=problem)
    assert model_dir is not None
    model = load_model(str(model_dir))
    model.bangtin_forget()
    speech, chunks = speech_only(audio)
    if len(speech) < SAMPLE_RATE // 2:
        return TranscriptResult(status="done", model=model_dir.name, text="", detail="no speech found")
    language, probability, probabilities = detect_language(model, speech)
    chosen, chosen_dir = model, model_dir
    if language == "vi" and vi_model_dir is not None and model_problem(vi_model_dir) is None:
        chosen, chosen_dir = load_model(str(vi_model_dir)), vi_model_dir
        chosen.bangtin_forget()
    duration = len(audio) / SAMPLE_RATE
    segments: list[dict[str, Any]] = []
    from faster_whisper.transcribe import restore_speech_timestamps

    # VAD ran once above: transcribe the speech alone, then map times back onto the recording.
    pieces, _info = chosen.transcribe(
        speech,
        language=language,
        task="transcribe",
        beam_size=beam_size,
        vad_filter=False,
        condition_on_previous_text=False,  # a misheard window must not poison the next one
        max_new_tokens=max_new_tokens,
        **options,
    )
    for piece in restore_speech_timestamps(pieces, chunks, SAMPLE_RATE):
        segments.append({"start": round(piece.start, 3), "end": round(piece.end, 3), "text": piece.text.strip()})
        if on_segment and duration:
            on_segment(min(1.0, piece.end / duration))
    top = dict(sorted(probabilities.items(), key=lambda kv: -kv[1])[:10])
    return TranscriptResult(
        status="done",
        model=chosen_dir.name,
        language=language,
        language_probability=round(probability, 4),
        language_probabilities={k: round(v, 4) for k, v in top.items()},
        text=" ".join(s["text"] for s in segments if s["text"]),
        segments=segments,
    )
