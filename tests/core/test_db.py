"""Database: UTC-aware times, WAL on SQLite, after-commit hooks only after a real commit."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from core.db import after_commit
from core.records.models import TaskRun


def test_times_come_back_timezone_aware_in_utc(rt_any) -> None:
    hanoi = timezone(timedelta(hours=7))
    started = datetime(2026, 1, 1, 7, 30, tzinfo=hanoi)  # 00:30 UTC
    with rt_any.db.unit_of_work() as session:
        run = TaskRun(name="t", started_at=started)
        session.add(run)
    with rt_any.db.reading() as session:
        loaded = session.get(TaskRun, run.id)
    assert loaded.started_at == started
    assert loaded.started_at.utcoffset() == timedelta(0)
    assert loaded.started_at.hour == 0


def test_naive_datetimes_are_refused(rt) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        with rt.db.unit_of_work() as session:
            session.add(TaskRun(name="t", started_at=datetime(2026, 1, 1, 7, 30)))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(rt) -> None:
    with rt.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_after_commit_hooks_run_after_commit_and_never_after_rollback(rt_any) -> None:
    calls: list[str] = []
    with rt_any.db.unit_of_work() as session:
        session.add(TaskRun(name="kept"))
        after_commit(session, lambda: calls.append("sent"))
        assert calls == []  # not before the commit
    assert calls == ["sent"]

    with pytest.raises(RuntimeError):
        with rt_any.db.unit_of_work() as session:
            session.add(TaskRun(name="rolled back"))
            after_commit(session, lambda: calls.append("must not happen"))
            raise RuntimeError("boom")
    assert calls == ["sent"]
    with rt_any.db.reading() as session:
        names = [r.name for r in session.exec(select(TaskRun)).all()]
    assert names == ["kept"]
