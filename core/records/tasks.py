"""Tasks of the core itself. Each commits its own unit of work and is safe to run twice."""

from __future__ import annotations

from typing import Any

from huey import crontab

from core import runtime
from core.queue import task
from core.records.taskrun import recorded


@task("core.ping", retries=0)
def ping(*, note: str = "") -> int:
    """Leave a `task_run` row: proves that a worker consumes the queue and can write."""
    with recorded(runtime.current(), "core.ping", result={"note": note}) as run:
        pass
    return run.id


@task("records.audit_checkpoint", retries=1, retry_delay=60, schedule=crontab(minute="*/10"))
def audit_checkpoint() -> int | None:
    """Every 10 minutes: the audit chain's head, signed, into the backup directory and the log (issue 16)."""
    from core.records import audit

    rt = runtime.current()
    with rt.db.reading() as session:
        point = audit.write_checkpoint(session, settings=rt.settings)
    return point["seq"] if point else None


@task("records.backup", retries=2, retry_delay=600, schedule=crontab(hour="19", minute="30"))
def nightly_backup() -> dict[str, Any]:
    """02:30 in Hà Nội (19:30 UTC): snapshot the records into BACKUP_DIR (Điều 9.1); leaves a `task_run` row."""
    from core.records import backup

    rt = runtime.current()
    with recorded(rt, "records.backup") as run:
        try:
            made = backup.make_backup(rt)
        except backup.BackupBusy as busy:  # another worker's nightly run got there first: neither good nor failed
            run.ok, run.result = None, {"skipped": str(busy)}
        else:
            run.ok, run.result = not made.damaged, made.as_dict()
    assert run.result is not None
    return run.result


@task("records.retention", retries=1, retry_delay=900, schedule=crontab(hour="20", minute="30"))
def nightly_retention() -> dict[str, Any]:
    """03:30 in Hà Nội, an hour after the backup: remove what is past its retention and held by that backup."""
    from datetime import UTC, datetime

    from core.records import retention

    rt = runtime.current()
    with recorded(rt, "records.retention") as run, rt.db.unit_of_work() as session:
        run.result = retention.enforce(session, settings=rt.settings, now=datetime.now(UTC)).as_dict()
    assert run.result is not None
    return run.result
