"""Probing decides the kind from content and rejects bad files with reasons an officer understands."""

from __future__ import annotations

import pytest

from media.errors import MediaRejected
from media.probe import probe_file


@pytest.mark.parametrize(
    ("name", "kind", "video_codec", "audio_codec"),
    [
        ("iphone_hevc.mov", "video", "hevc", "aac"),
        ("android_vfr.mp4", "video", "h264", "aac"),
        ("feature_phone.3gp", "video", "mpeg4", "amrnb"),
        ("voice.ogg", "audio", None, "opus"),
        ("video_note.mp4", "video", "h264", "aac"),
        ("clip.webm", "video", "vp9", "opus"),
        ("picture.webp", "image", "webp", None),
        ("logo_alpha.png", "image", "png", None),
        ("photo_exif.jpg", "image", "mjpeg", None),
        ("speech.wav", "audio", None, "pcm_s16le"),
        ("uhd_4k.mp4", "video", "h264", None),
    ],
)
def test_phone_formats_are_recognised(sample, name, kind, video_codec, audio_codec):
    result = probe_file(sample(name), max_seconds=1800)
    assert (result.kind, result.video_codec, result.audio_codec) == (kind, video_codec, audio_codec)
    if kind == "audio":
        assert result.duration_s and result.duration_s > 0.5
    else:
        assert result.width and result.height


def test_iphone_rotation_is_read_and_sides_swapped(sample):
    result = probe_file(sample("iphone_hevc.mov"), max_seconds=1800)
    assert result.rotation == 270
    assert (result.width, result.height) == (240, 320)


def test_variable_frame_rate_is_noticed(sample):
    assert probe_file(sample("android_vfr.mp4"), max_seconds=1800).vfr is True
    assert probe_file(sample("plain.mp4"), max_seconds=1800).vfr is False


def test_exif_orientation_counts_for_images(sample):
    result = probe_file(sample("photo_exif.jpg"), max_seconds=1800)
    assert (result.width, result.height) == (100, 200)


def test_png_alpha_is_noticed(sample):
    assert probe_file(sample("logo_alpha.png"), max_seconds=1800).has_alpha is True


def test_a_video_named_like_a_photo_is_a_video(sample):
    result = probe_file(sample("holiday.jpg"), max_seconds=1800)
    assert result.kind == "video" and result.has_audio


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("zero.mp4", "empty"),
        ("random.bin", "not_media"),
        ("notes.txt", "not_media"),
        ("cut_moov.mp4", "truncated"),
        ("cut_tail.mp4", "truncated"),
        ("huge.png", "too_large"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(sample, name, code):
    with pytest.raises(MediaRejected) as caught:
        probe_file(sample(name), max_seconds=1800)
    assert caught.value.code == code
    reason = caught.value.reason("vi")
    assert reason and reason != caught.value.message  # translated into Vietnamese


def test_too_long_names_both_durations(sample):
    with pytest.raises(MediaRejected) as caught:
        probe_file(sample("ten_minutes.mp4"), max_seconds=300)
    assert caught.value.code == "too_long"
    assert caught.value.reason("vi") == "Bản ghi dài 10 phút; thời lượng tối đa là 5 phút."


def test_ten_minutes_within_the_limit_passes(sample):
    result = probe_file(sample("ten_minutes.mp4"), max_seconds=1800)
    assert result.duration_s == pytest.approx(600, abs=1)


@pytest.mark.parametrize(("writer", "size"), [
    ("pillow", (640, 480)),
    ("pillow", (1280, 960)),  # what Telegram hands the bot for a photo sent as a photo
    ("ffmpeg", (1600, 1200)),
])
def test_true_size_jpeg_is_a_picture_not_corrupt(tmp_path, writer, size):
    import makemedia as mm

    path = tmp_path / f"{writer}_{size[0]}.jpg"
    if writer == "pillow":
        mm.photo_jpeg(path, size=size)
    else:
        mm.write_image(path, codec="mjpeg", size=size)
    result = probe_file(path, max_seconds=1800)
    assert (result.kind, result.video_codec, result.width, result.height) == ("image", "mjpeg", *size)


def _giant_png(path, side):
    """A real, whole PNG of side×side black pixels (1 bit grey), written without holding it in memory."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


def test_a_giant_picture_is_called_too_large_with_the_limit_not_corrupt(tmp_path):
    with pytest.raises(MediaRejected) as caught:
        probe_file(_giant_png(tmp_path / "giant.png", 30000), max_seconds=1800)
    assert caught.value.code == "too_large"
    assert caught.value.reason("vi") == (
        "Hình quá lớn: 30000×30000 điểm ảnh; giới hạn là 8192 điểm ảnh mỗi cạnh, 40 triệu điểm ảnh."
    )
