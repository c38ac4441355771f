"""Delivery tasks: send the outbox through the chat channels. Periodic ones only enqueue.

`notify.deliver` runs one delivery pass through every lane (Telegram, Zalo, ZNS, the web inbox); it is safe
in several workers at once (rows are claimed);
`notify.tick` (every minute) enqueues it so queued rows go out even when nobody kicked it.
They live with the bot because they build the channel senders (aiogram) and the texts.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

from huey import crontab

from bot.notify.render import render
from core import runtime
from core.notify import delivery
from core.queue import task
from core.runtime import Runtime

log = logging.getLogger("notify.tasks")
PASS_SECONDS = 240.0  # one delivery task stops after this; the next tick goes on


def limits_of(settings: Any) -> delivery.Limits:
    """The pacer's limits with the Zalo lanes' own rates and window from the settings."""
    return delivery.Limits(
        rates={"zalo": settings.zalo_per_second, "zns": settings.zns_per_second, "web": 50.0},
        window_hours=settings.zalo_window_hours,
        window_messages=settings.zalo_window_messages,
    )


def build_senders(rt: Runtime) -> dict[str, Any]:
    """One sender per lane the deployment has: Telegram, Zalo (cs and ZNS) when configured; the web always."""
    from bot.notify.web import WebInboxSender

    settings = rt.settings
    senders: dict[str, Any] = {"web": WebInboxSender(settings)}
    if settings.telegram_token:
        from bot.notify.sender import TelegramSender

        senders["telegram"] = TelegramSender.from_settings(settings)
    if settings.zalo_configured:
        from bot.zalo.client import ZaloClient
        from bot.zalo.port import ZaloPort

        port = ZaloPort(ZaloClient(settings, rt.db), rt.db, settings)
        senders["zalo"] = senders["zns"] = port
    return senders


def deliver_once(
    rt: Runtime,
    *,
    senders: dict[str, delivery.Sender] | None = None,
    limits: delivery.Limits | None = None,
    concurrency: int = 8,
    linger: float = 2.0,
    max_seconds: float | None = PASS_SECONDS,
) -> dict[str, Any]:
    """Release stale leases, then one paced delivery pass over everything due (senders built from settings)."""
    swept = delivery.sweep(rt.db, now=time.time())
    settings = rt.settings

    async def go() -> delivery.PassStats:
        own = build_senders(rt) if senders is None else {}
        try:
            return await delivery.deliver_pass(
                rt.db,
                senders=senders or own,
                render=functools.partial(render, tz=settings.tz),
                quiet=(settings.quiet_hours_start, settings.quiet_hours_end),
                tz=settings.tz,
                limits=limits or limits_of(settings),
                concurrency=concurrency,
                linger=linger,
                max_seconds=max_seconds,
            )
        finally:
            for sender in {id(s): s for s in own.values()}.values():
                await sender.close()

    stats = asyncio.run(go())
    return {"released": swept["released"], **stats.as_dict()}


@task("notify.deliver", retries=3, retry_delay=30)
def deliver() -> dict[str, Any]:
    """One delivery pass (idempotent: rows are claimed, a second pass finds nothing to send)."""
    return deliver_once(runtime.current())


@task("notify.tick", retries=0, schedule=crontab(minute="*"))
def tick() -> None:
    """Every minute: enqueue a delivery pass (the periodic task does no work itself)."""
    runtime.current().queue.enqueue("notify.deliver")
