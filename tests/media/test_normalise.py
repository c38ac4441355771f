"""Every phone format comes out playable: H.264/AAC MP4 with the index first, CFR, ≤1080p, upright."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from makemedia import decode_all
from PIL import Image

from core.settings import Settings
from media import pipeline

VIDEOS = ["iphone_hevc.mov", "android_vfr.mp4", "feature_phone.3gp", "video_note.mp4", "clip.webm",
          "silent.mp4", "holiday.jpg"]


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


def _moov_before_mdat(path: Path) -> bool:
    data = path.read_bytes()
    return 0 <= data.find(b"moov") < data.find(b"mdat")


@pytest.mark.parametrize("name", VIDEOS)
def test_video_becomes_board_mp4(sample, settings, tmp_path, name):
    result = pipeline.run(sample(name), tmp_path / "out", settings=settings)
    video = next(d for d in result.derived if d.role == "normalised")
    seen = decode_all(video.path)
    assert seen["codecs"] == ["aac", "h264"]
    assert seen["pix_fmt"] == "yuv420p"
    assert seen["video_frames"] > 5 and seen["audio_samples"] > 0
    assert _moov_before_mdat(video.path)
    pts = seen["video_pts"]
    assert len(set(np.diff(sorted(pts)))) == 1  # constant frame rate
    assert {d.role for d in result.derived} == {"normalised", "poster", "thumbnail"}


def test_rotation_is_applied_to_the_pixels(sample, settings, tmp_path):
    result = pipeline.run(sample("iphone_hevc.mov"), tmp_path / "out", settings=settings)
    video = next(d for d in result.derived if d.role == "normalised")
    with av.open(str(video.path)) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (240, 320)
        assert getattr(frame, "rotation", 0) == 0
        gray = frame.to_ndarray(format="gray").astype(float)
    # The source's white quarter (top-left) turns by 90° clockwise: it ends top-right.
    h, w = gray.shape
    assert gray[: h // 2, w // 2 :].mean() > gray[: h // 2, : w // 2].mean() + 40


def test_4k_is_scaled_to_1080p(sample, settings, tmp_path):
    result = pipeline.run(sample("uhd_4k.mp4"), tmp_path / "out", settings=settings)
    video = next(d for d in result.derived if d.role == "normalised")
    assert (video.width, video.height) == (1920, 1080)
    assert decode_all(video.path)["size"] == (1920, 1080)


def test_poster_skips_black_opening(sample, settings, tmp_path):
    result = pipeline.run(sample("black_start.mp4"), tmp_path / "out", settings=settings)
    poster = next(d for d in result.derived if d.role == "poster")
    with Image.open(poster.path) as image:
        assert np.asarray(image.convert("L")).mean() > 40
    thumb = next(d for d in result.derived if d.role == "thumbnail")
    with Image.open(thumb.path) as image:
        assert image.width <= 320


@pytest.mark.parametrize("name", ["voice.ogg", "speech.wav"])
def test_audio_becomes_aac(sample, settings, tmp_path, name):
    result = pipeline.run(sample(name), tmp_path / "out", settings=settings)
    (audio,) = result.derived
    seen = decode_all(audio.path)
    assert seen["codecs"] == ["aac"] and seen["audio_samples"] > 48_000
    assert result.transcript is not None and result.transcript.status == "unavailable"
    assert result.transcript.text is None and result.transcript.segments == []


def test_amr_voice_track_survives(sample, settings, tmp_path):
    result = pipeline.run(sample("feature_phone.3gp"), tmp_path / "out", settings=settings)
    assert decode_all(result.derived[0].path)["audio_samples"] >= 40_000


@pytest.mark.parametrize(("name", "mime", "size"), [
    ("picture.webp", "image/jpeg", (300, 200)),
    ("logo_alpha.png", "image/png", (240, 120)),
    ("photo_exif.jpg", "image/jpeg", (100, 200)),
])
def test_images_are_oriented_and_keep_alpha(sample, settings, tmp_path, name, mime, size):
    result = pipeline.run(sample(name), tmp_path / "out", settings=settings)
    image = next(d for d in result.derived if d.role == "normalised")
    assert image.mime == mime
    with Image.open(image.path) as picture:
        assert picture.size == size
        if mime == "image/png":
            assert picture.mode == "RGBA" and picture.getextrema()[3][0] == 0


def test_original_is_untouched(sample, settings, tmp_path):
    source = sample("android_vfr.mp4")
    before = source.read_bytes()
    pipeline.run(source, tmp_path / "out", settings=settings)
    assert source.read_bytes() == before


@pytest.mark.slow
def test_ten_minute_clip_normalises(sample, settings, tmp_path):
    result = pipeline.run(sample("ten_minutes.mp4"), tmp_path / "out", settings=settings)
    video = next(d for d in result.derived if d.role == "normalised")
    assert video.duration_s == pytest.approx(600, abs=1)
    seen = decode_all(video.path)
    assert seen["audio_samples"] == pytest.approx(600 * 48_000, rel=0.01)
