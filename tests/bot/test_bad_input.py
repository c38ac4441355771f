"""Every bad input gets a clear Vietnamese answer, and nothing an officer sent is silently lost."""

from __future__ import annotations

import os

import pytest
from sqlmodel import select

from core.intake.models import IntakeLog, MediaAsset, Submission
from tests.bot import updates as U
from tests.bot.conftest import Harness


def subs(h: Harness) -> list[Submission]:
    with h.rt.db.reading() as s:
        return list(s.exec(select(Submission)).all())


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("sticker", {"file_id": "S1", "file_unique_id": "SU1", "type": "regular", "width": 512, "height": 512,
                 "is_animated": False, "is_video": False}, "nhãn dán"),
    ("location", {"latitude": 22.36, "longitude": 103.24}, "vị trí"),
    ("contact", {"phone_number": "0912345678", "first_name": "Hoa"}, "danh thiếp"),
])
async def test_stickers_locations_contacts_are_explained(h: Harness, field: str, value: dict, expected: str) -> None:
    await h.onboard(701)
    await h.send(U.message(h.fake, 701, **{field: value}))
    [reply] = h.new_texts(701)
    assert expected in reply and "Vui lòng gửi video, ảnh" in reply
    assert subs(h) == []


@pytest.mark.parametrize(("name", "mime"), [("setup.exe", "application/x-msdownload"), ("anh.zip", "application/zip")])
async def test_executables_and_archives_are_refused(h: Harness, name: str, mime: str) -> None:
    await h.onboard(702)
    replies = await h.send_media(702, "document", b"MZ" * 100, file_name=name, mime_type=mime, suffix=".bin")
    assert replies == [(f"Không nhận được tệp {name}. Vui lòng gửi video, ảnh, tin nhắn thoại hoặc tệp âm thanh "
                       "(gửi video dưới dạng tệp cũng được).")]
    assert subs(h) == [] and not [c for c in h.fake.calls if c["method"] == "getFile"]


async def test_pdf_refused_for_a_commune_but_taken_from_the_editors(h: Harness) -> None:
    await h.onboard(703)
    replies = await h.send_media(703, "document", b"%PDF-1.4" * 50, file_name="cong-van.pdf",
                                 mime_type="application/pdf", suffix=".pdf")
    assert "không được gửi văn bản như cong-van.pdf" in replies[0]
    await h.onboard(704, unit="SO-VHTTDL")
    replies = await h.send_media(704, "document", b"%PDF-1.4" * 50, file_name="ke-hoach.pdf",
                                 mime_type="application/pdf", suffix=".pdf")
    assert "thuộc lĩnh vực nào" in replies[0]
    assert subs(h)[0].kind == "document"


async def test_emoji_only_caption_is_left_out_with_a_word(h: Harness) -> None:
    await h.onboard(705)
    replies = await h.send_media(705, "photo", b"z" * 400, caption="👍🎉 🇻🇳")
    assert replies[0].startswith("Chú thích không có chữ") and "thuộc lĩnh vực nào" in replies[1]
    assert subs(h)[0].caption is None


async def test_emoji_only_notice_and_title_are_refused(h: Harness) -> None:
    await h.onboard(706)
    assert (await h.say(706, "😀😀😀"))[0].startswith("Để gửi thông báo bằng chữ, hãy viết ít nhất 10 chữ cái")
    assert subs(h) == []
    await h.send_media(706, "photo", b"w" * 400)
    await h.tap(706, "2b ·")
    await h.tap(706, "Bảng tin của đơn vị")
    await h.tap(706, "Càng sớm")
    assert (await h.say(706, "🙏🙏"))[0].startswith("Tiêu đề cần có chữ")
    assert (await h.say(706, "x" * 300))[0].startswith("Tiêu đề quá dài")


async def test_caption_over_telegram_limit_is_kept_in_full(h: Harness) -> None:
    await h.onboard(707)
    caption = "Bà con bản Nậm Tăm tham gia làm đường. " * 40  # about 1,600 characters
    replies = await h.send_media(707, "video", b"v" * 500, caption=caption)
    assert replies[0].startswith("Chú thích dài (")
    assert subs(h)[0].caption == caption.strip()


