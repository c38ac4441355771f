"""Intake housekeeping tasks; the periodic one only enqueues, the work leaves a `task_run` row."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from huey import crontab

from core import runtime
from core.intake import inbox
from core.intake.rules import purge_bookkeeping
from core.queue import task
from core.records.taskrun import recorded

log = logging.getLogger("bot.tasks")
REPLAY_AFTER = timedelta(seconds=60)  # longer than the webhook's own background work normally takes


@task("intake.purge")
def purge() -> dict[str, Any]:
    """Forget old update ids and log lines and the files of expired upload links (safe to run twice)."""
    rt = runtime.current()
    with recorded(rt, "intake.purge") as run, rt.db.unit_of_work() as session:
        run.result = purge_bookkeeping(session, now=datetime.now(UTC), data_dir=rt.settings.data_path)
    assert run.result is not None
    return run.result


@task("intake.daily", retries=0, schedule=crontab(minute="23", hour="20"))  # 03:23 in Lai Châu
def daily() -> None:
    runtime.current().queue.enqueue("intake.purge")


@task("bot.inbox_replay", retries=0)
def inbox_replay() -> dict[str, Any]:
    """Feed again every webhook update stored over a minute ago and never handled (the web process died)."""
    rt = runtime.current()
    with recorded(rt, "bot.inbox_replay") as run:
        result = asyncio.run(_replay(rt))
        run.ok, run.result = not result["failed"], result
    return result


async def _replay(rt: runtime.Runtime) -> dict[str, Any]:
    nothing: dict[str, Any] = {"replayed": 0, "failed": []}
    telegram = await _replay_telegram(rt) if rt.settings.telegram_token else nothing
    zalo = await _replay_zalo(rt) if rt.settings.zalo_configured else nothing
    return {"replayed": telegram["replayed"] + zalo["replayed"], "failed": telegram["failed"] + zalo["failed"]}


def _pending(rt: runtime.Runtime, channel: str) -> list[tuple[int, str, dict[str, Any]]]:
    with rt.db.reading() as session:
        return [(row.id, row.key, row.payload)  # type: ignore[misc]
                for row in inbox.pending_updates(session, older_than=REPLAY_AFTER, channel=channel)]


def _count_attempt(rt: runtime.Runtime, row_id: int) -> None:
    # Counted before the attempt, so an update that kills the worker stops after MAX_ATTEMPTS.
    with rt.db.unit_of_work() as session:
        inbox.count_attempt(session, update_id=row_id)


async def _replay_telegram(rt: runtime.Runtime) -> dict[str, Any]:
    # Imported here: the worker builds the bot only when there is something to replay.
    from aiogram.types import Update

    from bot.telegram.app import build_telegram
    from bot.telegram.stored import handle_stored

    rows = _pending(rt, "telegram")
    if not rows:
        return {"replayed": 0, "failed": []}
    tg = build_telegram(rt)
    failed: list[str] = []
    try:
        for row_id, key, payload in rows:
            _count_attempt(rt, row_id)
            try:
                await handle_stored(rt, tg, Update.model_validate(payload, context={"bot": tg.bot}))
            except Exception:  # one bad update must not hold back the others; the task_run row records it
                log.exception("inbox.replay_failed", extra={"key": key})
                failed.append(key)
    finally:
        await tg.close()
    return {"replayed": len(rows) - len(failed), "failed": failed}


async def _replay_zalo(rt: runtime.Runtime) -> dict[str, Any]:
    from bot.zalo.app import build_zalo, handle_stored

    rows = _pending(rt, "zalo")
    if not rows:
        return {"replayed": 0, "failed": []}
    zalo = build_zalo(rt)
    failed: list[str] = []
    try:
        for row_id, key, payload in rows:
            _count_attempt(rt, row_id)
            try:
                await handle_stored(rt, zalo, payload)
            except Exception:  # as above: recorded in the task_run row, the others go on
                log.exception("inbox.replay_failed", extra={"key": key})
                failed.append(f"zalo:{key}")
    finally:
        await zalo.close()
    return {"replayed": len(rows) - len(failed), "failed": failed}


@task("bot.inbox_tick", retries=0, schedule=crontab(minute="*"))
def inbox_tick() -> None:
    runtime.current().queue.enqueue("bot.inbox_replay")
