"""Probe a file with PyAV and decide what it is from its content alone (never its name or MIME type)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from itertools import pairwise
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
# Refusals of a picture too large, each on one line (tests/media/test_cli.py finds the msgids in the source).
HUGE = "The picture is too large: %(width)d×%(height)d pixels; the limit is %(side)d a side, %(megapixels)d million."
VERY_HUGE = "The picture is too large; the limit is %(side)d pixels a side, %(megapixels)d million pixels."
DURATION_SLACK = 0.5  # seconds over the limit still counted as "at the limit"


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
    reader: str = "ffmpeg"  # ffmpeg (PyAV) | pillow (HEIF stills, animated WebP)

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


@dataclass(slots=True)
class _Scan:
    end: float = 0.0
    frames: int = 0
    vfr: bool = False
    first: av.frame.Frame | None = None  # the first decoded frame of the stream asked for


def _decode_one(stream: av.stream.Stream, packet: av.packet.Packet | None) -> av.frame.Frame | None:
    try:
        frames = stream.codec_context.decode(packet)  # type: ignore[attr-defined]  # a decoding context
    except av.error.InvalidDataError:
        return None  # one damaged packet: a later one may still decode, as players do
    return frames[0] if frames else None


def _scan_packets(container: av.container.InputContainer, video: av.stream.Stream | None,
                  first_of: av.stream.Stream) -> _Scan:
    """Demux every packet once: where the data really ends, frame count, variable frame rate, and
    the first frame of `first_of` decoded on the way. The frame is taken during this one pass, never
    by seeking back afterwards: FFmpeg's image demuxers (a JPEG, a PNG read as image2) cannot seek to
    0 once read to the end, so a second pass over a picture yields nothing."""
    scan = _Scan()
    stamps: list[int] = []
    try:
        for packet in container.demux():
            if packet.stream.index == first_of.index and scan.first is None and packet.size:
                scan.first = _decode_one(first_of, packet)
            if packet.pts is None or packet.time_base is None:
                continue
            stop = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            start = _seconds(packet.stream.start_time, packet.time_base) or 0.0
            scan.end = max(scan.end, stop - start)
            if video is not None and packet.stream.index == video.index:
                scan.frames += 1
                if len(stamps) < 600:
                    stamps.append(packet.pts)
        if scan.first is None:
            scan.first = _decode_one(first_of, None)  # decoders with delay give their first frame on flush
    except av.error.FFmpegError as exc:
        raise MediaRejected("truncated", "The file is damaged or was cut off while sending.") from exc
    # B-frames reorder packets, so sort the timestamps before measuring the spacing between frames.
    stamps.sort()
    gaps = [b - a for a, b in pairwise(stamps) if b > a]
    scan.vfr = bool(gaps) and max(gaps) > 1.5 * min(gaps)
    return scan


def _check_size(width: int, height: int) -> None:
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise MediaRejected(
            "too_large",
            HUGE,
            width=width,
            height=height,
            side=MAX_SIDE,
            megapixels=MAX_PIXELS // 1_000_000,
        )


def _check_duration(duration: float | None, max_seconds: float) -> None:
    # A recording of exactly the limit often declares a few ms more (codec padding): let it pass.
    if duration is not None and duration > max_seconds + DURATION_SLACK:
        raise MediaRejected(
            "too_long",
            "The recording lasts %(minutes)d minutes; the limit is %(limit)d minutes.",
            minutes=round(duration / 60),
            limit=max(1, round(max_seconds / 60)),
        )


def _probe_with_pillow(path: Path, fmt: str, size: int, max_seconds: float) -> ProbeResult:
    """HEIF stills and animated WebP: Pillow reads them (pictures.py says why FFmpeg does not)."""
    from PIL import Image, UnidentifiedImageError

    from media import pictures

    try:
        with pictures.open_picture(path) as image:
            _check_size(*image.size)
            count = getattr(image, "n_frames", 1)
            codec = "hevc" if fmt == "heif" else "webp"
            if count > 1:
                durations = [pictures.frame_ms(frame) for frame in pictures.ImageSequence.Iterator(image)]
                duration = sum(durations) / 1000
                _check_duration(duration, max_seconds)
                return ProbeResult(kind="video", container=fmt, size_bytes=size, duration_s=round(duration, 3),
                                   width=image.width, height=image.height, fps=round(count / duration, 3),
                                   vfr=len(set(durations)) > 1, has_alpha=True, video_codec=codec, reader="pillow")
            image.load()  # decoding proves the file whole
            shown = pictures.upright(image)
            return ProbeResult(kind="image", container=fmt, size_bytes=size, duration_s=None,
                               width=shown.width, height=shown.height, video_codec=codec,
                               has_alpha="A" in image.getbands(), reader="pillow")
    except Image.DecompressionBombError as exc:  # so big that Pillow will not even say its size
        raise MediaRejected(
            "too_large",
            VERY_HUGE,
            side=MAX_SIDE,
            megapixels=MAX_PIXELS // 1_000_000,
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, EOFError) as exc:
        raise MediaRejected("corrupt", "The file is damaged and cannot be played.") from exc


def probe_file(path: Path, *, max_seconds: float) -> ProbeResult:
    """Probe `path`; raise MediaRejected with a reason an officer understands if it cannot be used."""
    from media.pictures import pillow_format

    size = path.stat().st_size
    if size == 0:
        raise MediaRejected("empty", "The file is empty (0 bytes).")
    fmt = pillow_format(path)
    if fmt is not None:
        return _probe_with_pillow(path, fmt, size, max_seconds)
    with _open(path) as container:
        infos = [_stream_info(s) for s in container.streams if s.type in ("video", "audio")]
        videos = [s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)]
        audios = list(container.streams.audio)
        if not videos and not audios:
            raise MediaRejected("no_streams", "The file holds no picture and no sound.")
        video = videos[0] if videos else None
        audio = audios[0] if audios else None
        declared = container.duration / av.time_base if container.duration else None
        first_of = video if video is not None else audio
        assert first_of is not None  # one of them exists: checked just above
        if video is not None:
            # The header gives the size: a giant picture is refused before FFmpeg fails to decode it,
            # which would otherwise read as a damaged file.
            width, height = video.codec_context.width, video.codec_context.height
            if not width and video.codec_context.name in IMAGE_CODECS:
                from media.pictures import header_size

                width, height = header_size(path) or (0, 0)
            _check_size(width, height)
        scan = _scan_packets(container, video, first_of)
        end, frames, vfr = scan.end, scan.frames, scan.vfr
        if scan.first is None:
            raise MediaRejected("corrupt", "The file is damaged and cannot be played.")
        if end <= 0 and frames == 0:
            raise MediaRejected("truncated", "The file is damaged or was cut off while sending.")
        codec = video.codec_context.name if video is not None else None
        is_image = video is not None and codec in IMAGE_CODECS and frames <= 1 and audio is None
        if declared and not is_image and end < declared * TRUNCATION_SLACK - 1.0:
            raise MediaRejected("truncated", "The file is damaged or was cut off while sending.")
        duration = None if is_image else (declared or end)
        _check_duration(duration, max_seconds)
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
            _check_size(width, height)
            result.rotation = int(getattr(scan.first, "rotation", 0) or 0) % 360
            if result.rotation in (90, 270):
                width, height = height, width
            result.width, result.height = width, height
            rate = video.average_rate or video.guessed_rate
            result.fps = round(float(rate), 3) if rate else None
            pix_fmt = video.codec_context.pix_fmt or ""
            result.has_alpha = pix_fmt.startswith(("rgba", "bgra", "argb", "abgr", "ya", "yuva", "pal8", "gbrap"))
    return result
