"""Exactly once: redelivered updates, out-of-order batches, the same file or text twice, double taps,
and a conversation that continues in another process and mode."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI
from sqlmodel import select

from bot.telegram.app import build_telegram
from bot.web.routes import router as web_router
from core.intake.models import MediaAsset, ProcessedUpdate, Submission
from tests.bot import updates as U
from tests.bot.conftest import Harness


def subs(h: Harness) -> list[Submission]:
    with h.rt.db.reading() as s:
        return list(s.exec(select(Submission).order_by(Submission.id)).all())  # type: ignore[arg-type]


async def test_redelivered_update_is_handled_once(h: Harness) -> None:
    await h.onboard(801)
    f = h.fake.add_file(b"once" * 1000)
    update = U.media(h.fake, 801, "video", f)
    h.new_texts(801)
    await h.send(update)
    await h.send(update)  # Telegram redelivers (e.g. the webhook answer was lost)
    assert len(h.new_texts(801)) == 1
    with h.rt.db.reading() as s:
        assert len(s.exec(select(MediaAsset)).all()) == 1
        assert (
            len(s.exec(select(ProcessedUpdate).where(ProcessedUpdate.key == f"123:{update['update_id']}")).all()) == 1
        )


async def test_out_of_order_and_duplicate_updates_in_one_batch(h: Harness) -> None:
    await h.onboard(802)
    first = U.text(h.fake, 802, "/help")
    second = U.text(h.fake, 802, "/status")
    h.new_texts(802)
    await h.send(second, first, second)  # later id first, then a duplicate
    texts = h.new_texts(802)
    assert sorted(t[:10] for t in texts) == sorted(["Bạn có thể", "Bạn chưa g"])


async def test_same_file_again_asks_before_sending_twice(h: Harness) -> None:
    await h.onboard(803)
    data = b"same clip" * 2000
    await h.send_media(803, "video", data)
    await h.answer_all(803)
    code = subs(h)[0].code
    replies = await h.send_media(803, "video", data)  # a new upload of the same content
    assert replies[0].startswith("Bạn đã gửi nội dung này lúc ") and f"(mã {code})" in replies[0]
    assert await h.tap(803, "Không, bỏ qua") == ["Được, bài không được gửi lại."]
    assert [s.state for s in subs(h)] == ["received", "cancelled"]
    f = h.fake.add_file(data, unique_id=h.fake.files[next(iter(h.fake.files))].unique_id)  # same file_unique_id
    h.new_texts(803)
    await h.send(U.media(h.fake, 803, "video", f))
    assert h.new_texts(803)[0].startswith("Bạn đã gửi nội dung này lúc ")
    assert (await h.tap(803, "Có, vẫn gửi"))[0].startswith("Tin, bài thuộc lĩnh vực nào")
    await h.answer_all(803)
    assert [s.state for s in subs(h)] == ["received", "cancelled", "received"]


async def test_same_notice_twice_is_noticed(h: Harness) -> None:
    await h.onboard(804)
    notice = "Thông báo lịch họp dân bản Nậm Cuổi vào sáng thứ Hai tuần tới."
    await h.say(804, notice)
    await h.answer_all(804)
    replies = await h.say(804, "  " + notice.upper() + " ")
    assert replies[0].startswith("Bạn đã gửi nội dung này lúc ")


async def test_double_tap_on_send_makes_one_submission(h: Harness) -> None:
    await h.onboard(805)
    await h.send_media(805, "photo", b"tap" * 300)
    await h.tap(805, "2b ·")
    await h.tap(805, "Bảng tin của đơn vị")
    await h.tap(805, "Càng sớm")
    await h.tap(805, "Không có tiêu đề")
    data = next(d for t, d in h.fake.buttons(805) if t == "Gửi")
    h.new_texts(805)
    await h.send(U.callback(h.fake, 805, data), U.callback(h.fake, 805, data))
    texts = h.new_texts(805)
    code = subs(h)[0].code
    assert len(subs(h)) == 1 and subs(h)[0].state == "received"
    assert any(f"Mã bài: {code}" in t for t in texts) and f"Bài này đã được gửi với mã {code}." in texts


async def test_conversation_continues_in_another_process_and_mode(h: Harness) -> None:
    """Half the questions answered through one bot, the rest through a fresh one in the other mode."""
    await h.onboard(806)
    await h.send_media(806, "photo", b"resume" * 300)
    await h.tap(806, "2c ·")
    other = build_telegram(h.rt)  # a second process: nothing shared but the database
    app = FastAPI()
    app.include_router(web_router)
    app.state.runtime, app.state.telegram = h.rt, other
    task = None
    if h.mode == "webhook":
        task = asyncio.create_task(other.dispatcher.start_polling(other.bot, handle_signals=False, polling_timeout=1,
                                                                  close_bot_session=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        second = Harness("polling" if h.mode == "webhook" else "webhook", h.fake, h.rt, other)
        second.client = client
        if h.mode == "polling":
            await h.tg.dispatcher.stop_polling()
        await second.tap(806, "Bảng tin của đơn vị")
        await second.tap(806, "Càng sớm")
        await second.say(806, "Tuần tra biên giới")
        done = await second.tap(806, "Gửi")
        assert done[0].startswith("Đã nhận")
    if task is not None:
        await other.dispatcher.stop_polling()
        await task
    await other.close()
    sub = subs(h)[0]
    assert (sub.category, sub.title, sub.state) == ("2c", "Tuần tra biên giới", "received")
