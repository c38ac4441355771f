"""Tasks of deadline reminders. The periodic one only enqueues; the work runs in an ordinary task.

`reminders.tick` (every 15 minutes) enqueues `reminders.run`, which leaves a `task_run` row. The
delivery tasks live with the channels they send through, in `bot/notify/tasks.py`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from huey import crontab

from core import runtime
from core.queue import task
from core.runtime import Runtime
from core.services import reminders
from core.taskrun import recorded

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
