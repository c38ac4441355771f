"""The same conversation on PostgreSQL: row locks for album parts, ON CONFLICT for redeliveries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

import core.migrate
import core.runtime
from bot.telegram.app import build_telegram
from core.airing.models import Incident
from core.intake.models import MediaAsset, Submission
from tests.bot import updates as U
from tests.bot.conftest import Harness, seed, settings_for
from tests.bot.fake_telegram import FakeTelegram
from tests.bot.incident_places import phone_jpeg

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg(tmp_path: Path, fake: FakeTelegram, postgres_url: str) -> AsyncIterator[Harness]:
    rt = core.runtime.build(settings_for(tmp_path / "data", fake.url, database_url=postgres_url))
    core.migrate.upgrade(rt.db.engine)
    seed(rt)
    tg = build_telegram(rt)
    h = Harness("polling", fake, rt, tg)
    task = asyncio.create_task(tg.dispatcher.start_polling(tg.bot, handle_signals=False, polling_timeout=1,
                                                           close_bot_session=False))
    try:
        yield h
    finally:
        await tg.dispatcher.stop_polling()
        await task
        await tg.close()
        rt.close()
        core.runtime.uninstall()


async def test_album_and_redelivery_on_postgresql(pg: Harness) -> None:
    await pg.onboard(1001)
    files = [pg.fake.add_file(f"pg clip {i}".encode() * 700) for i in range(4)]
    parts = [U.media(pg.fake, 1001, "video", f, album="pg-album") for f in files]
    await pg.send(*parts, parts[2])  # together, plus one redelivered
    await pg.answer_all(1001)
    with pg.rt.db.reading() as s:
        [sub] = s.exec(select(Submission)).all()
        assets = s.exec(select(MediaAsset).order_by(MediaAsset.position)).all()  # type: ignore[arg-type]
    assert sub.state == "received" and sub.code and len(assets) == 4
    assert [a.source_ref for a in assets] == [f.unique_id for f in files]
    status = await pg.say(1001, "/status")
    assert sub.code in status[0]


async def test_an_incident_photo_album_sent_at_once_makes_one_incident_on_postgresql(pg: Harness) -> None:
    await pg.onboard(1003)
    await pg.say(1003, "/suco")
    await pg.tap(1003, "Kỹ thuật")
    await pg.say(1003, "Đầu phát của bảng tin bị cháy")  # the unit runs a cluster without boards: typed place
    await pg.say(1003, "Mất điện toàn bộ bảng tin ở trung tâm xã")
    photos = [pg.fake.add_file(phone_jpeg(1600 - i, 1200), suffix=".jpg") for i in range(2)]
    parts = [U.media(pg.fake, 1003, "photo", f, album="pg-incident") for f in photos]
    await pg.send(*parts)  # the two parts of one album, handled side by side under the chat's row lock
    with pg.rt.db.reading() as s:
        [incident] = s.exec(select(Incident)).all()
        assert s.exec(select(Submission)).all() == []
    texts = pg.fake.texts(1003)
    assert any(t.startswith(f"Đã ghi nhận, cảm ơn bạn! Số sự cố: {incident.number}.") for t in texts)
    assert "Mỗi báo cáo sự cố chỉ giữ một ảnh; ảnh này không được lưu." in texts
