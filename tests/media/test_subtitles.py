"""WebVTT from transcript segments."""

from __future__ import annotations

from media.subtitles import to_webvtt


def test_webvtt_cues():
    vtt = to_webvtt([
        {"start": 0.0, "end": 2.5, "text": " Xin chào bà con "},
        {"start": 2.5, "end": 2.5, "text": ""},
        {"start": 61.2, "end": 3725.04, "text": "a --> b <i>"},
    ], language="vi")
    lines = vtt.splitlines()
    assert lines[0] == "WEBVTT" and lines[1] == "Language: vi"
    assert "00:00:00.000 --> 00:00:02.500" in vtt
    assert "00:01:01.200 --> 01:02:05.040" in vtt
    assert "a → b &lt;i&gt;" in vtt
    assert vtt.count(" --> ") == 2


def test_cues_never_run_backwards():
    vtt = to_webvtt([{"start": 5, "end": 6, "text": "x"}, {"start": 1, "end": 2, "text": "y"}])
    assert "00:00:06.000 --> 00:00:06.500" in vtt
