"""Intake housekeeping tasks; the periodic one only enqueues, the work leaves a `task_run` row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from huey import crontab

from core import runtime
from core.models import TaskRun
from core.queue import task
from core.services.intake_rules import purge_bookkeeping


@task("intake.purge")
def purge() -> dict[str, Any]:
    """Forget old update ids and log lines and the files of expired upload links (safe to run twice)."""
    rt = runtime.current()
    with rt.db.unit_of_work() as session:
        result = purge_bookkeeping(session, now=datetime.now(UTC), data_dir=rt.settings.data_path)
        session.add(TaskRun(name="intake.purge", ok=True, result=result, finished_at=datetime.now(UTC)))
    return result


@task("intake.daily", retries=0, schedule=crontab(minute="23", hour="20"))  # 03:23 in Lai Châu
def daily() -> None:
    runtime.current().queue.enqueue("intake.purge")
