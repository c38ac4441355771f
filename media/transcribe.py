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


# Whisper's own codes for the board languages it knows; any other answer, or a weak one, is a guess.
KNOWN_LANGUAGES = frozenset({"vi", "en", "zh", "yue"})
MIN_PROBABILITY = 0.6
# A pass forced to Vietnamese counts only if the decoder was this sure of its words and did not loop
# (espeak-ng Vietnamese read by Whisper base: fluent passes -0.56 to -0.73, Thái/Mông speech -0.93 to -1.94).
FORCED_MIN_LOGPROB = -0.8
# ... and only when Whisper gave Vietnamese a real share: unsure between Vietnamese and another
# language, not sure it hears something else (espeak Mandarin: Thai 0.63, Vietnamese under 0.03).
VI_MIN_SHARE = 0.15
MAX_COMPRESSION = 2.0


@dataclass(slots=True)
class TranscriptResult:
    status: str  # JobStatus: done | draft (undetermined language: the editor's to accept) | unavailable | failed
    model: str | None = None
    language: str | None = None
    language_probability: float | None = None
    language_probabilities: dict[str, float] = field(default_factory=dict)
    text: str | None = None
    segments: list[dict[str, Any]] = field(default_factory=list)
    detail: str | None = None
    path: str = "detected"  # detected | forced_vi (confirmed by the text tagger) | forced_vi_refused

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


def determined(language: str | None, probability: float | None) -> bool:
    """Whisper named a board language it knows, with confidence."""
    return language in KNOWN_LANGUAGES and (probability or 0.0) >= MIN_PROBABILITY


@dataclass(slots=True)
class _Pass:
    segments: list[dict[str, Any]]
    logprob: float  # mean token log-probability, weighted by segment length
    compression: float  # the worst segment's gzip ratio: above 2.0 the decoder was looping


def _run(model: Any, speech: np.ndarray, chunks: list[dict[str, int]], language: str, duration: float,
         on_segment: Callable[[float], None] | None, **options: Any) -> _Pass:
    from faster_whisper.transcribe import restore_speech_timestamps

    # VAD ran once already: transcribe the speech alone, then map times back onto the recording.
    # A misheard window must not poison the next: no conditioning on the previous text unless asked.
    options = {"condition_on_previous_text": False, **options}
    pieces, _info = model.transcribe(speech, language=language, task="transcribe", vad_filter=False, **options)
    segments: list[dict[str, Any]] = []
    weighted = length = compression = 0.0
    for piece in restore_speech_timestamps(pieces, chunks, SAMPLE_RATE):
        segments.append({"start": round(piece.start, 3), "end": round(piece.end, 3), "text": piece.text.strip()})
        span = max(0.01, piece.end - piece.start)
        weighted, length = weighted + piece.avg_logprob * span, length + span
        compression = max(compression, piece.compression_ratio)
        if on_segment and duration:
            on_segment(min(1.0, piece.end / duration))
    return _Pass(segments, weighted / length if length else -10.0, compression)


def _text(segments: list[dict[str, Any]]) -> str:
    return " ".join(s["text"] for s in segments if s["text"])


def _heard(probabilities: dict[str, float]) -> str:
    top = sorted(probabilities.items(), key=lambda kv: -kv[1])[:3]
    return ", ".join(f"{code} {share:.2f}" for code, share in top)


def transcribe(audio: np.ndarray, *, model_dir: Path | None, vi_model_dir: Path | None = None,
               beam_size: int = 5, max_new_tokens: int | None = None, likely_vietnamese: bool = False,
               on_segment: Callable[[float], None] | None = None, **options: Any) -> TranscriptResult:
    """Detect the language, then transcribe (with the Vietnamese model when one is set and fits).

    Speech Whisper cannot place (a minority language, or weak probabilities) gives a `draft`: kept for
    the editor, marked why, never a subtitle track by itself. When Vietnamese is likely (the caption,
    the unit's history) a second pass forced to Vietnamese is tried first, and kept only if the text
    tagger confirms its text is Vietnamese; `path` records which way it went."""
    from media.langtag import tag_text

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
    vi_model, vi_dir = model, model_dir
    if vi_model_dir is not None and model_problem(vi_model_dir) is None:
        vi_model, vi_dir = load_model(str(vi_model_dir)), vi_model_dir
        vi_model.bangtin_forget()
    duration = len(audio) / SAMPLE_RATE
    run = {"beam_size": beam_size, "max_new_tokens": max_new_tokens, **options}
    top = {k: round(v, 4) for k, v in sorted(probabilities.items(), key=lambda kv: -kv[1])[:10]}
    result = TranscriptResult(status="done", model=model_dir.name, language=language,
                              language_probability=round(probability, 4), language_probabilities=top)
    if determined(language, probability):
        chosen, chosen_dir = (vi_model, vi_dir) if language == "vi" else (model, model_dir)
        result.segments = _run(chosen, speech, chunks, language, duration, on_segment, **run).segments
        result.model, result.text = chosen_dir.name, _text(result.segments)
        return result
    why = f"undetermined language: Whisper heard {_heard(probabilities)}"
    # Speech Whisper cannot place makes it loop and retry at rising temperatures (40 s for 4 s of
    # Mông): one greedy-free pass at temperature 0 is enough for a draft nobody will air unread.
    run.setdefault("temperature", 0.0)
    if likely_vietnamese and probabilities.get("vi", 0.0) >= VI_MIN_SHARE:
        forced = _run(vi_model, speech, chunks, "vi", duration, on_segment, **run)
        tag = tag_text(_text(forced.segments))
        # Forced to Vietnamese, Whisper writes Vietnamese syllables even for Thái or Mông speech; so
        # the text tagger's word is not enough: the decoder must also have been sure of its words.
        fluent = forced.logprob >= FORCED_MIN_LOGPROB and forced.compression <= MAX_COMPRESSION
        if tag.language == "vi" and not tag.needs_review and fluent:
            result.segments, result.text, result.model = forced.segments, _text(forced.segments), vi_dir.name
            result.language, result.path = "vi", "forced_vi"
            result.detail = (f"{why}; a pass forced to Vietnamese was confirmed by the text tagger "
                             f"({tag.confidence:.2f}, log-probability {forced.logprob:.2f})")
            return result
        result.path = "forced_vi_refused"
        why += (f"; a pass forced to Vietnamese was refused (text tag {tag.language} {tag.confidence:.2f}, "
                f"log-probability {forced.logprob:.2f}, compression {forced.compression:.2f})")
    result.segments = _run(model, speech, chunks, language, duration, on_segment, **run).segments
    result.text, result.status = _text(result.segments), "draft"
    result.detail = f"{why}; a machine draft only, for the editor to accept or rewrite"
    return result
