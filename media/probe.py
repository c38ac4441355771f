"""Probe a file with PyAV and decide what it is from its content alone (never its name or MIME type)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.error

from media.errors import MediaRejected

# Codecs that carry still pictures; one frame of these is an image, many frames an animation.
IMAGE_CODECS = frozenset({"png", "mjpeg", "jpeg", "webp", "bmp", "tiff", "gif", "jpeg2000", "jpegls", "qoi"})
# Magic numbers of containers phones send: a file that starts like one but will not open is cut short.
KNOWN_HEADERS: tuple[tuple[int, bytes], ...] = (
    (4, b"ftyp"),
    (0, b"OggS"),
    (0, b"\x1aE\xdf\xa3"),
    (0, b"RIFF"),
    (0, b"#!AMR"),
    (0, b"\x89PNG"),
    (0, b"\xff\xd8\xff"),
    (0, b"GIF8"),
    (0, b"ID3"),
)
MAX_SIDE = 8192  # 8K video (7680 px) passes; anything wider is not a phone clip
MAX_PIXELS = 40_000_000
# A stream whose packets stop this much before the declared duration was cut off in transfer.
TRUNCATION_SLACK = 0.9


@dataclass(slots=True)
class StreamInfo:
    index: int
    type: str
    codec: str
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    pix_fmt: str | None = None
    fps: float | None = None
    sample_rate: int | None = None
    channels: int | None = None
    attached_pic: bool = False


@dataclass(slots=True)
class ProbeResult:
    kind: str  # MediaKind: video | audio | image
    container: str
    size_bytes: int
    duration_s: float | None
    width: int | None = None  # as displayed, after rotation
    height: int | None = None
    rotation: int = 0  # counter-clockwise degrees to apply, as PyAV's VideoFrame.rotation
    fps: float | None = None
    vfr: bool = False
    has_audio: bool = False
    has_alpha: bool = False
    video_codec: str | None = None
    audio_codec: str | None = None
    streams: list[StreamInfo] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _looks_like_media(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(16)
    return any(head[offset : offset + len(magic)] == magic for offset, magic in KNOWN_HEADERS)


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def _stream_info(stream: av.stream.Stream) -> StreamInfo:
    ctx = stream.codec_context
    info = StreamInfo(
        index=stream.index,
        type=stream.type,
        codec=ctx.name if ctx is not None else "unknown",
        duration_s=_seconds(stream.duration, stream.time_base),
    )
    if stream.type == "video" and isinstance(ctx, av.VideoCodecContext):
        info.width, info.height = ctx.width, ctx.height
        info.pix_fmt = ctx.pix_fmt
        rate = stream.average_rate or stream.guessed_rate
        info.fps = float(rate) if rate else None
        info.attached_pic = bool(stream.disposition & av.stream.Disposition.attached_pic)
    elif stream.type == "audio" and isinstance(ctx, av.AudioCodecContext):
        info.sample_rate = ctx.sample_rate
        info.channels = ctx.channels
    return info


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        if _looks_like_media(path):
            raise MediaRejected("truncated", "The file is damaged or was cut off while sending.") from exc
        raise MediaRejected("not_media", "This file is not a video, a picture or a sound recording.") from exc


def _scan_packets(container: av.container.InputContainer, video: av.stream.Stream | None) -> tuple[float, int, bool]:
    """Demux every packet (no decoding): where the data really ends, frame count, variable frame rate."""
    end = 0.0
    frames = 0
    stamps: list[int] = []
    try:
        for packet in container.demux():
            if packet.pts is None or packet.time_base is None:
                continue
            stop = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            start = _seconds(packet.stream.start_time, packet.time_base) or 0.0
            end = max(end, stop - start)
            if video is not None and packet.stream.index == video.index:
                frames += 1
                if len(stamps) < 600:
                    stamps.append(packet.pts)
    except av.error.FFmpegError as exc:
        raise MediaRejected("truncated", "The file is damaged or was cut off while sending.") from exc
    # B-frames reorder packets, so sort the timestamps before measuring the spacing between frames.
    stamps.sort()
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False) if b > a]
    vfr = bool(gaps) and max(gaps) > 1.5 * min(gaps)
    return end, frames, vfr


def _first_frame(container: av.container.InputContainer, stream: av.stream.Stream) -> object:
    container.seek(0)
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise MediaRejected("corrupt", "The file is damaged and cannot be played.") from exc
    raise MediaRejected("corrupt", "The file is damaged and cannot be played.")


def probe_file(path: Path, *, max_seconds: float) -> ProbeResult:
    """Probe `path`; raise MediaRejected with a reason an officer understands if it cannot be used."""
    size = path.stat().st_size
    if size == 0:
        raise MediaRejected("empty", "The file is empty (0 bytes).")
    with _open(path) as container:
        infos = [_stream_info(s) for s in container.streams if s.type in ("video", "audio")]
        videos = [s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)]
        audios = list(container.streams.audio)
        if not videos and not audios:
            raise MediaRejected("no_streams", "The file holds no picture and no sound.")
        video = videos[0] if videos else None
        audio = audios[0] if audios else None
        declared = container.duration / av.time_base if container.duration else None
        end, frames, vfr = _scan_packets(container, video)
        if end <= 0 and frames == 0:
            raise MediaRejected("truncated", "The file is damaged or was cut off while sending.")
        codec = video.codec_context.name if video is not None else None
        is_image = video is not None and codec in IMAGE_CODECS and frames <= 1 and audio is None
        if declared and not is_image and end < declared * TRUNCATION_SLACK - 1.0:
            raise MediaRejected("truncated", "The file is damaged or was cut off while sending.")
        duration = None if is_image else (declared or end)
        if duration is not None and duration > max_seconds:
            raise MediaRejected(
                "too_long",
                "The recording lasts %(minutes)d minutes; the limit is %(limit)d minutes.",
                minutes=round(duration / 60),
                limit=max(1, round(max_seconds / 60)),
            )
        result = ProbeResult(
            kind="image" if is_image else ("video" if video is not None else "audio"),
            container=container.format.name,
            size_bytes=size,
            duration_s=round(duration, 3) if duration is not None else None,
            has_audio=audio is not None,
            audio_codec=audio.codec_context.name if audio is not None else None,
            video_codec=codec,
            vfr=vfr and not is_image,
            streams=infos,
        )
        if video is not None:
            width, height = video.codec_context.width, video.codec_context.height
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise MediaRejected(
                    "too_large",
                    "The picture is %(width)d×%(height)d pixels, far larger than any screen.",
                    width=width,
                    height=height,
                )
            frame = _first_frame(container, video)
            result.rotation = int(getattr(frame, "rotation", 0) or 0) % 360
            if result.rotation in (90, 270):
                width, height = height, width
            result.width, result.height = width, height
            rate = video.average_rate or video.guessed_rate
            result.fps = round(float(rate), 3) if rate else None
            pix_fmt = video.codec_context.pix_fmt or ""
            result.has_alpha = pix_fmt.startswith(("rgba", "bgra", "argb", "abgr", "ya", "yuva", "pal8", "gbrap"))
        elif audio is not None:
            _first_frame(container, audio)
    return result
