"""Officers submit through the Zalo OA: signed events in, the same conversation as on Telegram, replies by `cs`."""

from __future__ import annotations

import os
import time

from sqlmodel import select

from core.intake.models import InboundUpdate, MediaAsset
from core.org.models import ChannelAccount
from tests.bot.zalo.conftest import APP_ID, ZHarness, attachments, event, text

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def inbox_rows(zh: ZHarness) -> list[InboundUpdate]:
    with zh.rt.db.reading() as s:
        return list(s.exec(select(InboundUpdate).where(InboundUpdate.channel == "zalo")).all())


async def test_a_follower_is_asked_for_the_code_and_bound_by_it(zh: ZHarness) -> None:
    greeting = await zh.send(event("follow", "u100"))
    assert len(greeting) == 1 and "mã" in greeting[0]  # a stranger: asked for the invitation code
    officer_id = await zh.onboard("u100", name="Lò Văn Thắng")
    with zh.rt.db.reading() as s:
        account = s.exec(select(ChannelAccount).where(ChannelAccount.channel == "zalo")).one()
    assert account.external_id == "u100" and account.officer_id == officer_id
    assert "Chào mừng Lò Văn Thắng" in zh.fake.texts("u100")[-2]


async def test_a_video_sent_as_a_plain_file_is_judged_by_its_content(zh: ZHarness) -> None:
    await zh.onboard("u101")
    data = MP4_HEAD + os.urandom(50_000)
    url = zh.fake.add_file(data)  # no extension, no MIME type: only the bytes say it is a video
    replies = await zh.send(
        attachments("user_send_file", "u101", [{"url": url, "name": "ghi_hinh", "size": str(len(data))}])
    )
    assert "thuộc lĩnh vực nào" in replies[-1] and "\n1. " in replies[-1]  # numbered choices instead of buttons
    with zh.rt.db.reading() as s:
        [asset] = s.exec(select(MediaAsset)).all()
    assert asset.size_bytes == len(data)
    [sub] = zh.submissions()
    assert sub.kind == "video" and sub.channel == "zalo"


async def test_the_whole_submission_by_numbers_reaches_the_editors(zh: ZHarness) -> None:
    await zh.onboard("u102")
    url = zh.fake.add_file(b"\xff\xd8\xff\xe0" + os.urandom(20_000))
    await zh.send(attachments("user_send_image", "u102", [{"url": url}]))
    await zh.pick("u102", "2b ·")
    await zh.pick("u102", "Bảng tin của đơn vị")
    await zh.pick("u102", "Càng sớm càng tốt")
    await zh.say("u102", "Ngày hội văn hóa")
    done = await zh.pick("u102", "Gửi")
    [sub] = zh.submissions()
    assert sub.state == "received" and sub.category == "2b" and sub.title == "Ngày hội văn hóa"
    assert sub.code and sub.code in done[-1]


async def test_an_album_of_images_is_one_submission(zh: ZHarness) -> None:
    await zh.onboard("u103")
    urls = [zh.fake.add_file(b"\xff\xd8\xff\xe0" + os.urandom(10_000 + i)) for i in range(3)]
    await zh.send(attachments("user_send_image", "u103", [{"url": u} for u in urls], caption="Lễ hội"))
    [sub] = zh.submissions()
    with zh.rt.db.reading() as s:
        assert len(s.exec(select(MediaAsset).where(MediaAsset.submission_id == sub.id)).all()) == 3


async def test_a_redelivered_event_makes_one_submission_and_one_reply(zh: ZHarness) -> None:
    await zh.onboard("u104")
    url = zh.fake.add_file(MP4_HEAD + os.urandom(5_000), name="clip.mp4")
    payload = attachments("user_send_video", "u104", [{"url": url}])
    first = await zh.send(payload)
    again = await zh.send(payload)  # Zalo did not see our answer in time and sent it again
    assert len(first) == 1 and again == []
    assert len(zh.submissions()) == 1 and zh.fake.downloads == 1
    assert len([r for r in inbox_rows(zh) if r.key == payload["message"]["msg_id"]]) == 1


async def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(zh: ZHarness) -> None:
    payload = text("u105", "ABCD-2345")
    assert (await zh.post(payload, signature="mac=" + "0" * 64)).status_code == 401
    assert (await zh.post(payload, signature="")).status_code == 401
    tampered = dict(payload, app_id=APP_ID + "1")  # signed for another body
    good = await zh.post(payload)
    assert good.status_code == 200
    assert (
        await zh.client.post("/webhooks/zalo", json=tampered, headers={"X-ZEvent-Signature": "mac=" + "ab" * 32})
    ).status_code == 401
    assert len(inbox_rows(zh)) == 1  # only the properly signed one


