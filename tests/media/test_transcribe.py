"""The real transcription path with the trained Whisper base model on real (espeak-ng) speech:
language, words, timestamps; undetermined speech stays a draft; the Vietnamese passes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from makemedia import write_audio
from speechlike import speechlike

from core.settings import Settings
from media import pipeline, transcribe

ENGLISH = ["The meeting of the village starts at eight tomorrow morning.",
           "Please bring your identity card and your health book."]
THAI = "Pi noọng bản mường mà hăư pắt tỏ chạu nị, hảu pay hướng lăng khỏ mự."  # Thái in Latin letters
MANDARIN = "ming2 tian1 shang4 wu3 ba1 dian3 zai4 cun1 wei3 hui4 kai1 hui4"
VIETNAMESE = "Bà con chú ý, ngày mai có mưa lớn, không đi qua suối, không vào rừng."
# espeak-ng's robotic Vietnamese that Whisper base cannot place (Thai 0.34, Vietnamese 0.30),
# yet reads fluently once told it is Vietnamese.
UNSURE_VIETNAMESE = "Xin chào bà con. Hôm nay trời nắng đẹp, mời bà con đi chợ phiên."


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("8", "eight"))


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref))


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * 16000), np.float32)


def test_no_model_means_unavailable_not_fake_text():
    result = transcribe.transcribe(speechlike(2), model_dir=None)
    assert result.status == "unavailable" and result.text is None and result.segments == []
    assert "BANGTIN_WHISPER_MODEL" in (result.detail or "")


def test_model_without_tokenizer_is_refused_before_any_download(whisper_base, tmp_path):
    broken = tmp_path / "no-tokenizer"
    broken.mkdir()
    for name in ("model.bin", "config.json", "vocabulary.json"):
        (broken / name).symlink_to(whisper_base / name)
    result = transcribe.transcribe(speechlike(2), model_dir=broken)
    assert result.status == "unavailable" and "tokenizer.json" in (result.detail or "")


def test_english_speech_gives_words_language_and_real_timestamps(whisper_base, speak):
    first, second = speak(ENGLISH[0]), speak(ENGLISH[1])
    audio = np.concatenate([silence(2.0), first, silence(1.5), second, silence(0.5)])
    result = transcribe.transcribe(audio, model_dir=whisper_base)
    assert (result.status, result.path, result.language) == ("done", "detected", "en")
    assert result.language_probability > 0.8
    assert abs(sum(result.language_probabilities.values()) - 1) < 0.05
    assert word_error_rate(" ".join(ENGLISH), result.text) <= 0.2, result.text
    starts = [s["start"] for s in result.segments]
    assert starts == sorted(starts) and all(s["end"] > s["start"] for s in result.segments)
    # Speech starts after two seconds of silence, and the second sentence after the pause.
    assert 1.5 <= result.segments[0]["start"] <= 2.6
    second_start = 2.0 + len(first) / 16000 + 1.5
    assert any(abs(s["start"] - second_start) < 0.8 for s in result.segments)
    assert result.segments[-1]["end"] <= len(audio) / 16000 + 0.1


def test_silence_gives_no_speech(whisper_base):
    result = transcribe.transcribe(silence(3), model_dir=whisper_base)
    assert result.status == "done" and result.text == "" and result.segments == []


def test_vietnamese_model_is_used_for_vietnamese(whisper_base, speak, tmp_path):
    vi_dir = tmp_path / "phowhisper-ct2"  # a second model directory: here the same weights
    vi_dir.mkdir()
    for item in whisper_base.iterdir():
        (vi_dir / item.name).symlink_to(item)
    result = transcribe.transcribe(speak(VIETNAMESE, "vi", speed=160), model_dir=whisper_base, vi_model_dir=vi_dir)
    assert (result.status, result.language, result.model) == ("done", "vi", "phowhisper-ct2")
    assert "mưa" in result.text


@pytest.mark.parametrize(("text", "voice"), [(THAI, "vi"), (MANDARIN, "cmn-latn-pinyin")], ids=["thai", "mandarin"])
def test_speech_whisper_cannot_place_stays_a_draft(whisper_base, speak, text, voice):
    result = transcribe.transcribe(speak(text, voice), model_dir=whisper_base, likely_vietnamese=True)
    assert result.status == "draft" and result.path != "forced_vi"
    assert result.detail.startswith("undetermined language: Whisper heard")
    assert "machine draft" in result.detail and result.segments  # the draft is there for the editor
    if result.path == "forced_vi_refused":  # Whisper gave Vietnamese a share: the forced pass was tried
        assert result.language_probabilities["vi"] >= transcribe.VI_MIN_SHARE


def test_unsure_vietnamese_takes_the_forced_pass_when_vietnamese_is_likely(whisper_base, speak):
    audio = speak(UNSURE_VIETNAMESE, "vi", speed=130)
    unsure = transcribe.transcribe(audio, model_dir=whisper_base)
    assert unsure.status == "draft" and not transcribe.determined(unsure.language, unsure.language_probability)
    result = transcribe.transcribe(audio, model_dir=whisper_base, likely_vietnamese=True)
    assert (result.status, result.path, result.language) == ("done", "forced_vi", "vi")
    assert "bà con" in result.text.lower() and "confirmed by the text tagger" in result.detail


def test_pipeline_writes_subtitles_for_confident_speech(whisper_base, speak, tmp_path):
    wav = write_audio(tmp_path / "notice.wav", fmt="wav", codec="pcm_s16le", rate=16000, seconds=0,
                      signal=np.concatenate([silence(1.0), speak(ENGLISH[0])]))
    steps: list[tuple[int, str]] = []
    result = pipeline.run(wav, tmp_path / "out", settings=Settings(data_dir=tmp_path, whisper_model=whisper_base),
                          progress=lambda p, s: steps.append((p, s)))
    assert result.transcript.status == "done" and result.language.language == "en"
    vtt = (tmp_path / "out" / "subtitles.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "village" in vtt and " --> " in vtt
    percents = [p for p, _ in steps]
    assert percents == sorted(percents) and steps[-1] == (100, "done")
    assert {"probe", "normalise", "transcribe", "language"} <= {s for _, s in steps}


def test_pipeline_writes_no_subtitles_for_a_draft(whisper_base, speak, tmp_path):
    wav = write_audio(tmp_path / "thai.wav", fmt="wav", codec="pcm_s16le", rate=16000, seconds=0,
                      signal=speak(THAI, "vi"))
    result = pipeline.run(wav, tmp_path / "out", settings=Settings(data_dir=tmp_path, whisper_model=whisper_base))
    assert result.transcript.status == "draft" and result.vtt is None
    assert not (tmp_path / "out" / "subtitles.vtt").exists()
    assert (result.language.language, result.language.needs_review) == ("und", True)


@pytest.mark.parametrize("name", ["model.bin", "tokenizer.json"])
def test_model_problem_names_the_missing_file(tmp_path, name):
    (tmp_path / ("tokenizer.json" if name == "model.bin" else "model.bin")).write_text("{}")
    assert name in (transcribe.model_problem(tmp_path) or "")


def test_no_trained_model_is_downloaded_at_run_time():
    source = "".join(p.read_text() for p in (Path(__file__).parents[2] / "media").glob("*.py"))
    assert "pip download" not in source and "hf_hub" not in source
