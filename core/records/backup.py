"""Backups of the records (Điều 9.1, 10.1.a): every table and every media file, kept apart from the live data.

A snapshot is a folder `<backup dir>/<UTC stamp>/`: `manifest.json` plus one gzipped JSON Lines file per
table, written under a temporary name and renamed once complete, so a crash never leaves a snapshot that
looks whole. Media files go once into the backup's own content-addressed pool (`<backup dir>/media/`):
a nightly snapshot copies only what is new. The table files do not depend on the database engine, so a
SQLite snapshot restores into PostgreSQL (and back); `core/records/restore.py` loads them.
"""

from __future__ import annotations

import base64
import fcntl
import gzip
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, select, text
from sqlmodel import Session, col

from core.errors import BangtinError
from core.records import audit
from core.records.models import TaskRun
from core.runtime import Runtime
from core.storage import LocalMediaStore

FORMAT = 1
VERSION_TABLE = "alembic_version"
STAMP = re.compile(r"^\d{8}T\d{6}Z$")


class BackupError(BangtinError):
    """A snapshot that cannot be made or trusted; the message says which and why."""


class BackupBusy(BackupError):
    """Another process is writing a snapshot into the same backup directory."""


@dataclass
class BackupReport:
    path: Path
    revision: str | None
    rows: dict[str, int]
    media_files: int
    media_new: int
    media_bytes: int
    damaged: list[str] = field(default_factory=list)  # live files whose content no longer matches their name
    pruned: list[str] = field(default_factory=list)
    apart: bool = True  # False: on the same filesystem as the live data, which a disk failure takes with it

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "path": str(self.path)}


# -- making one ----------------------------------------------------------------------------------
def make_backup(rt: Runtime, *, backup_dir: Path | None = None, keep_days: int | None = None,
                now: datetime | None = None) -> BackupReport:
    """Write a complete snapshot (default: into BACKUP_DIR), then drop snapshots older than `keep_days`
    (default: AIRING_RETENTION_DAYS), never the newest."""
    backup_dir = backup_dir or rt.settings.backup_path
    now = (now or datetime.now(UTC)).astimezone(UTC)
    backup_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(backup_dir):  # two workers' nightly runs, or a night run and an operator's
        report = _write_snapshot(rt, backup_dir, now)
        report.pruned = prune(backup_dir, keep_days=keep_days or rt.settings.airing_retention_days, now=now)
    report.apart = _device(backup_dir) not in {_device(rt.settings.data_path), _device(rt.settings.media_path)}
    with rt.db.reading() as session:  # the audit chain's head, signed, beside the snapshots
        audit.write_checkpoint(session, settings=rt.settings)
    return report


