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
                  speech: bool = False, chunk: int = 1024, signal: np.ndarray | None = None):
    rate = stream.codec_context.sample_rate
    layout = stream.codec_context.layout.name
    channels = stream.codec_context.channels
    if signal is not None:  # 16 kHz mono (espeak-ng speech), resampled to the stream's rate
        count = int(len(signal) * rate / 16000)
        mono = np.interp(np.arange(count) * 16000 / rate, np.arange(len(signal)), signal)
    elif speech:
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
        elif fmt in ("s32", "s32p"):
            data = (piece.astype(np.float64) * 2147483647).astype(np.int32)
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
                pix_fmt: str = "yuv420p", vopts: dict[str, str] | None = None, upright: bool = False,
                signal: np.ndarray | None = None) -> Path:
    """A video (and optionally audio) file; `vfr` spaces frames irregularly like Android phones do.

    With `upright` and a rotation of ±90 the pixels are stored turned, as a phone held upright stores
    them: once the rotation is applied the picture shows its white quarter top-left."""
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
            pixels = pattern(size[0], size[1], i, black=i < black_frames)
            if upright and rotation in (90, -90):
                # Stored turned against the display rotation (-90: shown turned clockwise).
                pixels = np.ascontiguousarray(np.rot90(pattern(size[1], size[0], i), k=1 if rotation == -90 else -1))
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            if vfr:
                frame.pts, frame.time_base = clock, Fraction(1, 1000)
                clock += int(rng.choice([20, 33, 50, 66]))
            else:
                frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
        if as_ is not None:
            for frame in _audio_frames(as_, seconds, silent=silent, speech=speech, signal=signal):
                out.mux(as_.encode(frame))
            out.mux(as_.encode(None))
    return path


def write_audio(path: Path, *, fmt: str, codec: str, rate: int, layout: str = "mono", seconds: float = 1.0,
                speech: bool = False, silent: bool = False, signal: np.ndarray | None = None,
                bit_rate: int | None = None) -> Path:
    """An audio-only file (voice note, AMR, WAV …); `signal` is 16 kHz mono speech to put in it."""
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        if bit_rate:
            stream.bit_rate = bit_rate
        for frame in _audio_frames(stream, seconds, speech=speech, silent=silent, signal=signal,
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


def photo(width: int, height: int, *, seed: int = 0) -> np.ndarray:
    """A camera-like picture: smooth light, a little sensor noise, and the white top-left quarter of
    `pattern` so a test can tell which way is up (JPEG sizes then resemble a phone's, not a flat card)."""
    rng = np.random.default_rng(seed)
    frame = pattern(width, height, seed)
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    frame[height // 2 :, :, 0] = (40 + 120 * y[height // 2 :]).astype(np.uint8)
    noise = rng.integers(0, 12, (min(height, 256), min(width, 256), 3), dtype=np.uint8)
    reps = (-(-height // noise.shape[0]), -(-width // noise.shape[1]), 1)
    frame[height // 2 :] += np.tile(noise, reps)[height // 2 : height, :width]
    return frame


def photo_jpeg(path: Path, *, size: tuple[int, int], orientation: int | None = None, quality: int = 90,
               progressive: bool = False, mode: str = "RGB", camera: bool = False) -> Path:
    """A JPEG as Pillow (and phone camera software) writes it. With `orientation` the pixels are stored
    turned the way a phone held sideways stores them, and the EXIF tag says how to turn them upright:
    the displayed (upright) picture is always `size`-sided with its white quarter top-left."""
    from PIL import Image

    upright = Image.fromarray(photo(*size))
    stored = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
    picture = upright.transpose(stored[orientation]) if orientation in stored else upright
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if camera:
        exif[0x010F], exif[0x0110] = "Apple", "iPhone 13"  # Make, Model: what a camera writes first
    picture.convert(mode).save(path, format="JPEG", quality=quality, progressive=progressive,
                               exif=exif.tobytes(), subsampling="4:2:0")
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


def espeak(text: str, voice: str = "en-us", *, speed: int = 150) -> np.ndarray:
    """Speech from espeak-ng (a Debian package; voices vi, en-us, cmn-latn-pinyin) as 16 kHz mono float32."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text], check=True,
                       capture_output=True)
        with av.open(str(wav)) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=16000)
            pieces = [f.to_ndarray()[0] for frame in container.decode(audio=0) for f in resampler.resample(frame)]
            pieces += [f.to_ndarray()[0] for f in resampler.resample(None)]
    return np.concatenate(pieces).astype(np.float32)


def still(path: Path, *, size: tuple[int, int], fmt: str, mode: str = "RGB", **options: object) -> Path:
    """A still picture written by Pillow (PNG screenshot, PNG with alpha, WebP, CMYK JPEG, HEIC)."""
    from PIL import Image

    picture = Image.fromarray(photo(*size))
    if mode == "RGBA":
        alpha = Image.new("L", size, 255)
        alpha.paste(0, (0, 0, size[0] // 3, size[1]))  # a transparent band on the left
        picture.putalpha(alpha)
    elif mode != "RGB":
        picture = picture.convert(mode)
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    picture.save(path, format=fmt, **options)
    return path


def animation(path: Path, *, size: tuple[int, int], frames: int, fmt: str, frame_ms: int = 100) -> Path:
    """An animated GIF or WebP (what a phone's GIF keyboard or sticker maker sends): a moving square."""
    from PIL import Image

    pictures = []
    for i in range(frames):
        pixels = pattern(size[0], size[1], i)
        x = (i * 12) % max(1, size[0] - 40)
        pixels[size[1] // 2 : size[1] // 2 + 40, x : x + 40] = (220, 40, 40)
        pictures.append(Image.fromarray(pixels))
    pictures[0].save(path, format=fmt, save_all=True, append_images=pictures[1:], duration=frame_ms, loop=0)
    return path


def mp3_with_cover(path: Path, *, seconds: float, signal: np.ndarray | None = None) -> Path:
    """An MP3 whose ID3v2.3 tag carries a JPEG cover (APIC), as music and podcast files do."""
    import io

    from PIL import Image

    body = path.with_suffix(".body.mp3")
    write_audio(body, fmt="mp3", codec="libmp3lame", rate=44100, layout="stereo", seconds=seconds, signal=signal)
    cover = io.BytesIO()
    Image.fromarray(photo(500, 500)).save(cover, format="JPEG", quality=85)
    apic = b"\x00image/jpeg\x00\x03cover\x00" + cover.getvalue()
    frame = b"APIC" + len(apic).to_bytes(4, "big") + b"\x00\x00" + apic
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    path.write_bytes(b"ID3\x03\x00\x00" + syncsafe + frame + body.read_bytes())
    body.unlink()
    return path
