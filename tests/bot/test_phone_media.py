"""Phone media through the chat, as Telegram delivers it, to "waiting for review" with a board version
that decodes: a photo in its several sizes (the largest is taken), a camera photo sent as a document
(the original file), a voice note."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlmodel import select

from core.intake.models import MediaAsset, Submission
from tests.bot import updates as U
from tests.bot.conftest import Harness

sys.path.insert(0, str(Path(__file__).parents[1] / "media"))
import makemedia as mm

from media import tasks


def _jpeg(size: tuple[int, int], **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(mm.photo(*size)).save(buffer, format="JPEG", quality=87, **options)
    return buffer.getvalue()


def _processed(h: Harness) -> tuple[Submission, dict[str, MediaAsset]]:
    """Run the worker's job on the one submission, as `bangtin worker` would; return it and its assets."""
    with h.rt.db.reading() as s:
        sub = s.exec(select(Submission)).one()
    assert tasks.process(submission_id=sub.id) == "done"
    with h.rt.db.reading() as s:
        sub = s.get(Submission, sub.id)
        assets = {a.role: a for a in s.exec(select(MediaAsset).where(MediaAsset.submission_id == sub.id)).all()}
    return sub, assets


def _board_picture(h: Harness, asset: MediaAsset) -> Image.Image:
    with Image.open(h.rt.store.local_path(asset.sha256)) as picture:
        picture.load()
        return picture.copy()


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_photo_sent_as_a_photo_takes_the_largest_size(h: Harness) -> None:
    await h.onboard(701)
    sizes = [(1280, 960), (90, 68), (320, 240)]  # Telegram lists them smallest first; not trusted
    files = [h.fake.add_file(_jpeg(size), suffix=".jpg") for size in sizes]
    photo = [{"file_id": f.file_id, "file_unique_id": f.unique_id, "file_size": len(f.data),
              "width": w, "height": hgt} for f, (w, hgt) in zip(files, sizes, strict=True)]
    h.new_texts(701)
    await h.send(U.message(h.fake, 701, photo=photo, caption="Khánh thành cầu treo bản Nậm Ô"))
    await h.answer_all(701)
    sub, assets = _processed(h)
    assert sub.state == "ready" and sub.kind == "image"  # waiting for the editors
    assert assets["original"].size_bytes == len(files[0].data)
    assert _board_picture(h, assets["normalised"]).size == (1280, 960)


@pytest.mark.parametrize("h", ["webhook"], indirect=True)
async def test_camera_photo_sent_as_a_document_keeps_its_size_and_turns_upright(h: Harness, tmp_path) -> None:
    await h.onboard(702)
    original = mm.photo_jpeg(tmp_path / "IMG_0420.JPG", size=(3024, 4032), orientation=6, camera=True)
    replies = await h.send_media(702, "document", original.read_bytes(), file_name="IMG_0420.JPG",
                                 mime_type="image/jpeg", suffix=".jpg")
    assert "lĩnh vực" in replies[0]
    await h.answer_all(702)
    sub, assets = _processed(h)
    assert (sub.state, sub.kind) == ("ready", "image")
    assert (assets["original"].width, assets["original"].height) == (3024, 4032)
    board = _board_picture(h, assets["normalised"])
    assert board.size == (1440, 1920)
    gray = np.asarray(board.convert("L"), dtype=float)
    assert gray[:960, :720].mean() > 200 > gray[:960, 720:].mean()  # the white quarter is top-left: upright


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_voice_note_becomes_board_audio(h: Harness, tmp_path) -> None:
    await h.onboard(703)
    voice = mm.write_audio(tmp_path / "voice.ogg", fmt="ogg", codec="libopus", rate=48000, seconds=4.0, speech=True)
    await h.send_media(703, "voice", voice.read_bytes(), duration=4)
    await h.answer_all(703)
    sub, assets = _processed(h)
    assert (sub.state, sub.kind) == ("ready", "audio")
    seen = mm.decode_all(h.rt.store.local_path(assets["normalised"].sha256))
    assert seen["codecs"] == ["aac"] and seen["audio_samples"] / 48_000 == pytest.approx(4.0, abs=0.5)
