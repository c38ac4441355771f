"""The whole media pipeline on one file, outside any database: probe → normalise → poster →
transcribe → language tag → subtitles. The task and the command line both call `run`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.settings import Settings
from media import normalise, thumbnails, transcribe
from media.langtag import LanguageTag, tag_audio, tag_text
from media.probe import ProbeResult, probe_file
from media.subtitles import to_webvtt

Progress = Callable[[int, str], None]  # (percent, step)


@dataclass(slots=True)
class Derived:
    role: str  # AssetRole
    path: Path
    mime: str
    kind: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


@dataclass(slots=True)
class PipelineResult:
    probe: ProbeResult
    derived: list[Derived] = field(default_factory=list)
    transcript: transcribe.TranscriptResult | None = None
    language: LanguageTag | None = None
    vtt: str | None = None

    def report(self) -> dict[str, Any]:
        """A JSON-able summary (the `bangtin media process` report)."""
        return {
            "ok": True,
            "kind": self.probe.kind,
            "probe": self.probe.to_dict(),
            "derived": [
                {"role": d.role, "file": str(d.path), "mime": d.mime, "width": d.width, "height": d.height,
                 "duration_s": d.duration_s, "size_bytes": d.path.stat().st_size}
                for d in self.derived
            ],
            "transcript": self.transcript.to_dict() if self.transcript else None,
            "language": self.language.to_dict() if self.language else None,
            "subtitles": bool(self.vtt),
        }


def _noop(_percent: int, _step: str) -> None:
    return None


def _video(src: Path, out: Path, probe: ProbeResult, progress: Progress) -> list[Derived]:
    dst = out / "video.mp4"
    facts = normalise.transcode_video(
        src, dst, probe, progress=lambda share: progress(10 + int(share * 50), "normalise")
    )
    progress(62, "poster")
    poster, thumb = thumbnails.save_poster(thumbnails.pick_poster(dst, float(facts["duration_s"])), out)
    size = (int(facts["width"]), int(facts["height"]))
    return [
        Derived("normalised", dst, "video/mp4", "video", *size, duration_s=float(facts["duration_s"])),
        Derived("poster", poster, "image/jpeg", "image", *size),
        Derived("thumbnail", thumb, "image/jpeg", "image"),
    ]


def _audio(src: Path, out: Path) -> list[Derived]:
    dst = out / "audio.m4a"
    facts = normalise.transcode_audio(src, dst)
    return [Derived("normalised", dst, "audio/mp4", "audio", duration_s=float(facts["duration_s"]))]


def _image(src: Path, out: Path) -> list[Derived]:
    dst, facts = thumbnails.normalise_image(src, out)
    from PIL import Image

    with Image.open(dst) as image:
        thumb = thumbnails.save_thumbnail(image, out)
    return [
        Derived("normalised", dst, str(facts["mime"]), "image", int(facts["width"]), int(facts["height"])),
        Derived("thumbnail", thumb, "image/jpeg", "image"),
    ]


def run(src: Path, out: Path, *, settings: Settings, text: str | None = None, progress: Progress | None = None,
        transcribe_options: dict[str, Any] | None = None) -> PipelineResult:
    """Process `src` into `out` (created); raise MediaRejected for a file that cannot be used."""
    step = progress or _noop
    out.mkdir(parents=True, exist_ok=True)
    step(2, "probe")
    probe = probe_file(src, max_seconds=settings.max_media_seconds)
    result = PipelineResult(probe=probe)
    step(10, "normalise")
    if probe.kind == "video":
        result.derived = _video(src, out, probe, step)
    elif probe.kind == "audio":
        result.derived = _audio(src, out)
    else:
        result.derived = _image(src, out)
    if probe.has_audio:
        step(70, "transcribe")
        audio = transcribe.load_audio(src)
        result.transcript = transcribe.transcribe(
            audio,
            model_dir=settings.whisper_model,
            vi_model_dir=settings.whisper_model_vi,
            on_segment=lambda share: step(70 + int(share * 25), "transcribe"),
            **(transcribe_options or {}),
        )
    step(96, "language")
    result.language = _language(result.transcript, text)
    if result.transcript and result.transcript.segments:
        language = result.language.language if result.language else None
        result.vtt = to_webvtt(result.transcript.segments, language=language)
        (out / "subtitles.vtt").write_text(result.vtt, encoding="utf-8")
    step(100, "done")
    return result


def _language(transcript: transcribe.TranscriptResult | None, text: str | None) -> LanguageTag | None:
    """Speech decides when there is speech; otherwise the caption or notice text; otherwise nothing."""
    if transcript is not None and transcript.status == "done" and transcript.language:
        return tag_audio(transcript.language, transcript.language_probability,
                         transcript.language_probabilities, transcript.text)
    if text and text.strip():
        return tag_text(text)
    return None