async def test_an_old_signed_event_is_a_replay_and_is_refused(zh: ZHarness) -> None:
    old = text("u106", "xin chào", at_ms=int((time.time() - 3 * 86400) * 1000))
    response = await zh.post(old)
    assert response.status_code == 403
    assert inbox_rows(zh) == [] and zh.fake.texts("u106") == []


async def test_stickers_and_locations_get_the_same_polite_refusal_as_on_telegram(zh: ZHarness) -> None:
    await zh.onboard("u107")
    [sticker] = await zh.send(attachments("user_send_sticker", "u107", [{"id": "s1", "url": "http://x/s.png"}]))
    [location] = await zh.send(
        attachments("user_send_location", "u107", [{"coordinates": {"latitude": "22.36", "longitude": "103.24"}}])
    )
    assert "nhãn dán" in sticker and "Vui lòng gửi video, ảnh" in sticker
    assert "vị trí" in location and zh.submissions() == []


async def test_unfollow_closes_the_window_and_a_written_notice_still_works(zh: ZHarness) -> None:
    await zh.onboard("u108")
    replies = await zh.say("u108", "Thông báo lịch tiêm phòng cho trẻ em toàn xã vào thứ Hai tuần sau")
    assert replies and "thuộc lĩnh vực nào" in replies[-1]
    assert (await zh.post(event("unfollow", "u108"))).status_code == 200
    from core.notify.models import ZaloContact

    with zh.rt.db.reading() as s:
        assert s.get(ZaloContact, "u108").followed is False


async def test_a_download_cut_midway_is_retried_and_an_oversized_file_refused(zh: ZHarness) -> None:
    await zh.onboard("u109")
    data = MP4_HEAD + os.urandom(80_000)
    zh.fake.cut_downloads = 1  # the attachment server drops the connection halfway, once
    url = zh.fake.add_file(data, name="clip.mp4")
    await zh.send(attachments("user_send_video", "u109", [{"url": url}]))
    with zh.rt.db.reading() as s:
        [asset] = s.exec(select(MediaAsset)).all()
    assert asset.size_bytes == len(data) and zh.fake.downloads == 2
    zh.rt.settings.max_upload_mb = 1
    big = zh.fake.add_file(MP4_HEAD + os.urandom(1_200_000), name="big.mp4")
    replies = await zh.send(
        attachments("user_send_file", "u109", [{"url": big, "name": "big.mp4", "size": str(1_200_000 + len(MP4_HEAD))}])
    )
    assert "Tệp này lớn hơn 1 MB" in replies[-1]  # refused from the declared size, before any download
    with zh.rt.db.reading() as s:
        assert len(s.exec(select(MediaAsset)).all()) == 1


async def test_an_event_left_pending_by_a_dead_process_is_replayed_by_the_worker(zh: ZHarness) -> None:
    from datetime import timedelta

    from bot.tasks import _replay
    from core.intake import inbox
    from core.types import utcnow

    await zh.onboard("u110")
    payload = text("u110", "/status")
    with zh.rt.db.unit_of_work() as s:  # stored before the answer, then the web process died
        inbox.store(s, channel="zalo", key=payload["message"]["msg_id"], payload=payload)
        row = s.exec(select(InboundUpdate).where(InboundUpdate.key == payload["message"]["msg_id"])).one()
        row.received_at = utcnow() - timedelta(minutes=5)
        s.add(row)
    zh.new_texts("u110")
    result = await _replay(zh.rt)
    assert result == {"replayed": 1, "failed": []}
    assert zh.new_texts("u110")  # the officer got the answer
    assert all(r.handled_at is not None for r in inbox_rows(zh))


async def test_the_oas_own_echoes_are_stored_but_never_answered(zh: ZHarness) -> None:
    await zh.onboard("u111")
    echo = event("oa_send_text", "oa-1", message={"text": "Chào mừng"})
    echo["recipient"] = {"id": "u111"}
    before = len(zh.fake.cs)
    assert (await zh.post(echo)).status_code == 200
    assert len(zh.fake.cs) == before and zh.fake.texts("oa-1") == []
