"""Tasks of the core itself. Each commits its own unit of work and is safe to run twice."""

from __future__ import annotations

from datetime import UTC, datetime

from core import runtime
from core.models import TaskRun
from core.queue import task


@task("core.ping", retries=0)
def ping(*, note: str = "") -> int:
    """Leave a `task_run` row: proves that a worker consumes the queue and can write."""
    rt = runtime.current()
    with rt.db.unit_of_work() as session:
        run = TaskRun(name="core.ping", ok=True, result={"note": note}, finished_at=datetime.now(UTC))
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id
