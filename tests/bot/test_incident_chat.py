"""Incidents reported from the chat (issue 13.3): /suco or the menu button, kind → where → what → photo, through
the real aiogram client and the fake Bot API; the incident is numbered, owned and told to whoever must act."""

from __future__ import annotations

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

import i18n
from bot.notify.render import render
from core.airing.models import Incident
from core.intake.models import Conversation, MediaAsset, Submission
from core.notify.models import Notification
from core.review.models import ContentItem, ContentTarget
from core.types import utcnow
from tests.bot import updates as U
from tests.bot.conftest import Harness, Seed
from tests.bot.incident_places import phone_jpeg, places

GB = 1024 * 1024 * 1024
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def photo_update(h: Harness, chat: int, data: bytes, *, album: str | None = None) -> dict:
    """A phone photo as Telegram delivers it: the same picture in several sizes, the largest the original."""
    big, small = h.fake.add_file(data, suffix=".jpg"), h.fake.add_file(data[:2000], suffix=".jpg")
    sizes = [{"file_id": small.file_id, "file_unique_id": small.unique_id, "file_size": 2000, "width": 90,
              "height": 68},
             {"file_id": big.file_id, "file_unique_id": big.unique_id, "file_size": len(data), "width": 1600,
              "height": 1200}]
    return U.message(h.fake, chat, photo=sizes, **({"media_group_id": album} if album else {}))


async def send(h: Harness, chat: int, update: dict) -> list[str]:
    h.new_texts(chat)
    await h.send(update)
    return h.new_texts(chat)


def document(h: Harness, chat: int, *, name: str, mime: str, size: int) -> dict:
    """A file whose declared size is all there is: refusing it must not fetch it."""
    return U.message(h.fake, chat, document={"file_id": f"BIG{size}{name}", "file_unique_id": f"UB{name}",
                                             "file_size": size, "file_name": name, "mime_type": mime})


def incidents(h: Harness) -> list[Incident]:
    with h.rt.db.reading() as s:
        return list(s.exec(select(Incident).order_by(Incident.id)).all())  # type: ignore[arg-type]


def told(h: Harness) -> set[int]:
    with h.rt.db.reading() as s:
        return {n.officer_id for n in s.exec(select(Notification).where(Notification.event == "incident.reported"))}


def submissions(h: Harness) -> list[Submission]:
    with h.rt.db.reading() as s:
        return list(s.exec(select(Submission)).all())


def step_of(h: Harness, chat: int) -> str:
    with h.rt.db.reading() as s:
        return s.exec(select(Conversation.step).where(Conversation.address == str(chat))).one()


def downloads(h: Harness) -> int:
    return len([c for c in h.fake.calls if c["method"] == "getFile"])


