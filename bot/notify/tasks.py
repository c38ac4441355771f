"""Delivery tasks: send the outbox through the chat channels. Periodic ones only enqueue.

`notify.deliver` runs one delivery pass (safe in several workers at once: rows are claimed);
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


def deliver_once(rt: Runtime, *, senders: dict[str, delivery.Sender] | None = None,
                 limits: delivery.Limits = delivery.Limits(), concurrency: int = 8, linger: float = 2.0,
                 max_seconds: float | None = PASS_SECONDS) -> dict[str, Any]:
    """Release stale leases, then one paced delivery pass over everything due (Telegram built from settings)."""
    swept = delivery.sweep(rt.db, now=time.time())
    settings = rt.settings

    async def go() -> delivery.PassStats:
        own: list[Any] = []
        chosen = senders
        if chosen is None:
            from bot.notify.sender import TelegramSender

            telegram = TelegramSender.from_settings(settings)
            own.append(telegram)
            chosen = {"telegram": telegram}
        try:
            return await delivery.deliver_pass(
                rt.db, senders=chosen, render=functools.partial(render, tz=settings.tz),
                quiet=(settings.quiet_hours_start, settings.quiet_hours_end), tz=settings.tz, limits=limits,
                concurrency=concurrency, linger=linger, max_seconds=max_seconds)
        finally:
            for sender in own:
                await sender.close()

    stats = asyncio.run(go())
    return {"released": swept["released"], **stats.as_dict()}


@task("notify.deliver", retries=3, retry_delay=30)
def deliver() -> dict[str, Any]:
    """One delivery pass (idempotent: rows are claimed, a second pass finds nothing to send)."""
    rt = runtime.current()
    if not rt.settings.telegram_token:
        log.warning("notify.no_channel: BANGTIN_TELEGRAM_TOKEN is not set; notifications wait in the outbox")
        return {"skipped": "no telegram token"}
    return deliver_once(rt)


@task("notify.tick", retries=0, schedule=crontab(minute="*"))
def tick() -> None:
    """Every minute: enqueue a delivery pass (the periodic task does no work itself); none without a channel."""
    rt = runtime.current()
    if rt.settings.telegram_token:
        rt.queue.enqueue("notify.deliver")
