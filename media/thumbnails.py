"""Pictures: board images (EXIF orientation, at most 1920 px), video posters and small thumbnails."""

from __future__ import annotations

from pathlib import Path

import av
import av.error
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from media.errors import MediaRejected

MAX_IMAGE_SIDE = 1920
THUMB_WIDTH = 320
# A frame this dark, this bright or this flat is a fade, a lens cap or a title card: not a poster.
MIN_MEAN, MAX_MEAN, MIN_STD = 24.0, 235.0, 12.0
POSTER_POSITIONS = (0.1, 0.25, 0.5, 0.75, 0.9)


def _has_alpha(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        # Pillow types getextrema() of one band and of several in one union; these modes have several.
        return image.getextrema()[-1][0] < 255 if image.mode in ("RGBA", "LA") else True  # type: ignore[index]
    return image.mode == "P" and "transparency" in image.info


def _open_picture(src: Path) -> Image.Image:
    """Pillow first (it reads EXIF); PyAV's decoder for whatever Pillow cannot read."""
    try:
        with Image.open(src) as image:
            image.load()
            return ImageOps.exif_transpose(image) or image
    except (UnidentifiedImageError, OSError):
        pass
    try:
        with av.open(str(src)) as container:
            for frame in container.decode(video=0):
                return frame.to_image()
    except av.error.FFmpegError as exc:
        raise MediaRejected("corrupt", "The file is damaged and cannot be played.") from exc
    raise MediaRejected("corrupt", "The file is damaged and cannot be played.")


def normalise_image(src: Path, out_dir: Path) -> tuple[Path, dict[str, str | int | bool]]:
    """Write the board picture: oriented, ≤1920 px, PNG when it has transparency, JPEG otherwise."""
    image = _open_picture(src)
    alpha = _has_alpha(image)
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
    if alpha:
        dst = out_dir / "image.png"
        image.convert("RGBA").save(dst, format="PNG", optimize=False)
        mime = "image/png"
    else:
        dst = out_dir / "image.jpg"
        image.convert("RGB").save(dst, format="JPEG", quality=88, optimize=True, progressive=True)
        mime = "image/jpeg"
    return dst, {"width": image.width, "height": image.height, "mime": mime, "alpha": alpha}


def _score(frame: av.VideoFrame) -> tuple[bool, float]:
    gray = frame.to_ndarray(format="gray").astype(np.float32)
    mean, std = float(gray.mean()), float(gray.std())
    return (MIN_MEAN <= mean <= MAX_MEAN and std >= MIN_STD), std


def pick_poster(video: Path, duration_s: float | None) -> Image.Image:
    """A representative frame: the first sampled position that is neither black, white nor flat."""
    best: tuple[float, Image.Image] | None = None
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        positions = POSTER_POSITIONS if duration_s and duration_s > 1 else (0.0,)
        for share in positions:
            target = int((duration_s or 0) * share / (stream.time_base or 1)) if share else 0
            container.seek(target, stream=stream, any_frame=False, backward=True)
            for frame in container.decode(stream):
                if frame.pts is not None and frame.pts < target:
                    continue  # seeking lands on the keyframe before; walk to the wanted moment
                good, std = _score(frame)
                if good:
                    return frame.to_image()
                if best is None or std > best[0]:
                    best = (std, frame.to_image())
                break
    if best is None:
        raise MediaRejected("corrupt", "The file is damaged and cannot be played.")
    return best[1]


def save_poster(image: Image.Image, out_dir: Path) -> tuple[Path, Path]:
    """Write poster.jpg (full size) and thumb.jpg (320 px wide)."""
    poster = out_dir / "poster.jpg"
    image.convert("RGB").save(poster, format="JPEG", quality=85)
    return poster, save_thumbnail(image, out_dir)


def save_thumbnail(image: Image.Image, out_dir: Path) -> Path:
    """Write thumb.jpg, 320 px wide (transparency flattened on white)."""
    thumb = image.copy()
    if thumb.mode in ("RGBA", "LA", "P"):
        thumb = thumb.convert("RGBA")
        background = Image.new("RGBA", thumb.size, (255, 255, 255, 255))
        thumb = Image.alpha_composite(background, thumb)
    thumb.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 4), Image.Resampling.LANCZOS)
    path = out_dir / "thumb.jpg"
    thumb.convert("RGB").save(path, format="JPEG", quality=80)
    return path
