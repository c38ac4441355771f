"""The real faster-whisper path on a tiny random-weight model: flow and types, never the text."""

from __future__ import annotations

import shutil

import pytest
from speechlike import speechlike

from core.settings import Settings
from media import pipeline, transcribe


def test_no_model_means_unavailable_not_fake_text():
    result = transcribe.transcribe(speechlike(2), model_dir=None)
    assert result.status == "unavailable" and result.text is None and result.segments == []
    assert "BANGTIN_WHISPER_MODEL" in (result.detail or "")


def test_model_without_tokenizer_is_refused_before_any_download(tiny_whisper, tmp_path):
    broken = tmp_path / "no-tokenizer"
    shutil.copytree(tiny_whisper, broken)
    (broken / "tokenizer.json").unlink()
    result = transcribe.transcribe(speechlike(2), model_dir=broken)
    assert result.status == "unavailable" and "tokenizer.json" in (result.detail or "")


def test_tiny_model_transcribes_with_timestamps(tiny_whisper):
    result = transcribe.transcribe(speechlike(5), model_dir=tiny_whisper, beam_size=1, max_new_tokens=6)
    assert result.status == "done" and result.model == tiny_whisper.name
    assert isinstance(result.language, str) and 0.0 <= (result.language_probability or -1) <= 1.0
    assert (
        abs(sum(transcribe.detect_language(transcribe.load_model(str(tiny_whisper)), speechlike(3))[2].values()) - 1)
        < 0.05
    )
    assert isinstance(result.text, str)
    for segment in result.segments:
        assert set(segment) == {"start", "end", "text"}
        assert isinstance(segment["start"], float) and segment["end"] >= segment["start"]


def test_silence_gives_no_speech(tiny_whisper):
    import numpy as np

    result = transcribe.transcribe(np.zeros(16000 * 3, np.float32), model_dir=tiny_whisper)
    assert result.status == "done" and result.text == "" and result.segments == []


def test_vietnamese_model_is_used_for_vietnamese(tiny_whisper, monkeypatch):
    model = transcribe.load_model(str(tiny_whisper))
    monkeypatch.setattr(transcribe, "detect_language", lambda *_a, **_k: ("vi", 0.9, {"vi": 0.9}))
    loaded: list[str] = []
    real = transcribe.load_model

    def spy(path: str, cpu_threads: int = 0):
        loaded.append(path)
        return real(path) if path == str(tiny_whisper) else model

    monkeypatch.setattr(transcribe, "load_model", spy)
    vi_dir = tiny_whisper.parent / "phowhisper-ct2"
    if not vi_dir.exists():
        shutil.copytree(tiny_whisper, vi_dir)
    result = transcribe.transcribe(speechlike(3), model_dir=tiny_whisper, vi_model_dir=vi_dir, max_new_tokens=4)
    assert result.model == "phowhisper-ct2" and loaded[-1] == str(vi_dir)


def test_pipeline_stores_transcript_and_subtitles(sample, tiny_whisper, tmp_path):
    settings = Settings(data_dir=tmp_path, whisper_model=tiny_whisper)
    steps: list[tuple[int, str]] = []
    result = pipeline.run(sample("speech.wav"), tmp_path / "out", settings=settings,
                          progress=lambda p, s: steps.append((p, s)),
                          transcribe_options={"beam_size": 1, "max_new_tokens": 6})
    assert result.transcript is not None and result.transcript.status == "done"
    assert result.language is not None and isinstance(result.language.confidence, float)
    if result.transcript.segments:
        assert result.vtt is not None and (tmp_path / "out" / "subtitles.vtt").read_text().startswith("WEBVTT")
    percents = [p for p, _ in steps]
    assert percents == sorted(percents) and steps[-1] == (100, "done")
    assert {"probe", "normalise", "transcribe", "language"} <= {s for _, s in steps}


@pytest.mark.parametrize("name", ["model.bin", "tokenizer.json"])
def test_model_problem_names_the_missing_file(tmp_path, name):
    (tmp_path / ("tokenizer.json" if name == "model.bin" else "model.bin")).write_text("{}")
    assert name in (transcribe.model_problem(tmp_path) or "")
