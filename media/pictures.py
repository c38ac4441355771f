"""Pictures FFmpeg cannot read, read with Pillow: HEIF/HEIC stills (iPhones; pillow-heif's libheif
decodes their tiled HEVC grids) and animated WebP (FFmpeg's WebP decoder takes stills only).

Recognised from the first bytes, never the name: an ISO-BMFF `ftyp` box with a HEIF brand, or a
RIFF/WEBP file whose VP8X header sets the animation flag.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from struct import error as struct_error

from PIL import Image, ImageOps, ImageSequence

HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
MIN_FRAME_MS = 20  # browsers and phones play a GIF/WebP frame of 0–10 ms as 100 ms
DEFAULT_FRAME_MS = 100


@cache
def register_heif() -> None:
    """Teach Pillow HEIF (once per process; imported here so `media.cli` stays light)."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def pillow_format(path: Path) -> str | None:
    """"heif" or "webp_animated" when Pillow must read this file instead of FFmpeg, else None."""
    with path.open("rb") as handle:
        head = handle.read(64)
    if head[4:8] == b"ftyp":
        major = head[8:12]
        brands = {head[i : i + 4] for i in range(16, min(len(head), int.from_bytes(head[:4], "big")), 4)}
        if major in HEIF_BRANDS or (major not in (b"qt  ", b"isom", b"mp41", b"mp42", b"avc1", b"3gp4", b"3gp5",
                                                  b"M4A ", b"M4V ") and brands & {b"heic", b"heix"}):
            return "heif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] == b"VP8X" and head[20] & 0x02:
        return "webp_animated"
    return None


def open_picture(path: Path) -> Image.Image:
    """Open with Pillow (HEIF included); lazy: only the header is read."""
    register_heif()
    return Image.open(path)


def header_size(path: Path) -> tuple[int, int] | None:
    """Width and height from the picture's header alone, or None when Pillow cannot tell.

    FFmpeg gives no size for a picture past its own limit (30000×30000), and Image.open refuses such
    a picture without saying its size (decompression-bomb check); the format readers, called one by
    one as Image.open does, read only the header and say it.
    """
    Image.init()
    with path.open("rb") as handle:
        prefix = handle.read(16)
        for fmt in Image.ID:
            factory, accept = Image.OPEN[fmt]
            if accept is not None and not accept(prefix):
                continue
            handle.seek(0)
            try:
                return factory(handle, str(path)).size
            except (SyntaxError, OSError, ValueError, IndexError, TypeError, struct_error):
                continue
    return None


def upright(image: Image.Image) -> Image.Image:
    """The picture as it should be seen (EXIF orientation applied; HEIF arrives upright already)."""
    return ImageOps.exif_transpose(image) or image


def frame_ms(frame: Image.Image) -> int:
    duration = int(frame.info.get("duration") or 0)
    return duration if duration >= MIN_FRAME_MS else DEFAULT_FRAME_MS


def frames(image: Image.Image) -> Iterator[tuple[Image.Image, int]]:
    """Each frame of an animation, composed as shown (RGBA), with how long it stays, in ms."""
    for frame in ImageSequence.Iterator(image):
        yield frame.convert("RGBA"), frame_ms(frame)
