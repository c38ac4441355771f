"""`POST /webhooks/telegram`: check the secret header, store the update, answer at once, handle it after the answer.

The update is written to the inbox (`inbound_update`) before the 200: Telegram never resends an
answered update, so if this process dies before the work commits, `bot.inbox_replay` feeds it again.
The conversation's `processed_update` claim keeps a replay from having any effect twice.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiogram.types import Update
from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from pydantic import ValidationError

from bot.telegram.app import TelegramApp, build_telegram
from bot.telegram.stored import handle_stored, inbox_key
from core.intake import inbox
from core.runtime import Runtime
from core.types import Channel

router = APIRouter()
log = logging.getLogger("bot.webhook")


def telegram_for(request: Request) -> TelegramApp:
    """The process's bot and dispatcher, built on first use and kept on the app (close it at shutdown)."""
    tg = getattr(request.app.state, "telegram", None)
    if tg is None:
        runtime: Runtime = request.app.state.runtime
        tg = request.app.state.telegram = build_telegram(runtime)
    return tg


def _store(rt: Runtime, key: str, payload: dict[str, Any]) -> bool:
    with rt.db.unit_of_work() as session:
        return inbox.store(session, channel=str(Channel.telegram), key=key, payload=payload)


@router.post("/webhooks/telegram", include_in_schema=False)
async def telegram_webhook(request: Request, background: BackgroundTasks) -> dict[str, bool]:
    runtime: Runtime = request.app.state.runtime
    secret = runtime.settings.telegram_webhook_secret
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise HTTPException(status_code=403, detail="bad secret token")
    tg = telegram_for(request)
    try:
        payload = await request.json()
        update = Update.model_validate(payload, context={"bot": tg.bot})
    except (ValidationError, ValueError) as exc:
        log.warning("telegram.bad_update", extra={"error": str(exc)[:200]})
        raise HTTPException(status_code=400, detail="not a Telegram update") from exc
    # Durable before the answer: once Telegram has its 200 it never resends this update.
    await asyncio.to_thread(_store, runtime, inbox_key(tg, update), payload)
    # Telegram waits for this answer before sending the next update: answer first, work after.
    # A redelivery is fed too: if the first delivery is still pending, the claim decides who acts.
    background.add_task(handle_stored, runtime, tg, update)
    return {"ok": True}
