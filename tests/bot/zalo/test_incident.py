"""An incident reported through the Zalo OA: the same questions as on Telegram, answered by typing the numbers."""

from __future__ import annotations

from sqlmodel import select

from core.airing.models import Incident
from core.intake.models import MediaAsset, Submission
from core.notify.models import Notification
from tests.bot.incident_places import phone_jpeg, places
from tests.bot.zalo.conftest import ZHarness, attachments


async def test_an_incident_by_numbers_with_a_phone_photo(zh: ZHarness) -> None:
    where = places(zh.rt, zh.ids)
    reporter = await zh.onboard("u300")
    asked = await zh.say("u300", "/suco")
    assert asked == ["Báo sự cố. Đây là loại sự cố nào?\n\n1. Kỹ thuật (màn hình, điện, kết nối)\n"
                     "2. An toàn thông tin (bị tấn công, phát sai nội dung)\n3. Hủy"]
    asked = await zh.pick("u300", "Kỹ thuật")
    assert asked == ["Sự cố ở đâu? Chọn bảng tin, hoặc gõ vài chữ về địa điểm.\n\n1. Bảng tin chợ\n"
                     "2. Bảng tin trụ sở UBND\n3. Hủy"]
    await zh.pick("u300", "Bảng tin chợ")
    assert (await zh.say("u300", "Bảng tin chợ mất tiếng, hình vẫn chạy"))[0].startswith("Nếu có thể, hãy gửi")
    jpeg = phone_jpeg()
    url = zh.fake.add_file(jpeg, name="anh.jpg")
    done = await zh.send(attachments("user_send_image", "u300", [{"url": url, "size": str(len(jpeg))}]))
    with zh.rt.db.reading() as s:
        incident = s.exec(select(Incident)).one()
        photo = s.get(MediaAsset, incident.photo_asset_id)
        told = {n.officer_id for n in s.exec(select(Notification).where(Notification.event == "incident.reported"))}
        assert s.exec(select(Submission)).all() == []
    assert incident.number and done[0].startswith(f"Đã ghi nhận, cảm ơn bạn! Số sự cố: {incident.number}.")
    assert (incident.kind, incident.board_id, incident.reported_by_id) == ("technical", where.market_board_id, reporter)
    assert photo is not None and photo.size_bytes == len(jpeg) and photo.mime == "image/jpeg"
    assert told == {where.operator_id}
