"""`POST /webhooks/telegram`: check the secret header, answer at once, handle the update after the answer."""

from __future__ import annotations

import hmac
import logging

from aiogram.types import Update
from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from pydantic import ValidationError

from bot.telegram.app import TelegramApp, build_telegram
from core.runtime import Runtime

router = APIRouter()
log = logging.getLogger("bot.webhook")


def telegram_for(request: Request) -> TelegramApp:
    """The process's bot and dispatcher, built on first use and kept on the app (close it at shutdown)."""
    tg = getattr(request.app.state, "telegram", None)
    if tg is None:
        runtime: Runtime = request.app.state.runtime
        tg = request.app.state.telegram = build_telegram(runtime)
    return tg


@router.post("/webhooks/telegram", include_in_schema=False)
async def telegram_webhook(request: Request, background: BackgroundTasks) -> dict[str, bool]:
    runtime: Runtime = request.app.state.runtime
    secret = runtime.settings.telegram_webhook_secret
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise HTTPException(status_code=403, detail="bad secret token")
    tg = telegram_for(request)
    try:
        update = Update.model_validate(await request.json(), context={"bot": tg.bot})
    except (ValidationError, ValueError) as exc:
        log.warning("telegram.bad_update", extra={"error": str(exc)[:200]})
        raise HTTPException(status_code=400, detail="not a Telegram update") from exc
    # Telegram waits for this answer before sending the next update: answer first, work after.
    background.add_task(tg.dispatcher.feed_update, tg.bot, update)
    return {"ok": True}
