"""Airing tasks: plan rebuilds, the health sweep and emergency confirmations. Each commits its own
unit of work, leaves a `task_run` row and is safe to run twice; the periodic ones only enqueue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from huey import crontab

from core import runtime
from core.airing import boards, emergencies, plans
from core.incidents import health
from core.incidents import service as incidents
from core.queue import task
from core.records.taskrun import recorded


def _run(name: str, work: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Do `work` in one unit of work under a `task_run` row: a failed sweep leaves a failed row."""
    rt = runtime.current()
    with recorded(rt, name) as run, rt.db.unit_of_work() as session:
        run.result = work(session)
    assert run.result is not None
    return run.result


@task("airing.rebuild_plans")
def rebuild_plans(*, reason: str = "") -> dict[str, Any]:
    """Rebuild every board's plans for today and the next two days (unchanged plans stay as they are)."""
    settings = runtime.current().settings
    day = settings.today()
    return _run(
        "airing.rebuild_plans",
        lambda s: {
            "reason": reason,
            **{k: v for k, v in plans.build_all_plans(s, day=day, settings=settings).items() if k != "flagged"},
        },
    )


@task("airing.health_sweep")
def health_sweep() -> dict[str, Any]:
    """Open incidents for silent boards."""
    return _run("airing.health_sweep", lambda s: health.sweep(
        s, now=datetime.now(UTC), offline_after=timedelta(minutes=runtime.current().settings.board_offline_minutes)))


@task("airing.emergency_check")
def emergency_check() -> dict[str, Any]:
    """Alert the operators of boards that did not confirm a running emergency within 60 s."""
    return _run(
        "airing.emergency_check", lambda s: {"notified": emergencies.alert_unconfirmed(s, now=datetime.now(UTC))}
    )


@task("airing.incident_escalation")
def incident_escalation() -> dict[str, Any]:
    """Escalate incidents nobody acknowledged in time to the provincial editor unit."""
    return _run("airing.incident_escalation", lambda s: incidents.escalate_overdue(s, now=datetime.now(UTC)))


@task("airing.every_minute", retries=0, schedule=crontab(minute="*"))
def every_minute() -> None:
    queue = runtime.current().queue
    queue.enqueue("airing.health_sweep")
    queue.enqueue("airing.emergency_check")
    queue.enqueue("airing.incident_escalation")


@task("airing.every_hour", retries=0, schedule=crontab(minute="5"))
def every_hour() -> None:
    # Hourly (and so shortly after local midnight, 17:00 UTC): the new day enters the 48 h horizon.
    runtime.current().queue.enqueue("airing.rebuild_plans", reason="hourly")


@task("airing.maintenance_reminders", retries=1, schedule=crontab(hour="0", minute="30"))
def maintenance_reminders() -> dict[str, Any]:
    """07:30 in Hà Nội: tell operators of maintenance planned within the week (once each)."""
    today = runtime.current().settings.today()
    return _run("airing.maintenance_reminders", lambda s: boards.remind_planned(s, today=today))
