"""`POST /webhooks/zalo`: verify the signature, refuse replays, store the event, answer at once, work after.

Zalo retries an unanswered event for hours and then disables a slow webhook, so the answer comes
as soon as the raw event is in the inbox (`inbound_update`); the conversation runs after the
answer, and `bot.inbox_replay` feeds again what a dying process left. A redelivered event
(same `message.msg_id`) is stored once and handled once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request

from bot.conversation import writing
from bot.zalo.app import ZaloApp, build_zalo, handle_stored
from bot.zalo.parse import event_of
from bot.zalo.signature import verify
from core.intake import inbox
from core.runtime import Runtime
from core.types import Channel, utcnow

router = APIRouter()
log = logging.getLogger("bot.zalo")


def zalo_for(request: Request) -> ZaloApp:
    """The process's Zalo client and engine, built on first use and kept on the app."""
    app = getattr(request.app.state, "zalo", None)
    if app is None:
        app = request.app.state.zalo = build_zalo(request.app.state.runtime)
    return app


def _store(rt: Runtime, key: str, payload: dict[str, Any]) -> bool:
    # `writing`: on SQLite this process's writers queue on a lock, not in SQLite's sleeping busy handler.
    with writing(rt) as session:
        return inbox.store(session, channel=str(Channel.zalo), key=key, payload=payload)


@router.post("/webhooks/zalo", include_in_schema=False)
async def zalo_webhook(request: Request, background: BackgroundTasks) -> dict[str, Any]:
    rt: Runtime = request.app.state.runtime
    settings = rt.settings
    if not settings.zalo_configured:
        raise HTTPException(status_code=404, detail="Zalo is not configured")
    body = await request.body()
    try:
        payload = json.loads(body)
        ev = event_of(payload)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise HTTPException(status_code=401, detail="not a signed Zalo event") from exc
    if not verify(request.headers.get("X-ZEvent-Signature"), app_id=settings.zalo_app_id or "", body=body,
                  timestamp=str(payload.get("timestamp")), oa_secret=settings.zalo_oa_secret_key or ""):
        log.warning("zalo.bad_signature")
        raise HTTPException(status_code=401, detail="bad signature")
    if utcnow() - ev.at > timedelta(seconds=settings.zalo_event_max_age_s):
        log.warning("zalo.replayed_event", extra={"key": ev.key, "at": ev.at.isoformat()})
        raise HTTPException(status_code=403, detail="event too old")
    # Durable before the answer; a redelivery finds the row and is not handled again.
    fresh = await asyncio.to_thread(_store, rt, ev.key, payload)
    if fresh:
        background.add_task(handle_stored, rt, zalo_for(request), payload)
    return {"ok": True}
