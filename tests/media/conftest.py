"""Fixtures of the media tests: every sample file is written by PyAV (or Pillow for EXIF) on demand."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import makemedia as mm  # noqa: E402


def _exif_jpeg(root: Path) -> Path:
    from PIL import Image

    path = root / "photo_exif.jpg"
    image = Image.fromarray(mm.pattern(200, 100, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display", as a phone held upright writes it
    image.save(path, format="JPEG", exif=exif.tobytes())
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated(src: Path, dst: Path, keep: float) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


SAMPLES: dict[str, Callable[[Path], Path]] = {
    "iphone_hevc.mov": lambda d: mm.write_video(d / "iphone_hevc.mov", fmt="mov", vcodec="libx265", size=(320, 240),
                                                 fps=30, rotation=-90, seconds=1.0),
    "android_vfr.mp4": lambda d: mm.write_video(d / "android_vfr.mp4", size=(320, 240), fps=30, vfr=True, seconds=1.5),
    "feature_phone.3gp": lambda d: mm.write_video(d / "feature_phone.3gp", fmt="3gp", vcodec="mpeg4", size=(176, 144),
                                                  fps=15, acodec="libopencore_amrnb", arate=8000, alayout="mono"),
    "voice.ogg": lambda d: mm.write_audio(d / "voice.ogg", fmt="ogg", codec="libopus", rate=48000, seconds=2.0),
    "video_note.mp4": lambda d: mm.write_video(d / "video_note.mp4", size=(240, 240), fps=30),
    "clip.webm": lambda d: mm.write_video(d / "clip.webm", fmt="webm", vcodec="libvpx-vp9", size=(160, 120),
                                          acodec="libopus", arate=48000,
                                          vopts={"deadline": "realtime", "cpu-used": "8"}),
    "picture.webp": lambda d: mm.write_image(d / "picture.webp", codec="libwebp", size=(300, 200), fmt="webp"),
    "logo_alpha.png": lambda d: mm.write_image(d / "logo_alpha.png", codec="png", size=(240, 120), alpha=True),
    "photo_exif.jpg": _exif_jpeg,
    "speech.wav": lambda d: mm.write_audio(d / "speech.wav", fmt="wav", codec="pcm_s16le", rate=16000, seconds=4.0,
                                           speech=True),
    "silent.mp4": lambda d: mm.write_video(d / "silent.mp4", silent=True),
    "black_start.mp4": lambda d: mm.write_video(d / "black_start.mp4", fps=10, seconds=3.0, black_frames=12,
                                                acodec=None),
    "faststart.mp4": lambda d: mm.write_video(d / "faststart.mp4", faststart=True, seconds=2.0),
    "plain.mp4": lambda d: mm.write_video(d / "plain.mp4", seconds=2.0),
    "uhd_4k.mp4": lambda d: mm.write_video(d / "uhd_4k.mp4", size=(3840, 2160), fps=25, seconds=0.12, acodec=None,
                                           vopts={"preset": "ultrafast"}),
    "ten_minutes.mp4": lambda d: mm.write_video(d / "ten_minutes.mp4", size=(32, 32), fps=1, seconds=600,
                                                arate=8000, alayout="mono", vopts={"preset": "ultrafast"}),
    "huge.png": lambda d: mm.write_image(d / "huge.png", codec="png", size=(9000, 16)),
    "zero.mp4": lambda d: _bytes(d / "zero.mp4", b""),
    "random.bin": lambda d: _bytes(d / "random.bin", os.urandom(4096)),
    "notes.txt": lambda d: _bytes(d / "notes.txt", "Họp thôn lúc 8 giờ sáng mai.\n".encode() * 20),
    "cut_moov.mp4": lambda d: _truncated(mm.write_video(d / "whole.mp4", seconds=2.0), d / "cut_moov.mp4", 0.6),
    "cut_tail.mp4": lambda d: _truncated(mm.write_video(d / "whole_fs.mp4", seconds=4.0, faststart=True),
                                         d / "cut_tail.mp4", 0.5),
    # A video that calls itself a photo: a name and MIME type that lie.
    "holiday.jpg": lambda d: mm.write_video(d / "holiday.jpg", fmt="mp4", seconds=1.0),
}


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """`sample("voice.ogg")` → the path of that generated file (made once per test session)."""
    root = tmp_path_factory.mktemp("media-samples")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            made[name] = SAMPLES[name](root)
        return made[name]

    return get


@pytest.fixture(scope="session")
def tiny_whisper(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight Whisper model directory with the real multilingual tokenizer."""
    import tiny_whisper as tw

    cache = Path(request.config.cache.mkdir("whisper-assets"))
    try:
        tw.fetch_assets(cache)
    except Exception as exc:  # noqa: BLE001 - any failure to reach PyPI is reported as one skip reason
        pytest.skip(f"cannot fetch openai-whisper's multilingual.tiktoken from PyPI: {exc}")
    return tw.build_model(tmp_path_factory.mktemp("tiny-whisper"), cache)


@pytest.fixture()
def runtime_env(tmp_path: Path) -> Iterator[object]:
    """A runtime on a fresh SQLite database and an in-memory queue, installed as `current()`."""
    from core import migrate, runtime
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path, queue_url="memory://", demo=True)
    rt = runtime.build(settings)
    migrate.upgrade(rt.db.engine)
    yield rt
    rt.close()
    runtime.uninstall()
