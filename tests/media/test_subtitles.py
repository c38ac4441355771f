"""WebVTT from transcript segments, through the one WebVTT module the editor reads it back with."""

from __future__ import annotations

from core.review.vtt import parse, to_vtt


def test_webvtt_cues():
    vtt = to_vtt([
        {"start": 0.0, "end": 2.5, "text": " Xin chào bà con "},
        {"start": 2.5, "end": 2.5, "text": ""},
        {"start": 61.2, "end": 3725.04, "text": "a --> b <i>"},
    ], language="vi", tidy=True)
    lines = vtt.splitlines()
    assert lines[0] == "WEBVTT" and lines[1] == "Language: vi"
    assert "00:00:00.000 --> 00:00:02.500" in vtt
    assert "00:01:01.200 --> 01:02:05.040" in vtt
    assert "a → b &lt;i&gt;" in vtt
    assert vtt.count(" --> ") == 2


def test_cues_never_run_backwards():
    vtt = to_vtt([{"start": 5, "end": 6, "text": "x"}, {"start": 1, "end": 2, "text": "y"}], tidy=True)
    assert "00:00:06.000 --> 00:00:06.500" in vtt


def test_a_pipeline_track_comes_back_into_the_editor_as_written():
    segments = [{"start": 0.5, "end": 2.0, "text": "Hội Nông dân & Đoàn thanh niên"},
                {"start": 2.0, "end": 4.25, "text": "nhiệt độ < 5 °C, gió > cấp 6"}]
    once = parse(to_vtt(segments, language="vi", tidy=True))
    assert once == segments
    assert parse(to_vtt(once, language="vi")) == segments  # and again, after the editor saves it
