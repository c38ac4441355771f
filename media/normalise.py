"""Normalise video and audio for the boards with PyAV alone (its wheel carries FFmpeg, x264 and AAC).

Video: H.264 High, yuv420p, constant frame rate, at most 1920×1080 with the aspect ratio kept,
the phone's rotation applied to the pixels, the MP4 index at the front (`movflags=+faststart`).
Audio: AAC 48 kHz stereo, loudness normalised with FFmpeg's `loudnorm` filter (EBU R128,
single pass, target -16 LUFS integrated, -1.5 dBTP true peak), which boards and phones both suit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import av.error
import av.filter
import numpy as np

from media.errors import MediaRejected
from media.probe import ProbeResult

MAX_WIDTH, MAX_HEIGHT = 1920, 1080
AUDIO_RATE = 48_000
LOUDNORM = "I=-16:TP=-1.5:LRA=11"
Progress = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class VideoSettings:
    """What the encoder is asked for; the benchmark's bare transcode uses the very same values."""

    preset: str = "veryfast"
    crf: int = 23
    audio_bitrate: int = 128_000


def target_size(width: int, height: int) -> tuple[int, int]:
    """Fit (width, height) inside 1920×1080 without upscaling, keeping the aspect; even sides for 4:2:0."""
    scale = min(1.0, MAX_WIDTH / width, MAX_HEIGHT / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def target_fps(fps: float | None) -> int:
    """A constant rate the boards play smoothly: the source's rate, halved above 30, within 10–30."""
    if not fps or fps <= 0 or fps > 240:
        return 30
    while fps > 30.5:
        fps /= 2
    return int(min(30, max(10, round(fps))))


def _link(graph: av.filter.Graph, nodes: list[av.filter.context.FilterContext]) -> None:
    for left, right in zip(nodes, nodes[1:], strict=False):
        left.link_to(right)
    graph.configure()


def video_graph(stream: av.video.stream.VideoStream, rotation: int, size: tuple[int, int], fps: int) -> av.filter.Graph:
    """buffer → rotate → scale → fps (CFR) → yuv420p → sink."""
    graph = av.filter.Graph()
    nodes = [graph.add_buffer(template=stream)]
    # PyAV reports rotation counter-clockwise; FFmpeg's autorotate turns the picture back the same way.
    if rotation == 90:
        nodes.append(graph.add("transpose", "cclock"))
    elif rotation == 270:
        nodes.append(graph.add("transpose", "clock"))
    elif rotation == 180:
        nodes += [graph.add("hflip"), graph.add("vflip")]
    nodes += [
        graph.add("scale", f"{size[0]}:{size[1]}:flags=bicubic"),
        graph.add("fps", f"fps={fps}"),
        graph.add("format", "yuv420p"),
        graph.add("buffersink"),
    ]
    _link(graph, nodes)
    return graph


def audio_graph(stream: av.audio.stream.AudioStream) -> av.filter.Graph:
    """abuffer → loudnorm → 48 kHz → stereo fltp → sink."""
    graph = av.filter.Graph()
    nodes = [
        graph.add_abuffer(template=stream),
        graph.add("loudnorm", LOUDNORM),
        graph.add("aresample", str(AUDIO_RATE)),
        graph.add("aformat", f"sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo"),
        graph.add("abuffersink"),
    ]
    _link(graph, nodes)
    graph.set_audio_frame_size(1024)  # AAC takes exactly 1024 samples a frame (the last may be short)
    return graph


def _drain(graph: av.filter.Graph) -> Iterator[av.frame.Frame]:
    while True:
        try:
            yield graph.pull()
        except (BlockingIOError, EOFError):
            return
        except av.error.FFmpegError as exc:
            if exc.errno in (11, 541478725):  # EAGAIN / AVERROR_EOF spelled as FFmpegError
                return
            raise


def _finite(frame: av.AudioFrame) -> av.AudioFrame:
    """loudnorm turns digital silence into NaN, which the AAC encoder refuses: make it silence again."""
    samples = frame.to_ndarray()
    if np.isfinite(samples).all():
        return frame
    # numpy's stubs lose the frame's float dtype through nan_to_num; it is kept.
    clean = av.AudioFrame.from_ndarray(np.nan_to_num(samples, nan=0.0, posinf=0.0, neginf=0.0),  # type: ignore[arg-type]
                                       format=frame.format.name, layout=frame.layout.name)
    clean.sample_rate = frame.sample_rate
    return clean


class _AudioOut:
    """An AAC stream fed from the loudness graph, with sample-exact timestamps."""

    def __init__(self, out: av.container.OutputContainer, source: av.audio.stream.AudioStream, bitrate: int) -> None:
        self.stream = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
        self.stream.bit_rate = bitrate
        self.graph = audio_graph(source)
        self.out = out
        self.samples = 0

    def push(self, frame: av.AudioFrame | None) -> None:
        self.graph.push(frame)
        for pulled in _drain(self.graph):
            filtered = _finite(cast(av.AudioFrame, pulled))  # an audio graph gives audio frames
            filtered.pts = self.samples
            filtered.time_base = Fraction(1, AUDIO_RATE)
            self.samples += filtered.samples
            self.out.mux(self.stream.encode(filtered))

    def close(self) -> None:
        self.push(None)
        self.out.mux(self.stream.encode(None))


def _decode(
    container: av.container.InputContainer, *streams: av.stream.Stream
) -> Iterator[av.VideoFrame | av.AudioFrame]:
    try:
        for packet in container.demux(*streams):
            try:
                # Only video and audio streams are asked for: no subtitles come out.
                yield from cast("list[av.VideoFrame | av.AudioFrame]", packet.decode())
            except av.error.InvalidDataError:
                continue  # one damaged packet in a phone file: skip it, as players do
    except av.error.FFmpegError as exc:
        raise MediaRejected("corrupt", "The file is damaged and cannot be played.") from exc


def transcode_video(src: Path, dst: Path, probe: ProbeResult, *, settings: VideoSettings = VideoSettings(),
                    progress: Progress | None = None) -> dict[str, float]:
    """Write the board version of a video to `dst` (MP4); return its width, height and frame rate."""
    size = target_size(probe.width or 2, probe.height or 2)
    fps = target_fps(probe.fps)
    with av.open(str(src), metadata_errors="ignore") as source, av.open(
        str(dst), "w", format="mp4", container_options={"movflags": "+faststart"}
    ) as out:
        vin = next(s for s in source.streams.video if not (s.disposition & av.stream.Disposition.attached_pic))
        vin.thread_type = "AUTO"
        ain = source.streams.audio[0] if source.streams.audio else None
        vout = out.add_stream("libx264", rate=fps)
        vout.width, vout.height, vout.pix_fmt = size[0], size[1], "yuv420p"
        vout.codec_context.gop_size = fps * 2
        vout.options = {"preset": settings.preset, "crf": str(settings.crf), "profile": "high"}
        audio = _AudioOut(out, ain, settings.audio_bitrate) if ain is not None else None
        graph = video_graph(vin, probe.rotation, size, fps)
        frames = 0
        total = (probe.duration_s or 0) * fps

        def encode(pending: Iterator[av.frame.Frame]) -> None:
            nonlocal frames
            for pulled in pending:
                filtered = cast(av.VideoFrame, pulled)  # a video graph gives video frames
                filtered.pts = frames  # the fps filter made the rate constant; number frames 0, 1, 2 …
                filtered.time_base = Fraction(1, fps)
                frames += 1
                out.mux(vout.encode(filtered))
                if progress and total and frames % 30 == 0:
                    progress(min(1.0, frames / total))

        for frame in _decode(source, *(s for s in (vin, ain) if s is not None)):
            if isinstance(frame, av.VideoFrame):
                graph.push(frame)
                encode(_drain(graph))
            elif audio is not None:
                audio.push(frame)
        graph.push(None)
        encode(_drain(graph))
        out.mux(vout.encode(None))
        if audio is not None:
            audio.close()
    if frames == 0:
        raise MediaRejected("corrupt", "The file is damaged and cannot be played.")
    return {"width": size[0], "height": size[1], "fps": fps, "frames": frames, "duration_s": round(frames / fps, 3)}


def transcode_audio(src: Path, dst: Path, *, bitrate: int = 128_000) -> dict[str, float]:
    """Write the board version of a sound recording to `dst` (AAC in an .m4a, index at the front)."""
    with av.open(str(src), metadata_errors="ignore") as source, av.open(
        str(dst), "w", format="ipod", container_options={"movflags": "+faststart"}
    ) as out:
        ain = source.streams.audio[0]
        audio = _AudioOut(out, ain, bitrate)
        for frame in _decode(source, ain):
            audio.push(cast(av.AudioFrame, frame))  # the one stream decoded is audio
        audio.close()
        samples = audio.samples
    if samples == 0:
        raise MediaRejected("corrupt", "The file is damaged and cannot be played.")
    return {"duration_s": round(samples / AUDIO_RATE, 3), "sample_rate": AUDIO_RATE}