async def test_an_officer_reports_a_board_incident_with_a_phone_photo(h: Harness, seeded: Seed) -> None:
    where = places(h.rt, seeded)
    reporter = await h.onboard(801, name="Lò Thị Hoa")
    asked = await h.say(801, "/suco")
    assert asked == ["Báo sự cố. Đây là loại sự cố nào?"]
    assert [t for t, _ in h.fake.buttons(801)] == [
        "Kỹ thuật (màn hình, điện, kết nối)", "An toàn thông tin (bị tấn công, phát sai nội dung)", "Hủy"]
    assert await h.tap(801, "Kỹ thuật") == ["Sự cố ở đâu? Chọn bảng tin, hoặc gõ vài chữ về địa điểm."]
    assert [t for t, _ in h.fake.buttons(801)] == ["Bảng tin chợ", "Bảng tin trụ sở UBND", "Hủy"]
    assert (await h.tap(801, "Bảng tin chợ"))[0].startswith("Chuyện gì đã xảy ra?")
    asked = await h.say(801, "Màn hình bảng tin chợ tắt từ sáng, bấm nút nguồn không lên")
    assert asked == ['Nếu có thể, hãy gửi một ảnh chụp sự cố, hoặc bấm "Bỏ qua".']
    jpeg = phone_jpeg()
    assert len(jpeg) > 500_000  # a real phone photo's weight, not a thumbnail
    done = await send(h, 801, photo_update(h, 801, jpeg))

    [incident] = incidents(h)
    assert (incident.kind, incident.status, incident.board_id, incident.cluster_id) == (
        "technical", "open", where.market_board_id, seeded.own_cluster_id)
    assert (incident.reported_by_id, incident.owner_id) == (reporter, where.operator_id)
    assert incident.title == "Màn hình bảng tin chợ tắt từ sáng, bấm nút nguồn không lên"
    assert (incident.ack_due_at - incident.opened_at).total_seconds() == 4 * 3600
    deadline = i18n.format_datetime(incident.ack_due_at, "vi", TZ)  # 'HH:MM dd/mm/YYYY', Hà Nội time
    assert done == [f"Đã ghi nhận, cảm ơn bạn! Số sự cố: {incident.number}.\nSự cố phải được tiếp nhận trước "
                    f"{deadline}; nếu không ai tiếp nhận, sự cố sẽ được báo lên đơn vị biên tập cấp tỉnh."]
    with h.rt.db.reading() as s:
        photo = s.get(MediaAsset, incident.photo_asset_id)
    assert photo is not None and photo.submission_id is None
    assert (photo.size_bytes, photo.mime, photo.width, photo.height) == (len(jpeg), "image/jpeg", 1600, 1200)
    assert h.rt.store.local_path(photo.sha256).read_bytes() == jpeg  # the original kept, byte for byte
    assert told(h) == {where.operator_id}  # a commune's own cluster: its operator, not the provincial editors
    with h.rt.db.reading() as s:
        note = s.exec(select(Notification).where(Notification.event == "incident.reported")).one()
    assert render(note.event, note.payload, "vi").text == (
        f"Sự cố {incident.number} (kỹ thuật) tại Bảng tin chợ · Cụm trung tâm xã Sìn Hồ: {incident.title}. Người báo: "
        f"Lò Thị Hoa. Vui lòng tiếp nhận trước {deadline} tại trang Sự cố.")
    assert submissions(h) == [] and step_of(h, 801) == "idle"


@pytest.mark.parametrize("h", ["webhook"], indirect=True)
async def test_a_border_gate_incident_reaches_its_operator_and_the_provincial_editors(h: Harness,
                                                                                    seeded: Seed) -> None:
    where = places(h.rt, seeded)
    await h.onboard(802, unit="XA-THULUM")  # the commune the border gate stands in
    await h.say(802, "/lang en")
    assert await h.say(802, "/incident") == ["Report an incident. What kind is it?"]
    await h.tap(802, "Security")
    assert [t for t, _ in h.fake.buttons(802)] == ["Màn hình cổng cửa khẩu", "Cancel"]
    await h.tap(802, "Màn hình cổng cửa khẩu")
    await h.say(802, "The screen shows an advertisement nobody approved\nIt started at 9 this morning.")
    done = await h.tap(802, "Skip")
    [incident] = incidents(h)
    assert (incident.kind, incident.cluster_id, incident.board_id, incident.photo_asset_id) == (
        "security", where.gate_cluster_id, where.gate_board_id, None)
    assert incident.title == "The screen shows an advertisement nobody approved"
    assert incident.description == "The screen shows an advertisement nobody approved\nIt started at 9 this morning."
    assert incident.owner_id == where.gate_operator_id
    assert told(h) == {where.gate_operator_id, seeded.editor_id}
    deadline = i18n.format_datetime(incident.ack_due_at, "en", TZ)
    assert done == [f"Recorded, thank you. Incident number: {incident.number}.\nIt must be acknowledged by "
                    f"{deadline}; if nobody does, it is escalated to the provincial editors."]


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_the_menu_button_starts_a_report_and_a_typed_place_is_taken(h: Harness, seeded: Seed) -> None:
    await h.onboard(803, unit="BDBP")  # a unit that runs no cluster and has sent nothing yet: the place is typed
    await h.say(803, "/help")
    assert (await h.tap(803, "Báo sự cố")) == ["Báo sự cố. Đây là loại sự cố nào?"]
    assert await h.tap(803, "Kỹ thuật") == ["Sự cố ở đâu? Gõ vài chữ về địa điểm (bản, đường, bảng tin)."]
    await h.say(803, "Cột loa bản Nậm Ô, cạnh nhà văn hóa")
    await h.say(803, "Dây điện của bảng tin bị đứt sau mưa bão")
    await h.tap(803, "Bỏ qua")
    [incident] = incidents(h)
    assert (incident.place, incident.cluster_id, incident.board_id) == ("Cột loa bản Nậm Ô, cạnh nhà văn hóa", None,
                                                                        None)
    assert told(h) == {seeded.editor_id}  # no cluster named: the provincial editor unit hears of it


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_a_contributor_chooses_among_the_sites_its_items_air_on(h: Harness, seeded: Seed) -> None:
    where = places(h.rt, seeded)
    with h.rt.db.unit_of_work() as s:  # the Border Guard's clips air on every border-gate cluster
        item = ContentItem(unit_id=seeded.guard_unit_id, title="Tuần tra biên giới", kind="video", category="2c",
                           valid_from=utcnow(), valid_to=utcnow() + timedelta(days=7))
        s.add(item)
        s.flush()
        s.add(ContentTarget(content_item_id=item.id, target_kind="cluster_kind", cluster_kind="border_gate"))
    await h.onboard(809, unit="BDBP")
    await h.say(809, "/suco")
    assert await h.tap(809, "An toàn") == ["Sự cố ở đâu? Chọn bảng tin, hoặc gõ vài chữ về địa điểm."]
    assert [t for t, _ in h.fake.buttons(809)] == ["Màn hình cổng cửa khẩu · Cửa khẩu U Ma Tu Khoòng", "Hủy"]
    await h.tap(809, "Màn hình cổng cửa khẩu")
    await h.say(809, "Màn hình phát video lạ không rõ nguồn")
    await h.tap(809, "Bỏ qua")
    [incident] = incidents(h)
    assert (incident.board_id, incident.cluster_id) == (where.gate_board_id, where.gate_cluster_id)