async def test_video_longer_than_allowed_is_refused_before_download(h: Harness) -> None:
    await h.onboard(708)
    replies = await h.send_media(708, "video", b"long" * 100, duration=h.rt.settings.max_media_seconds + 60)
    assert replies == ["Video này dài 31 phút; bảng tin chỉ nhận tối đa 30 phút. Vui lòng cắt ngắn rồi gửi lại."]
    assert subs(h) == [] and not [c for c in h.fake.calls if c["method"] == "getFile"]


async def test_audio_longer_than_allowed_is_called_a_recording_not_a_video(h: Harness) -> None:
    await h.onboard(718)
    replies = await h.send_media(718, "audio", b"long" * 100, duration=3 * 3600)
    assert replies == [
        "Tệp ghi âm này dài 180 phút; bảng tin chỉ nhận tối đa 30 phút. Vui lòng cắt ngắn rồi gửi lại."
    ]
    assert subs(h) == []


async def test_fifty_clips_in_a_minute_are_throttled_and_each_refusal_said(h: Harness) -> None:
    await h.onboard(709)
    clips = [U.media(h.fake, 709, "video", h.fake.add_file(f"clip-{i}".encode() * 50)) for i in range(50)]
    h.new_texts(709)
    await h.send(*clips)
    texts = h.new_texts(709)
    refused = [t for t in texts if "CHƯA được nhận" in t]
    with h.rt.db.reading() as s:
        kept = s.exec(select(MediaAsset)).all()
        throttled = s.exec(select(IntakeLog).where(IntakeLog.kind == "throttled")).all()
    assert len(kept) == 20 and len(refused) == 30 and len(throttled) == 30  # 20 + 30: none silently dropped
    replied_to = {c["reply_parameters"]["message_id"] for c in h.fake.sent(709) if "CHƯA" in c["text"]}
    assert len(replied_to) == 30  # each refusal answers its own clip


async def test_corrupted_file_is_accepted_and_queued(h: Harness) -> None:
    await h.onboard(710)
    garbage = os.urandom(50_000)
    await h.send_media(710, "video", garbage)
    await h.answer_all(710)
    with h.rt.db.reading() as s:
        [asset] = s.exec(select(MediaAsset)).all()
    assert asset.size_bytes == len(garbage) and h.rt.store.exists(asset.sha256)
    assert h.rt.queue.pending() == 1  # the media stage reports the problem


async def test_broken_download_is_retried(h: Harness) -> None:
    await h.onboard(711)
    h.fake.faults.cut_downloads = 2
    replies = await h.send_media(711, "video", b"retry me" * 20_000)
    assert "thuộc lĩnh vực nào" in replies[0]
    with h.rt.db.reading() as s:
        [asset] = s.exec(select(MediaAsset)).all()
    assert asset.size_bytes == 160_000
    assert not [p for p in h.rt.store.root.joinpath(".tmp").iterdir()]  # no half-written file left


async def test_download_that_keeps_failing_is_reported(h: Harness) -> None:
    await h.onboard(712)
    h.fake.faults.cut_downloads = 3
    replies = await h.send_media(712, "video", b"never" * 20_000)
    assert replies == [("Không tải được tệp của bạn dù đã thử nhiều lần (mất kết nối). Chưa có gì được lưu: "
                       "vui lòng gửi lại.")]
    assert subs(h) == []


async def test_flood_control_429_is_waited_out(h: Harness) -> None:
    await h.onboard(713)
    h.fake.faults.retry_after["sendMessage"] = 1
    replies = await h.say(713, "/help")
    assert replies and replies[0].startswith("Bạn có thể gửi")
    assert [c.get("rejected") for c in h.fake.calls if c["method"] == "sendMessage"][-2:] == [429, None]


async def test_text_while_a_button_is_expected_gets_a_hint(h: Harness) -> None:
    await h.onboard(714)
    await h.send_media(714, "photo", b"q" * 400)
    await h.tap(714, "2b ·")
    assert (await h.say(714, "ok"))[0] == "Vui lòng trả lời bằng các nút ở trên, hoặc gửi /cancel để dừng."
