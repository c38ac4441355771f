"""Submitting every kind of media and a written notice, albums, /status, emergencies, edits, cancels."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from core.intake.models import MediaAsset, Submission
from core.notify.models import Notification
from core.types import SubmissionState
from tests.bot import updates as U
from tests.bot.conftest import Harness, Seed

KINDS = [("video", "video"), ("video_note", "video"), ("photo", "image"), ("voice", "audio"), ("audio", "audio")]


def submissions(h: Harness) -> list[Submission]:
    with h.rt.db.reading() as s:
        return list(s.exec(select(Submission).order_by(Submission.id)).all())  # type: ignore[arg-type]


def assets(h: Harness, submission_id: int) -> list[MediaAsset]:
    with h.rt.db.reading() as s:
        return list(s.exec(select(MediaAsset).where(MediaAsset.submission_id == submission_id)
                           .order_by(MediaAsset.position)).all())  # type: ignore[arg-type]


@pytest.mark.parametrize(("hint", "kind"), KINDS)
async def test_officer_submits_each_kind_of_media(h: Harness, hint: str, kind: str) -> None:
    await h.onboard(601)
    data = f"{hint} bytes ".encode() * 1000
    replies = await h.send_media(601, hint, data, caption="Lễ hội Gầu Tào ở Sìn Hồ")
    assert replies == ["Tin, bài thuộc lĩnh vực nào? (Điều 7)"]
    done = await h.answer_all(601)
    assert done[0].startswith("Đã nhận, cảm ơn bạn! Mã bài: BT-")
    sub = submissions(h)[0]
    assert (sub.state, sub.kind, sub.category, sub.target_kind, sub.title, sub.caption) == (
        "received", kind, "2b", "own_unit", "Ngày hội văn hóa", "Lễ hội Gầu Tào ở Sìn Hồ")
    assert sub.code and sub.code in done[0]
    assert sub.wished_start and sub.wished_end and (sub.wished_end - sub.wished_start).days == 7
    [asset] = assets(h, sub.id)  # type: ignore[arg-type]
    assert asset.size_bytes == len(data) and h.rt.store.exists(asset.sha256) and asset.kind == kind
    assert h.rt.queue.pending() == 1  # media.process queued after the commit


async def test_clip_sent_as_a_document_is_taken_as_video(h: Harness) -> None:
    await h.onboard(602)
    replies = await h.send_media(602, "document", b"\x00\x00\x00\x18ftypmp42" * 100, file_name="VID_2024.mp4",
                                 mime_type="video/mp4")
    assert "lĩnh vực" in replies[0]
    await h.answer_all(602, title=None)
    assert submissions(h)[0].kind == "video" and submissions(h)[0].title is None


async def test_written_notice_with_cluster_and_typed_period(h: Harness, seeded: Seed) -> None:
    await h.onboard(603)
    notice = "Thông báo: từ ngày 20/12 xã tổ chức tiêm phòng dại cho chó, mèo tại nhà văn hóa các bản."
    assert (await h.say(603, notice))[0].startswith("Tin, bài thuộc lĩnh vực nào")
    await h.tap(603, "3 ·")
    clusters = await h.tap(603, "Chọn một cụm")
    assert clusters == ["Chọn cụm thông tin:"]
    assert [t for t, _ in h.fake.buttons(603)][:2] == ["Cụm trung tâm xã Sìn Hồ", "Cửa khẩu Ma Lù Thàng"]
    await h.tap(603, "Cụm trung tâm xã Sìn Hồ")
    assert "Gõ tiêu đề" in (await h.say(603, "1/1/2099 - 10/1/2099"))[0]
    summary = (await h.say(603, "Tiêm phòng dại"))[0]
    assert "cụm Cụm trung tâm xã Sìn Hồ" in summary and "01/01/2099 – 10/01/2099" in summary
    await h.tap(603, "Gửi")
    sub = submissions(h)[0]
    assert (sub.kind, sub.body, sub.target_kind, sub.target_cluster_id) == (
        "text",
        notice,
        "cluster",
        seeded.own_cluster_id,
    )
    assert h.rt.queue.pending() == 0  # nothing for the media stage in a written notice


async def test_album_becomes_one_submission_even_when_parts_arrive_apart(h: Harness) -> None:
    await h.onboard(604)
    files = [h.fake.add_file(f"photo {i}".encode() * 500, suffix=".jpg") for i in range(3)]
    parts = [U.media(h.fake, 604, "photo", f, album="alb-1", caption="Đường mới" if i == 0 else None)
             for i, f in enumerate(files)]
    await h.send(parts[1])  # the second part first, the first later, the third after the questions
    await h.send(parts[0])
    await h.tap(604, "2a ·")
    await h.send(parts[2])
    await h.tap(604, "Các cụm cửa khẩu")
    await h.tap(604, "Càng sớm")
    await h.tap(604, "Không có tiêu đề")
    await h.tap(604, "Gửi")
    [sub] = submissions(h)
    got = assets(h, sub.id)  # type: ignore[arg-type]
    assert [a.position for a in got] == [0, 1, 2]
    assert [a.source_ref for a in got] == [f.unique_id for f in files]  # album order, not arrival order
    assert sub.caption == "Đường mới" and sub.target_kind == "border_gate"


async def test_album_parts_arriving_together_are_not_split(h: Harness) -> None:
    await h.onboard(605)
    files = [h.fake.add_file(f"clip {i}".encode() * 800) for i in range(4)]
    parts = [U.media(h.fake, 605, "video", f, album="alb-2") for f in files]
    if h.mode == "polling":
        await h.send(*parts)  # one getUpdates batch, handled concurrently
    else:
        for p in parts:
            h.pushed[p["update_id"]] += 1
        await asyncio.gather(*(h.post(p) for p in parts))
        await h.settle()
    [sub] = submissions(h)
    assert len(assets(h, sub.id)) == 4  # type: ignore[arg-type]
    assert sum("thuộc lĩnh vực nào" in t for t in h.fake.texts(605)) == 1  # asked once


async def test_status_lists_the_last_submissions(h: Harness) -> None:
    await h.onboard(606)
    assert (await h.say(606, "/status")) == ["Bạn chưa gửi bài nào."]
    await h.send_media(606, "photo", b"p" * 900)
    await h.answer_all(606)
    status = (await h.say(606, "/status"))[0]
    code = submissions(h)[0].code
    assert "Các bài gửi gần đây:" in status and f"{code} ·" in status and "ảnh · đã nhận" in status


async def test_emergency_alerts_the_editors_on_duty(h: Harness, seeded: Seed) -> None:
    await h.onboard(607, unit="BDBP")
    await h.send_media(607, "video", b"flood" * 3000)
    await h.tap(607, "KHẨN CẤP")
    await h.tap(607, "Các cụm cửa khẩu")
    await h.tap(607, "Càng sớm")
    summary = (await h.tap(607, "Không có tiêu đề"))[0]
    assert "KHẨN CẤP" in summary
    done = await h.tap(607, "Gửi")
    assert done[1] == "KHẨN CẤP: đã báo ngay cho biên tập viên trực."
    sub = submissions(h)[0]
    assert sub.is_emergency and sub.category == "2d"
    with h.rt.db.reading() as s:
        [note] = s.exec(select(Notification)).all()
    assert (note.officer_id, note.event, note.urgent, note.dedupe_key) == (
        seeded.editor_id, "submission.emergency", True, f"submission.emergency:submission:{sub.id}:{seeded.editor_id}")


async def test_ordinary_unit_gets_no_emergency_button(h: Harness) -> None:
    await h.onboard(608)
    await h.send_media(608, "photo", b"x" * 500)
    assert not any("KHẨN CẤP" in t for t, _ in h.fake.buttons(608))


async def test_edit_goes_back_and_cancel_sends_nothing(h: Harness) -> None:
    await h.onboard(609)
    await h.send_media(609, "photo", b"y" * 500)
    await h.tap(609, "2b ·")
    await h.tap(609, "Bảng tin của đơn vị")
    await h.tap(609, "Càng sớm")
    await h.tap(609, "Không có tiêu đề")
    assert (await h.tap(609, "Sửa"))[0].startswith("Tin, bài thuộc lĩnh vực nào")
    await h.tap(609, "2g ·")
    await h.tap(609, "Bảng tin của đơn vị")
    await h.tap(609, "7 ngày")
    await h.tap(609, "Không có tiêu đề")
    assert await h.tap(609, "Hủy") == ["Đã hủy. Chưa có gì được gửi."]
    assert submissions(h)[0].state == str(SubmissionState.cancelled)
    assert await h.say(609, "/cancel") == ["Không có gì để hủy."]


async def test_more_files_join_the_open_draft_and_new_starts_over(h: Harness) -> None:
    await h.onboard(610)
    await h.send_media(610, "photo", b"one" * 300)
    replies = await h.send_media(610, "photo", b"two" * 300)
    assert replies[0].startswith("Đã thêm vào bài đang soạn (2 tệp)")
    assert (await h.say(610, "/new"))[0].startswith("Sẵn sàng nhận bài mới")
    await h.send_media(610, "photo", b"three" * 300)
    await h.answer_all(610)
    subs = submissions(h)
    assert [s.state for s in subs] == ["cancelled", "received"]
