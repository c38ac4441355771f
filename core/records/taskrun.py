"""Every periodic run leaves a `task_run` row: started, then finished ok, failed with the error, or skipped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.records.models import TaskRun
from core.runtime import Runtime


@dataclass
class Run:
    id: int
    result: dict[str, Any] | None = None
    ok: bool | None = True  # None: skipped, neither good nor failed


@contextmanager
def recorded(rt: Runtime, name: str, *, result: dict[str, Any] | None = None) -> Iterator[Run]:
    """A row committed before the work; the block sets `result` (and `ok`); an exception marks it failed."""
    with rt.db.unit_of_work() as session:
        row = TaskRun(name=name, started_at=datetime.now(UTC), result=result)
        session.add(row)
        session.flush()
        assert row.id is not None
        run = Run(id=row.id, result=result)
    try:
        yield run
    except BaseException as exc:
        _finish(rt, run.id, ok=False, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    _finish(rt, run.id, ok=run.ok, result=run.result)


def _finish(rt: Runtime, run_id: int, *, ok: bool | None, result: dict[str, Any] | None = None,
            error: str | None = None) -> None:
    with rt.db.unit_of_work() as session:
        row = session.get(TaskRun, run_id)
        assert row is not None
        row.finished_at, row.ok, row.error = datetime.now(UTC), ok, error
        if result is not None:
            row.result = result
