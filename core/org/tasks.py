"""Tasks of org: the hourly hand-over of ended units' officers, clusters and obligations (leaves a task_run row)."""

from __future__ import annotations

from typing import Any

from huey import crontab

from core import runtime
from core.queue import task
from core.records import audit
from core.records.taskrun import recorded


@task("org.carry_over", retries=1, retry_delay=300, schedule=crontab(minute="7"))
def carry_over() -> list[dict[str, Any]]:
    """Every hour: what still points at a unit that ended before today (local) moves to its successor."""
    from core.org import succession

    rt = runtime.current()
    with recorded(rt, "org.carry_over") as run, rt.db.unit_of_work() as session:
        moved = [{"unit_id": m.unit_id, **m.as_dict()} for m in
                 succession.carry_over(session, today=rt.settings.today(), actor=audit.SYSTEM)]
        run.result = {"units": len(moved)}
    return moved