@pytest.mark.parametrize("h", ["polling"], indirect=True)
@pytest.mark.parametrize("answered", [0, 1, 2, 3])
async def test_cancel_works_at_every_step(h: Harness, seeded: Seed, answered: int) -> None:
    places(h.rt, seeded)
    await h.onboard(804)
    await h.say(804, "/suco")
    answers = [lambda: h.tap(804, "An toàn"), lambda: h.tap(804, "Bảng tin chợ"),
               lambda: h.say(804, "Có người lạ mở tủ điều khiển bảng tin")]
    for answer in answers[:answered]:
        await answer()
    replies = await (h.tap(804, "Hủy") if answered % 2 else h.say(804, "/cancel"))
    assert replies == ["Đã hủy báo cáo sự cố; chưa có gì được ghi lại."]
    assert incidents(h) == [] and told(h) == set() and step_of(h, 804) == "idle"
    # The cancelled report's buttons no longer do anything but say so.
    assert await h.tap(804, "Hủy") == ["Báo cáo sự cố này đã xong hoặc đã hủy. Gửi /suco để báo sự cố mới."]


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_a_stranger_gets_the_usual_answer(h: Harness) -> None:
    usual = await h.say(805, "xin chào")
    assert await h.say(806, "/suco") == usual and usual[0].startswith("Xin chào!")
    with h.rt.db.reading() as s:
        assert s.exec(select(Conversation)).all() == []
    assert incidents(h) == []


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_bad_input_is_answered_and_the_report_kept(h: Harness, seeded: Seed) -> None:
    places(h.rt, seeded)
    await h.onboard(807)
    await h.say(807, "/suco")
    assert await h.say(807, "mất điện") == [
        "Vui lòng chọn bằng các nút ở trên, hoặc gửi /cancel để dừng.", "Báo sự cố. Đây là loại sự cố nào?"]
    await h.tap(807, "Kỹ thuật")
    sticker = {"file_id": "S1", "file_unique_id": "SU1", "type": "regular", "width": 512, "height": 512,
               "is_animated": False, "is_video": False}
    replies = await send(h, 807, U.message(h.fake, 807, sticker=sticker))
    assert replies[0] == "Không dùng được loại tin nhắn này." and replies[1].startswith("Sự cố ở đâu?")
    assert await h.say(807, "👍🔥") == ["Vui lòng gõ địa điểm bằng chữ, hoặc chọn một nút."]
    await h.tap(807, "Bảng tin chợ")
    assert await h.say(807, "😡😡") == [
        "Vui lòng mô tả chuyện đã xảy ra bằng chữ (ít nhất 3 chữ cái hoặc chữ số)."]
    # A photo or a voice note before their time: refused before anything is fetched, never a submission.
    early = await send(h, 807, photo_update(h, 807, phone_jpeg(640, 480)))
    assert early == ["Vui lòng trả lời câu hỏi ở trên trước; cuối cùng tôi sẽ hỏi ảnh."]
    voice = await h.send_media(807, "voice", b"OggS" + b"\x00" * 4000, duration=5)
    assert voice == ["Báo cáo sự cố không nhận tin nhắn thoại. Vui lòng gõ vài chữ cho biết chuyện gì đã xảy ra."]
    await h.say(807, "Bảng tin chợ nhấp nháy rồi tắt hẳn")
    huge_clip = await send(h, 807, document(h, 807, name="quay-lai.mp4", mime="video/mp4", size=2 * GB))
    assert huge_clip == ['Vui lòng gửi một ảnh (ảnh chụp bằng điện thoại), hoặc bấm "Bỏ qua".']
    huge_photo = await send(h, 807, document(h, 807, name="IMG_2001.JPG", mime="image/jpeg", size=2 * GB))
    assert huge_photo == ['Ảnh này lớn hơn 20 MB. Vui lòng gửi dưới dạng ảnh (không gửi dạng tệp), hoặc bấm '
                          '"Bỏ qua".']
    assert downloads(h) == 0 and submissions(h) == [] and step_of(h, 807) == "incident.photo"
    done = await send(h, 807, photo_update(h, 807, phone_jpeg()))
    assert done[0].startswith("Đã ghi nhận, cảm ơn bạn! Số sự cố: SC-")
    [incident] = incidents(h)
    assert incident.title == "Bảng tin chợ nhấp nháy rồi tắt hẳn" and incident.photo_asset_id is not None
    assert submissions(h) == []


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_a_draft_waits_while_an_incident_is_reported_and_an_album_stays_out_of_submissions(
        h: Harness, seeded: Seed) -> None:
    places(h.rt, seeded)
    await h.onboard(808)
    assert "lĩnh vực" in (await h.send_media(808, "video", b"clip " * 2000, caption="Lễ hội"))[0]
    category = next(data for label, data in h.fake.buttons(808) if label.startswith("2b ·"))
    await h.say(808, "/suco")
    await h.tap(808, "Kỹ thuật")
    assert await send(h, 808, U.callback(h.fake, 808, category)) == [  # a button of the draft set aside
        "Vui lòng hoàn tất báo cáo sự cố trước, hoặc gửi /cancel để dừng.", "Sự cố ở đâu? Chọn bảng tin, hoặc gõ vài "
        "chữ về địa điểm."]
    await h.tap(808, "Bảng tin trụ sở UBND")
    await h.say(808, "Bảng tin trụ sở bị vỡ kính")
    album = f"al{time.time_ns()}"
    first = await send(h, 808, photo_update(h, 808, phone_jpeg(), album=album))
    assert first[0].startswith("Đã ghi nhận") and first[1] == (
        "Bài bạn đang soạn dở vẫn còn: gửi /resume để tiếp tục từ chỗ đã dừng.")
    second = await send(h, 808, photo_update(h, 808, phone_jpeg(1200, 1600), album=album))
    assert second == ["Mỗi báo cáo sự cố chỉ giữ một ảnh; ảnh này không được lưu."]
    [draft] = submissions(h)
    assert draft.state == "draft" and draft.caption == "Lễ hội"  # the album did not join or open a submission
    assert (await h.say(808, "/resume"))[0] == "Tin, bài thuộc lĩnh vực nào? (Điều 7)"
    await h.answer_all(808)
    assert submissions(h)[0].state == "received"


@pytest.mark.parametrize("h", ["polling"], indirect=True)
async def test_new_during_a_report_drops_it_and_the_draft_set_aside(h: Harness, seeded: Seed) -> None:
    await h.onboard(810)
    await h.send_media(810, "video", b"clip " * 2000)
    await h.say(810, "/suco")
    replies = await h.say(810, "/new")
    assert replies[0] == "Đã hủy báo cáo sự cố; chưa có gì được ghi lại." and replies[1].startswith("Sẵn sàng")
    assert [s.state for s in submissions(h)] == ["cancelled"] and step_of(h, 810) == "idle"
    assert incidents(h) == []
