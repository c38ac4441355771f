"""Tasks of deadline reminders and of the weekly summary; the periodic ones only enqueue, the work runs
in ordinary tasks.

`reminders.tick` (every 15 minutes) enqueues `reminders.run`, which leaves a `task_run` row. The
delivery tasks live with the channels they send through, in `bot/notify/tasks.py`.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from huey import crontab

from core import runtime
from core.notify import reminders, weekly
from core.queue import task
from core.records.taskrun import recorded
from core.runtime import Runtime

log = logging.getLogger("notify.tasks")


def run_reminders(rt: Runtime, *, now: datetime) -> dict[str, Any]:
    """Evaluate every rule at `now` (obligations, fulfilment, reminders, escalations); leaves a TaskRun row."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    with recorded(rt, "reminders.run", result={"now": now.isoformat()}) as run:
        with rt.db.unit_of_work() as session:
            counts = reminders.evaluate(session, now=now, tz=rt.settings.tz, run_id=run.id)
        run.result = {"now": now.isoformat(), **counts}
    return {"run_id": run.id, **run.result}


@task("reminders.run", retries=2, retry_delay=60)
def reminders_run(*, now: str | None = None) -> dict[str, Any]:
    """Evaluate reminders at `now` (ISO) or the present; every run leaves a task_run row."""
    moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
    return run_reminders(runtime.current(), now=moment)


@task("reminders.tick", retries=0, schedule=crontab(minute="*/15"))
def reminders_tick() -> None:
    """Every 15 minutes: enqueue `reminders.run`."""
    runtime.current().queue.enqueue("reminders.run", now=datetime.now(UTC).isoformat())


def run_weekly(rt: Runtime, *, week_start: date) -> dict[str, Any]:
    """Queue the summaries of the local week starting `week_start`; leaves a TaskRun row (ok or failed)."""
    with recorded(rt, "airing.weekly_summary", result={"week_start": week_start.isoformat()}) as run:
        with rt.db.unit_of_work() as session:
            made = weekly.weekly_summaries(session, week_start=week_start, tz=rt.settings.tz)
        run.result = {"week_start": week_start.isoformat(), "queued": made}
    return {"run_id": run.id, **run.result}


@task("airing.weekly_summary", retries=2, retry_delay=300)
def weekly_summary(*, week_start: str | None = None) -> dict[str, Any]:
    """Summarise the local week starting `week_start` (ISO date) or the previous full week (idempotent)."""
    rt = runtime.current()
    start = date.fromisoformat(week_start) if week_start else weekly.previous_week_start(now=datetime.now(UTC),
                                                                                         tz=rt.settings.tz)
    return run_weekly(rt, week_start=start)


@task("airing.weekly_tick", retries=0, schedule=crontab(day_of_week="1", hour="1", minute="0"))
def weekly_tick() -> None:
    """Mondays 01:00 UTC (08:00 in Hà Nội): enqueue the summary of the week that just ended."""
    rt = runtime.current()
    start = weekly.previous_week_start(now=datetime.now(UTC), tz=rt.settings.tz)
    rt.queue.enqueue("airing.weekly_summary", week_start=start.isoformat())
