"""WebVTT tracks from transcript segments (editable later; translators attach further tracks)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def _stamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _cue_text(text: str) -> str:
    # A blank line ends a cue and "-->" starts a timing line, so neither may appear inside one.
    lines = [line.strip() for line in text.replace("-->", "→").splitlines() if line.strip()]
    return "\n".join(lines).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(segments: Iterable[Mapping[str, Any]], *, language: str | None = None) -> str:
    """One cue per segment with text; timestamps as `HH:MM:SS.mmm`, cues never run backwards."""
    header = "WEBVTT" + (f"\nLanguage: {language}" if language else "")
    cues: list[str] = []
    last_end = 0.0
    for segment in segments:
        text = _cue_text(str(segment.get("text") or ""))
        if not text:
            continue
        start = max(float(segment["start"]), last_end)
        end = max(float(segment["end"]), start + 0.5)
        last_end = end
        cues.append(f"{len(cues) + 1}\n{_stamp(start)} --> {_stamp(end)}\n{text}")
    return "\n\n".join([header, *cues]) + "\n"