def _write_snapshot(rt: Runtime, backup_dir: Path, now: datetime) -> BackupReport:
    for stale in backup_dir.glob(".partial-*"):  # what a crash left behind
        shutil.rmtree(stale, ignore_errors=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    final = backup_dir / stamp
    if final.exists():
        raise BackupError(f"a snapshot named {stamp} already exists in {backup_dir}")
    partial = backup_dir / f".partial-{stamp}-{os.getpid()}"
    (partial / "tables").mkdir(parents=True)
    try:
        revision, rows, files = _dump_tables(rt.db.engine, partial)
        media, new, size, damaged = _copy_media(rt, pool(backup_dir))
        manifest = {"format": FORMAT, "created_at": now.isoformat(), "revision": revision,
                    "database": rt.db.dialect, "tables": {name: {"rows": rows[name], "sha256": files[name]}
                                                          for name in rows},
                    "media": media}
        _write_json(partial / "manifest.json", manifest)
        _fsync_dir(partial / "tables")
        _fsync_dir(partial)
        os.replace(partial, final)
        _fsync_dir(backup_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupReport(path=final, revision=revision, rows=rows, media_files=len(media), media_new=new,
                        media_bytes=size, damaged=damaged)


def _dump_tables(engine: Engine, snapshot: Path) -> tuple[str | None, dict[str, int], dict[str, str]]:
    rows: dict[str, int] = {}
    files: dict[str, str] = {}
    with _consistent_read(engine) as conn:
        revision = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one_or_none() \
            if engine.dialect.has_table(conn, VERSION_TABLE) else None
        if revision is None:
            raise BackupError("the database has no schema yet: run `bangtin db upgrade` (or `bangtin up`) first")
        for table in database_tables(conn):
            path = table_file(snapshot, table.name)
            rows[table.name] = _dump_table(conn, table, path)
            files[table.name] = sha256_of(path)
    return revision, rows, files


def _dump_table(conn: Connection, table: Table, path: Path) -> int:
    count = 0
    order = list(table.primary_key.columns) or list(table.columns)
    with path.open("wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as packed:
            for row in conn.execute(select(table).order_by(*order)).mappings():
                line = json.dumps({key: _encode(value) for key, value in row.items()}, ensure_ascii=False)
                packed.write(line.encode("utf-8") + b"\n")
                count += 1
        raw.flush()
        os.fsync(raw.fileno())
    return count


@contextmanager
def _consistent_read(engine: Engine) -> Iterator[Connection]:
    """One consistent read of every table: a repeatable-read transaction (on SQLite, one read transaction)."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn:
        conn.begin()
        try:
            yield conn
        finally:
            conn.rollback()


def _copy_media(rt: Runtime, into: LocalMediaStore) -> tuple[list[str], int, int, list[str]]:
    listed, new, size, damaged = [], 0, 0, []
    for digest in rt.store.digests():
        if not into.exists(digest):
            with rt.store.open(digest) as stream:
                copied = into.put_stream(stream)  # hashed on the way: bit rot on the live disk is caught here
            if copied.sha256 != digest:
                into.local_path(copied.sha256).unlink(missing_ok=True)
                damaged.append(digest)
                continue
            new += 1
        listed.append(digest)
        size += into.local_path(digest).stat().st_size
    return listed, new, size, damaged


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):  # every datetime column holds UTC; SQLite gives it back without a zone
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


# -- keeping them --------------------------------------------------------------------------------
def prune(backup_dir: Path, *, keep_days: int, now: datetime) -> list[str]:
    """Drop snapshots older than `keep_days` except the newest, then pool files no snapshot lists."""
    snapshots = list_snapshots(backup_dir)
    cutoff = now - timedelta(days=keep_days)
    dropped = [p for p in snapshots[:-1]
               if datetime.strptime(p.name, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) < cutoff]
    for path in dropped:
        shutil.rmtree(path)
    if dropped:
        wanted: set[str] = set()
        for path in snapshots:
            if path not in dropped:
                wanted.update(read_manifest(path)["media"])
        media = pool(backup_dir)
        for digest in list(media.digests()):
            if digest not in wanted:
                media.local_path(digest).unlink()
    return [p.name for p in dropped]


def list_snapshots(backup_dir: Path) -> list[Path]:
    return sorted(p for p in backup_dir.iterdir() if p.is_dir() and STAMP.match(p.name)) if backup_dir.is_dir() else []


@dataclass
class BackupStatus:
    """What an administrator needs to see: when the last good snapshot was made, and what went wrong since."""

    last_ok: datetime | None
    failed_since: str | None  # the error of a failed run after the last good one
    overdue: bool  # no good snapshot in the last two days
    apart: bool | None  # whether the last good one went to another disk


def status(session: Session, *, now: datetime) -> BackupStatus:
    runs = session.scalars(select(TaskRun).where(col(TaskRun.name) == "records.backup",
                                                 col(TaskRun.finished_at).is_not(None))
                           .order_by(col(TaskRun.finished_at).desc()).limit(30)).all()
    good = next((run for run in runs if run.ok), None)
    failed = next(
        (run for run in runs if run.ok is False and (good is None or (
            run.finished_at is not None and good.finished_at is not None and run.finished_at > good.finished_at))),
        None
    )
    last_ok = good.finished_at if good else None
    return BackupStatus(last_ok=last_ok, failed_since=failed.error if failed else None,
                        overdue=last_ok is None or now - last_ok > timedelta(days=2),
                        apart=bool(good.result.get("apart")) if good and good.result else None)


# -- the snapshot format, shared with restore ----------------------------------------------------
def pool(backup_dir: Path) -> LocalMediaStore:
    """The media every snapshot in `backup_dir` shares, content-addressed like the live store."""
    return LocalMediaStore(backup_dir / "media")


def table_file(snapshot: Path, name: str) -> Path:
    return snapshot / "tables" / f"{name}.jsonl.gz"


def database_tables(conn: Connection) -> list[Table]:
    """The database's own tables (reflected, so any schema revision), parents first, without Alembic's."""
    metadata = MetaData()
    metadata.reflect(conn)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def read_manifest(snapshot: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{snapshot}: the manifest cannot be read ({exc})") from exc
    return manifest


def sha256_of(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


# -- files ---------------------------------------------------------------------------------------
def _write_json(path: Path, data: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _exclusive(backup_dir: Path) -> Iterator[None]:
    with (backup_dir / ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupBusy(f"another backup is being written into {backup_dir}; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _device(path: Path) -> int:
    return path.stat().st_dev
