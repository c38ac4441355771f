"""Webhook mode over real HTTP: the secret header is checked, the answer comes before the work."""

from __future__ import annotations

import asyncio
import time

import httpx
import uvicorn
from fastapi import FastAPI
from sqlmodel import select

from bot.web.routes import router as web_router
from core.intake.models import MediaAsset
from tests.bot import updates as U
from tests.bot.conftest import SECRET, Harness


async def test_wrong_or_missing_secret_is_refused(h: Harness) -> None:
    async with h.web() as web:
        update = U.text(h.fake, 1101, "/help")
        assert (await web.post("/webhooks/telegram", json=update)).status_code == 403
        bad = await web.post("/webhooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        assert bad.status_code == 403
        junk = await web.post(
            "/webhooks/telegram", content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert junk.status_code == 400
    assert h.fake.sent(1101) == []


async def test_webhook_answers_before_a_slow_download_finishes(h: Harness) -> None:
    if h.mode != "webhook":
        return  # the point is the HTTP answer of the webhook itself
    await h.onboard(1102)
    app = FastAPI()
    app.include_router(web_router)
    app.state.runtime, app.state.telegram = h.rt, h.tg
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    h.fake.faults.download_delay = 1.0  # Telegram's file server is slow today
    f = h.fake.add_file(b"slow clip" * 1000)
    update = U.media(h.fake, 1102, "video", f)
    try:
        async with httpx.AsyncClient() as client:
            started = time.perf_counter()
            r = await client.post(f"http://127.0.0.1:{port}/webhooks/telegram", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            answered = time.perf_counter() - started
        assert r.status_code == 200 and answered < 0.5
        h.pushed[update["update_id"]] += 1
        await h.settle()
        with h.rt.db.reading() as s:
            assert len(s.exec(select(MediaAsset)).all()) == 1
        assert "thuộc lĩnh vực nào" in h.fake.texts(1102)[-1]
    finally:
        server.should_exit = True
        await serving
