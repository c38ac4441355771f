"""Tasks of notifications and reminders. The periodic ones only enqueue; the work runs in ordinary tasks.

`notify.deliver` runs one delivery pass (safe to run in several workers at once: rows are claimed);
`notify.tick` (every minute) enqueues it so queued rows are delivered even when nobody kicked it;
`reminders.tick` (every 15 minutes) enqueues `reminders.run`, which leaves a `task_run` row.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from datetime import UTC, datetime
from typing import Any

from huey import crontab

from core import runtime
from core.models import TaskRun
from core.queue import task
from core.runtime import Runtime
from core.services import delivery, reminders

log = logging.getLogger("notify.tasks")
PASS_SECONDS = 240.0  # one delivery task stops after this; the next tick goes on


def run_reminders(rt: Runtime, *, now: datetime) -> dict[str, Any]:
    """Evaluate every rule at `now` (obligations, fulfilment, reminders, escalations); leaves a TaskRun row."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    with rt.db.unit_of_work() as session:
        run = TaskRun(name="reminders.run", started_at=datetime.now(UTC), result={"now": now.isoformat()})
        session.add(run)
        session.flush()
        run_id = run.id
    try:
        with rt.db.unit_of_work() as session:
            counts = reminders.evaluate(session, now=now, tz=rt.settings.tz, run_id=run_id)
    except BaseException as exc:
        with rt.db.unit_of_work() as session:
            failed = session.get(TaskRun, run_id)
            assert failed is not None
            failed.finished_at, failed.ok, failed.error = datetime.now(UTC), False, f"{type(exc).__name__}: {exc}"[:2000]
        raise
    result = {"now": now.isoformat(), **counts}
    with rt.db.unit_of_work() as session:
        done = session.get(TaskRun, run_id)
        assert done is not None
        done.finished_at, done.ok, done.result = datetime.now(UTC), True, result
    return {"run_id": run_id, **result}


def deliver_once(rt: Runtime, *, senders: dict[str, delivery.Sender] | None = None,
                 limits: delivery.Limits = delivery.Limits(), concurrency: int = 8, linger: float = 2.0,
                 max_seconds: float | None = PASS_SECONDS) -> dict[str, Any]:
    """Release stale leases, then one paced delivery pass over everything due (Telegram built from settings)."""
    from bot.notify.render import render  # the texts live with the bot; core stays free of aiogram

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
        log.warning("notify.no_channel", extra={"reason": "BANGTIN_TELEGRAM_TOKEN unset"})
        return {"skipped": "no telegram token"}
    return deliver_once(rt)


@task("notify.tick", retries=0, schedule=crontab(minute="*"))
def tick() -> None:
    """Every minute: enqueue a delivery pass (the periodic task does no work itself)."""
    runtime.current().queue.enqueue("notify.deliver")


@task("reminders.run", retries=2, retry_delay=60)
def reminders_run(*, now: str | None = None) -> dict[str, Any]:
    """Evaluate reminders at `now` (ISO) or the present; every run leaves a task_run row."""
    moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
    return run_reminders(runtime.current(), now=moment)


@task("reminders.tick", retries=0, schedule=crontab(minute="*/15"))
def reminders_tick() -> None:
    """Every 15 minutes: enqueue `reminders.run`."""
    runtime.current().queue.enqueue("reminders.run", now=datetime.now(UTC).isoformat())
