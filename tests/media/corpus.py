"""The phone corpus: what officers really send, generated at true sizes (no binary files in git).

Each entry names the file, how to make it, and what its board version must be once decoded.
`expected` holds: kind of the source (image | video | audio), the board version's orientation
("portrait" | "landscape" | "square"), its codec, the source's displayed size (w, h) for pictures
and videos, the duration in seconds (None for stills), and whether it carries sound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import makemedia as mm

VOICE_TEXT = "The meeting of the village starts at eight tomorrow morning. Please bring your identity card."


@dataclass(frozen=True)
class Case:
    make: Callable[[Path], Path]
    kind: str  # what the board version is: image | video | audio
    size: tuple[int, int] | None  # the source as displayed (upright), None for sound
    codec: str  # the board version's codec: mjpeg | png | h264 | aac
    duration: float | None = None
    audio: bool = False
    heavy: bool = False  # over 20 s on the 2-core machine: marked slow


def _jpeg(name: str, size: tuple[int, int], **options: object) -> Callable[[Path], Path]:
    return lambda root: mm.photo_jpeg(root / name, size=size, **options)


def _speech(seconds: float | None = None) -> mm.np.ndarray:
    speech = mm.espeak(VOICE_TEXT)
    if seconds is None:
        return speech
    reps = int(seconds * 16000 // len(speech)) + 1
    return mm.np.tile(speech, reps)[: int(seconds * 16000)]


CORPUS: dict[str, Case] = {
    # Pictures
    **{f"camera_orientation_{o}.jpg": Case(
        _jpeg(f"camera_orientation_{o}.jpg", (3024, 4032) if o in (6, 8) else (4032, 3024), orientation=o, camera=True),
        "image", (3024, 4032) if o in (6, 8) else (4032, 3024), "mjpeg") for o in (1, 3, 6, 8)},
    "telegram_1280x960.jpg": Case(_jpeg("telegram_1280x960.jpg", (1280, 960), quality=87),
                                  "image", (1280, 960), "mjpeg"),
    "telegram_960x1280.jpg": Case(_jpeg("telegram_960x1280.jpg", (960, 1280), quality=87),
                                  "image", (960, 1280), "mjpeg"),
    "progressive.jpg": Case(_jpeg("progressive.jpg", (1600, 1200), progressive=True), "image", (1600, 1200), "mjpeg"),
    "ffmpeg_1600x1200.jpg": Case(lambda r: mm.write_image(r / "ffmpeg_1600x1200.jpg", codec="mjpeg", size=(1600, 1200)),
                                 "image", (1600, 1200), "mjpeg"),
    "cmyk.jpg": Case(lambda r: mm.still(r / "cmyk.jpg", size=(1200, 900), fmt="JPEG", mode="CMYK", quality=90),
                     "image", (1200, 900), "mjpeg"),
    "screenshot_1170x2532.png": Case(lambda r: mm.still(r / "screenshot_1170x2532.png", size=(1170, 2532), fmt="PNG"),
                                     "image", (1170, 2532), "mjpeg"),
    "screenshot_1080x2400.png": Case(lambda r: mm.still(r / "screenshot_1080x2400.png", size=(1080, 2400), fmt="PNG"),
                                     "image", (1080, 2400), "mjpeg"),
    "alpha.png": Case(lambda r: mm.still(r / "alpha.png", size=(800, 600), fmt="PNG", mode="RGBA"),
                      "image", (800, 600), "png"),
    "still.webp": Case(lambda r: mm.still(r / "still.webp", size=(1600, 1200), fmt="WEBP", quality=80),
                       "image", (1600, 1200), "mjpeg"),
    "iphone.heic": Case(lambda r: mm.still(r / "iphone.heic", size=(4032, 3024), fmt="HEIF", quality=60,
                                                enc_params={"preset": "ultrafast"}),
                        "image", (4032, 3024), "mjpeg"),
    # Animations become short silent videos
    "animated.gif": Case(lambda r: mm.animation(r / "animated.gif", size=(480, 270), frames=30, fmt="GIF"),
                         "video", (480, 270), "h264", duration=3.0),
    "animated.webp": Case(lambda r: mm.animation(r / "animated.webp", size=(512, 512), frames=20, fmt="WEBP"),
                          "video", (512, 512), "h264", duration=2.0),
    # Videos
    "iphone_4k60_hevc.mov": Case(
        lambda r: mm.write_video(r / "iphone_4k60_hevc.mov", fmt="mov", vcodec="libx265", size=(3840, 2160), fps=60,
                                 seconds=0.5, rotation=-90, upright=True, vopts={"preset": "ultrafast"}),
        "video", (2160, 3840), "h264", duration=0.5, audio=True),
    "android_portrait_vfr.mp4": Case(
        lambda r: mm.write_video(r / "android_portrait_vfr.mp4", size=(1080, 1920), fps=30, vfr=True, seconds=3.0,
                                 arate=48000, vopts={"preset": "ultrafast"}),
        "video", (1080, 1920), "h264", duration=None, audio=True),  # VFR: the source's own length
    "screen_886x1920.mp4": Case(
        lambda r: mm.write_video(r / "screen_886x1920.mp4", size=(886, 1920), fps=60, seconds=2.0, arate=48000,
                                 vopts={"preset": "ultrafast"}),
        "video", (886, 1920), "h264", duration=2.0, audio=True),
    "feature_phone_amr.3gp": Case(
        lambda r: mm.write_video(r / "feature_phone_amr.3gp", fmt="3gp", vcodec="mpeg4", size=(176, 144), fps=15,
                                 seconds=4.0, acodec="libopencore_amrnb", arate=8000, alayout="mono",
                                 signal=_speech(4.0)),
        "video", (176, 144), "h264", duration=4.0, audio=True),
    "telegram_video_note.mp4": Case(
        lambda r: mm.write_video(r / "telegram_video_note.mp4", size=(640, 640), fps=30, seconds=3.0, arate=48000,
                                 alayout="mono", vopts={"preset": "ultrafast"}),
        "video", (640, 640), "h264", duration=3.0, audio=True),
    # Sound
    "telegram_voice.ogg": Case(
        lambda r: mm.write_audio(r / "telegram_voice.ogg", fmt="ogg", codec="libopus", rate=48000, seconds=0,
                                 signal=_speech(), bit_rate=32000),
        "audio", None, "aac", duration=None, audio=True),
    "voice.m4a": Case(lambda r: mm.write_audio(r / "voice.m4a", fmt="ipod", codec="aac", rate=44100, seconds=0,
                                               signal=_speech(6.0)),
                      "audio", None, "aac", duration=6.0, audio=True),
    "cover_art.mp3": Case(lambda r: mm.mp3_with_cover(r / "cover_art.mp3", seconds=0, signal=_speech(5.0)),
                          "audio", None, "aac", duration=5.0, audio=True),
    "pcm_44k_stereo.wav": Case(lambda r: mm.write_audio(r / "pcm_44k_stereo.wav", fmt="wav", codec="pcm_s16le",
                                                        rate=44100, layout="stereo", seconds=0, signal=_speech(4.0)),
                               "audio", None, "aac", duration=4.0, audio=True),
    "thirty_minutes.ogg": Case(lambda r: mm.write_audio(r / "thirty_minutes.ogg", fmt="ogg", codec="libopus",
                                                        rate=48000, seconds=1800.0, bit_rate=16000),
                               "audio", None, "aac", duration=1800.0, audio=True, heavy=True),
}
