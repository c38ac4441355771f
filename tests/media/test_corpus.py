"""What phones really send, at true sizes, through `bangtin media process` (the worker's pipeline.run):
each board version is decoded and checked for size, orientation, codec, duration and sound."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from corpus import CORPUS, Case
from makemedia import decode_all
from PIL import Image

from core.settings import Settings
from media import cli

BOARD = (1920, 1080)  # the default board bound (no boards known): landscape 1080p
PICTURE_SIDE = 1920


def _fit(size: tuple[int, int], bound: tuple[int, int]) -> tuple[int, int]:
    scale = min(1.0, bound[0] / size[0], bound[1] / size[1])
    return size[0] * scale, size[1] * scale


def _upright(rgb: np.ndarray) -> bool:
    """The test pictures show a white quarter at the top left, and no white at the top right."""
    gray = rgb.mean(axis=2)
    h, w = gray.shape
    return gray[: h // 2, : w // 2].mean() > 200 and gray[: h // 2, w // 2 :].mean() < 190


def _params() -> list:
    return [pytest.param(name, marks=[pytest.mark.slow] if case.heavy else [], id=name)
            for name, case in CORPUS.items()]


@pytest.mark.parametrize("name", _params())
def test_phone_file_comes_out_right(corpus_file, tmp_path, name):
    case: Case = CORPUS[name]
    source = corpus_file(name)
    report = cli.process_file(source, tmp_path / "out", Settings(data_dir=tmp_path))
    assert report["ok"], report.get("failure")
    probe = report["probe"]
    board = next(d for d in report["derived"] if d["role"] == "normalised")
    path = Path(board["file"])
    if case.size is not None:
        assert (probe["width"], probe["height"]) == case.size  # as shown, after any rotation
    if case.kind == "image":
        with Image.open(path) as picture:
            assert {"JPEG": "mjpeg", "PNG": "png"}[picture.format] == case.codec
            want = _fit(case.size, (PICTURE_SIDE, PICTURE_SIDE))
            assert picture.size[0] == pytest.approx(want[0], abs=1) and picture.size[1] == pytest.approx(want[1], abs=1)
            rgba = np.asarray(picture.convert("RGBA"))
        if case.codec == "png":  # the transparent band on the left stays transparent
            assert rgba[:, : case.size[0] // 4, 3].max() == 0 and rgba[:, -10:, 3].min() == 255
        else:
            assert _upright(rgba[:, :, :3])
        return
    seen = decode_all(path)
    want_duration = case.duration if case.duration is not None else probe["duration_s"]
    if case.kind == "video":
        assert seen["codecs"] == (["aac", "h264"] if case.audio else ["h264"])
        assert seen["pix_fmt"] == "yuv420p"
        width, height = seen["size"]
        want = _fit(case.size, BOARD)
        assert abs(width - want[0]) <= 2 and abs(height - want[1]) <= 2
        assert (width > height) == (case.size[0] > case.size[1])  # portrait stays portrait
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            duration = float(stream.duration * stream.time_base)
            first = next(container.decode(stream))
            assert getattr(first, "rotation", 0) == 0  # rotation is in the pixels, not in metadata
            assert _upright(first.to_ndarray(format="rgb24"))
        assert duration == pytest.approx(want_duration, abs=0.5)
    else:
        assert seen["codecs"] == ["aac"]
        duration = int(seen["audio_samples"]) / 48_000
        assert duration == pytest.approx(want_duration, abs=0.5)
    if case.audio:  # the sound is all there, as long as the source's sound track
        source_audio = next(s["duration_s"] for s in probe["streams"] if s["type"] == "audio") or want_duration
        assert int(seen["audio_samples"]) / 48_000 == pytest.approx(source_audio, abs=0.5)
        assert probe["has_audio"]
