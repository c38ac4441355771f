"""Tasks of the core itself. Each commits its own unit of work and is safe to run twice."""

from __future__ import annotations

from datetime import UTC, datetime

from huey import crontab

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


@task("records.backup", retries=2, retry_delay=600, schedule=crontab(hour="19", minute="30"))
def nightly_backup() -> dict[str, object]:
    """02:30 in Hà Nội (19:30 UTC): snapshot the records into BACKUP_DIR (Điều 9.1); leaves a `task_run` row."""
    from core.services import backup

    rt = runtime.current()
    with rt.db.unit_of_work() as session:
        run = TaskRun(name="records.backup", started_at=datetime.now(UTC))
        session.add(run)
        session.flush()
        run_id = run.id
    try:
        made = backup.make_backup(engine=rt.db.engine, store=rt.store, media_root=rt.settings.media_path,
                                  data_dir=rt.settings.data_path, backup_dir=rt.settings.backup_path,
                                  keep_days=rt.settings.airing_retention_days)
    except backup.BackupBusy as busy:  # another worker's nightly run got there first: neither good nor failed
        with rt.db.unit_of_work() as session:
            skipped = session.get(TaskRun, run_id)
            assert skipped is not None
            skipped.finished_at, skipped.result = datetime.now(UTC), {"skipped": str(busy)}
        return {"skipped": str(busy)}
    except BaseException as exc:
        with rt.db.unit_of_work() as session:
            failed = session.get(TaskRun, run_id)
            assert failed is not None
            failed.finished_at, failed.ok, failed.error = datetime.now(UTC), False, f"{type(exc).__name__}: {exc}"[:2000]
        raise
    result: dict[str, object] = {"path": str(made.path), "rows": sum(made.rows.values()), "media_files": made.media_files,
                                 "media_new": made.media_new, "damaged": made.damaged, "pruned": made.pruned,
                                 "apart": made.apart}
    with rt.db.unit_of_work() as session:
        done = session.get(TaskRun, run_id)
        assert done is not None
        done.finished_at, done.ok, done.result = datetime.now(UTC), not made.damaged, result
    return result
