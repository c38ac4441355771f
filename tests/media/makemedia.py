"""Write small media files with PyAV, shaped like what phones send (test fixtures, made at test time)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from speechlike import speechlike

QUIET_X265 = {"x265-params": "log-level=none"}


def pattern(width: int, height: int, index: int, *, black: bool = False) -> np.ndarray:
    """A frame whose top-left quarter is white, so a test can tell which way is up."""
    if black:
        return np.zeros((height, width, 3), np.uint8)
    frame = np.full((height, width, 3), 60, np.uint8)
    frame[:, :, 1] = (np.arange(width) * 255 // max(1, width - 1)).astype(np.uint8)[None, :]
    frame[: height // 2, : width // 2] = 255
    frame[height // 2 :, width // 2 :, 2] = (index * 7) % 255
    return frame


def _audio_frames(stream: av.audio.stream.AudioStream, seconds: float, *, silent: bool = False,
                  speech: bool = False, chunk: int = 1024):
    rate = stream.codec_context.sample_rate
    layout = stream.codec_context.layout.name
    channels = stream.codec_context.channels
    if speech:
        mono = np.interp(np.arange(int(seconds * rate)) * 16000 / rate, np.arange(int(seconds * 16000)),
                         speechlike(seconds))
    else:
        t = np.arange(int(seconds * rate)) / rate
        mono = np.zeros_like(t) if silent else 0.2 * np.sin(2 * np.pi * 440 * t)
    fmt = stream.codec_context.format.name
    for start in range(0, len(mono), chunk):
        piece = mono[start : start + chunk].astype(np.float32)
        if fmt in ("s16", "s16p"):
            data = (piece * 32767).astype(np.int16)
        else:
            data = piece
        planar = fmt.endswith("p")
        array = np.tile(data, (channels, 1)) if planar else np.repeat(data, channels)[None, :]
        frame = av.AudioFrame.from_ndarray(array, format=fmt, layout=layout)
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        yield frame


def write_video(path: Path, *, fmt: str | None = None, vcodec: str = "libx264", size: tuple[int, int] = (160, 120),
                fps: int = 25, seconds: float = 1.0, acodec: str | None = "aac", arate: int = 44100,
                alayout: str = "stereo", rotation: int | None = None, vfr: bool = False, silent: bool = False,
                speech: bool = False, black_frames: int = 0, faststart: bool = False,
                pix_fmt: str = "yuv420p", vopts: dict[str, str] | None = None) -> Path:
    """A video (and optionally audio) file; `vfr` spaces frames irregularly like Android phones do."""
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format=fmt, container_options=options) as out:
        vs = out.add_stream(vcodec, rate=fps)
        vs.width, vs.height, vs.pix_fmt = size[0], size[1], pix_fmt
        if vcodec == "libx265":
            vs.options = {**QUIET_X265, **(vopts or {})}
        elif vopts:
            vs.options = vopts
        if rotation is not None:
            vs.set_display_rotation(rotation)
        if vfr:
            vs.codec_context.time_base = Fraction(1, 1000)
        as_ = None
        if acodec:
            as_ = out.add_stream(acodec, rate=arate, layout=alayout)
        count = int(seconds * fps)
        clock = 0
        rng = np.random.default_rng(1)
        for i in range(count):
            frame = av.VideoFrame.from_ndarray(pattern(size[0], size[1], i, black=i < black_frames), format="rgb24")
            if vfr:
                frame.pts, frame.time_base = clock, Fraction(1, 1000)
                clock += int(rng.choice([20, 33, 50, 66]))
            else:
                frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
        if as_ is not None:
            for frame in _audio_frames(as_, seconds, silent=silent, speech=speech):
                out.mux(as_.encode(frame))
            out.mux(as_.encode(None))
    return path


def write_audio(path: Path, *, fmt: str, codec: str, rate: int, layout: str = "mono", seconds: float = 1.0,
                speech: bool = False, silent: bool = False) -> Path:
    """An audio-only file (voice note, AMR, WAV …)."""
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        for frame in _audio_frames(stream, seconds, speech=speech, silent=silent,
                                   chunk=stream.codec_context.frame_size or 1024):
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def write_image(path: Path, *, codec: str, size: tuple[int, int], alpha: bool = False, fmt: str = "image2") -> Path:
    """A still picture written by PyAV's encoders (PNG, WebP, JPEG)."""
    rgb = pattern(size[0], size[1], 0)
    if alpha:
        a = np.full((size[1], size[0], 1), 255, np.uint8)
        a[:, : size[0] // 3] = 0  # a transparent band on the left
        array, in_fmt = np.concatenate([rgb, a], axis=2), "rgba"
    else:
        array, in_fmt = rgb, "rgb24"
    pix = {"png": "rgba" if alpha else "rgb24", "libwebp": "yuva420p" if alpha else "yuv420p", "mjpeg": "yuvj420p"}[
        codec
    ]
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=1)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], pix
        frame = av.VideoFrame.from_ndarray(array, format=in_fmt).reformat(format=pix)
        frame.pts = 0
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def decode_all(path: Path) -> dict[str, object]:
    """Decode every frame of every stream: proof that a file plays; returns what was seen."""
    seen: dict[str, object] = {"video_frames": 0, "audio_samples": 0, "video_pts": []}
    with av.open(str(path)) as container:
        for frame in container.decode(*container.streams):
            if isinstance(frame, av.VideoFrame):
                seen["video_frames"] = int(seen["video_frames"]) + 1  # type: ignore[call-overload]
                seen["video_pts"].append(frame.pts)  # type: ignore[union-attr]
                seen["size"] = (frame.width, frame.height)
                seen["pix_fmt"] = frame.format.name
            else:
                seen["audio_samples"] = int(seen["audio_samples"]) + frame.samples  # type: ignore[call-overload]
        seen["codecs"] = sorted(s.codec_context.name for s in container.streams)
    return seen
