"""Tasks of the weekly airing summary: the Monday tick only enqueues; the run leaves a `task_run` row."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from huey import crontab

from core import runtime
from core.queue import task
from core.runtime import Runtime
from core.services import weekly
from core.taskrun import recorded


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
