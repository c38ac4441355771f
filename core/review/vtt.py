"""WebVTT text to and from editable segments (start, end, text) for the subtitle editor."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.errors import FieldInvalid, Invalid

_TIMING = re.compile(r"^\s*(\d{1,2}:)?(\d{1,2}):(\d{2})[.,](\d{3})\s*-->\s*(\d{1,2}:)?(\d{1,2}):(\d{2})[.,](\d{3})")


def stamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _seconds(hours: str | None, minutes: str, secs: str, millis: str) -> float:
    return int((hours or "0:")[:-1]) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def to_vtt(segments: Iterable[Mapping[str, Any]], *, language: str | None = None) -> str:
    """One cue per non-empty segment; a cue's text cannot hold a blank line or '-->'."""
    cues: list[str] = []
    for segment in segments:
        text = "\n".join(line.strip() for line in str(segment.get("text") or "").replace("-->", "→").splitlines()
                         if line.strip())
        if text:
            cues.append(f"{len(cues) + 1}\n{stamp(float(segment['start']))} --> {stamp(float(segment['end']))}\n{text}")
    header = "WEBVTT" + (f"\nLanguage: {language}" if language else "")
    return "\n\n".join([header, *cues]) + "\n"


def parse(text: str) -> list[dict[str, Any]]:
    """The cues of a WebVTT document as segments; refuses text that is not WebVTT."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise Invalid("a subtitle track must start with WEBVTT", field="vtt")
    segments: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip().splitlines()
        for index, line in enumerate(lines):
            match = _TIMING.match(line)
            if match:
                g = match.groups()
                segments.append({"start": _seconds(*g[:4]), "end": _seconds(*g[4:]),
                                 "text": "\n".join(lines[index + 1:])})
                break
    return segments


def check_segments(segments: list[dict[str, Any]]) -> None:
    """Times must be numbers with each cue ending after it starts."""
    for number, segment in enumerate(segments, start=1):
        if segment["end"] <= segment["start"]:
            raise FieldInvalid("subtitle %(n)s ends before it starts", field=f"segment-{number}", n=number)
