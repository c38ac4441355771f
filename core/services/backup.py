"""Backups of the records (Điều 9.1, 10.1.a): every table and every media file, kept apart from the live data.

A snapshot is a folder `<backup dir>/<UTC stamp>/`: `manifest.json` plus one gzipped JSON Lines file per
table, written under a temporary name and renamed once complete, so a crash never leaves a snapshot that
looks whole. Media files go once into the backup's own content-addressed pool (`<backup dir>/media/`):
a nightly snapshot copies only what is new. The table files do not depend on the database engine, so a
SQLite snapshot restores into PostgreSQL (and back). Tables are read and written through reflection of
the database itself, so a snapshot of an older schema restores at its own revision and is then migrated.
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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, func, select, text, update
from sqlalchemy.types import Date, DateTime, LargeBinary, Time

from sqlmodel import Session

from core import migrate
from core.errors import BangtinError, Invalid
from core.models import TaskRun
from core.services import audit
from core.storage import LocalMediaStore, MediaStore

FORMAT = 1
VERSION_TABLE = "alembic_version"
BATCH = 1000
STAMP = re.compile(r"^\d{8}T\d{6}Z$")
DIGEST = re.compile(r"^[0-9a-f]{64}$")
RECORDS = ("audit_event", "unit", "officer")


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


@dataclass
class RestoreReport:
    path: Path
    revision: str | None
    rows: dict[str, int]
    media_files: int
    audit_ok: bool
    audit_events: int


# -- making one ----------------------------------------------------------------------------------
def make_backup(*, engine: Engine, store: MediaStore, media_root: Path, data_dir: Path, backup_dir: Path,
                keep_days: int, now: datetime | None = None) -> BackupReport:
    """Write a complete snapshot under `backup_dir`, then drop snapshots older than `keep_days` (never the newest)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    backup_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(backup_dir):  # two workers' nightly runs, or a night run and an operator's
        return _make_backup(engine=engine, store=store, media_root=media_root, data_dir=data_dir,
                            backup_dir=backup_dir, keep_days=keep_days, now=now)


def _make_backup(*, engine: Engine, store: MediaStore, media_root: Path, data_dir: Path, backup_dir: Path,
                 keep_days: int, now: datetime) -> BackupReport:
    for stale in backup_dir.glob(".partial-*"):  # what a crash left behind
        shutil.rmtree(stale, ignore_errors=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    final = backup_dir / stamp
    if final.exists():
        raise BackupError(f"a snapshot named {stamp} already exists in {backup_dir}")
    partial = backup_dir / f".partial-{stamp}-{os.getpid()}"
    (partial / "tables").mkdir(parents=True)
    try:
        revision, rows, files = _dump_tables(engine, partial / "tables")
        pool = LocalMediaStore(backup_dir / "media")
        media, new, size, damaged = _copy_media(store, media_root, pool)
        manifest = {"format": FORMAT, "created_at": now.isoformat(), "revision": revision,
                    "database": engine.dialect.name, "tables": {name: {"rows": rows[name], "sha256": files[name]}
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
    pruned = prune(backup_dir, keep_days=keep_days, now=now)
    return BackupReport(path=final, revision=revision, rows=rows, media_files=len(media), media_new=new,
                        media_bytes=size, damaged=damaged, pruned=pruned,
                        apart=_device(backup_dir) not in {_device(data_dir), _device(media_root)})


def _dump_tables(engine: Engine, folder: Path) -> tuple[str | None, dict[str, int], dict[str, str]]:
    rows: dict[str, int] = {}
    files: dict[str, str] = {}
    with _Snapshot(engine) as conn:
        revision = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one_or_none() \
            if engine.dialect.has_table(conn, VERSION_TABLE) else None
        if revision is None:
            raise BackupError("the database has no schema yet: run `bangtin db upgrade` (or `bangtin up`) first")
        for table in _tables(conn):
            path = folder / f"{table.name}.jsonl.gz"
            rows[table.name] = _dump_table(conn, table, path)
            files[table.name] = _sha256(path)
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


class _Snapshot:
    """One consistent read of every table: a repeatable-read transaction (on SQLite, one read transaction)."""

    def __init__(self, engine: Engine) -> None:
        options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
        self.conn = engine.connect().execution_options(**options)

    def __enter__(self) -> Connection:
        self.conn.begin()
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.rollback()
        self.conn.close()


def _copy_media(store: MediaStore, media_root: Path, pool: LocalMediaStore) -> tuple[list[str], int, int, list[str]]:
    listed, new, size, damaged = [], 0, 0, []
    for path in sorted(media_root.glob("??/??/*")):
        if not DIGEST.match(path.name):
            continue
        if not pool.exists(path.name):
            with store.open(path.name) as stream:
                copied = pool.put_stream(stream)  # hashed on the way: bit rot on the live disk is caught here
            if copied.sha256 != path.name:
                pool.local_path(copied.sha256).unlink(missing_ok=True)
                damaged.append(path.name)
                continue
            new += 1
        listed.append(path.name)
        size += pool.local_path(path.name).stat().st_size
    return listed, new, size, damaged


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
                wanted.update(_read_manifest(path)["media"])
        for file in (backup_dir / "media").glob("??/??/*"):
            if DIGEST.match(file.name) and file.name not in wanted:
                file.unlink()
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
    runs = session.scalars(select(TaskRun).where(TaskRun.name == "records.backup", TaskRun.finished_at.is_not(None))  # type: ignore[union-attr]
                           .order_by(TaskRun.finished_at.desc()).limit(30)).all()  # type: ignore[union-attr]
    good = next((run for run in runs if run.ok), None)
    failed = next((run for run in runs if run.ok is False and (good is None or run.finished_at > good.finished_at)), None)
    last_ok = good.finished_at if good else None
    return BackupStatus(last_ok=last_ok, failed_since=failed.error if failed else None,
                        overdue=last_ok is None or now - last_ok > timedelta(days=2),
                        apart=bool(good.result.get("apart")) if good and good.result else None)


# -- restoring one -------------------------------------------------------------------------------
def restore_backup(*, engine: Engine, store: MediaStore, snapshot: Path, force: bool = False) -> RestoreReport:
    """Load a snapshot into this database and media store; refuses a database that holds data unless `force`.

    Everything is checked before anything is changed: the manifest, every table file's checksum, every
    media file the snapshot lists. The tables are loaded at the snapshot's schema revision, then migrated.
    """
    manifest = verify_snapshot(snapshot)
    revision = manifest["revision"]
    if revision not in migrate.revisions(engine):
        raise BackupError(f"the snapshot's schema {revision} is unknown to this version of bangtin: restore it "
                          "with the version that made it, or a newer one")
    holding = _holding(engine)
    if holding and not force:
        raise Invalid(f"the database already holds data ({', '.join(holding[:5])}{'…' if len(holding) > 5 else ''}); "
                      "restore into an empty database, or add --force to replace everything in it")
    # Media first: content-addressed, so a second try after a failure just finds the files there.
    pool = LocalMediaStore(snapshot.parent / "media")
    for digest in manifest["media"]:
        if not store.exists(digest):
            with pool.open(digest) as stream:
                put = store.put_stream(stream)
            if put.sha256 != digest:
                raise BackupError(f"media file {digest} changed in the backup since it was checked; nothing was restored")
    if migrate.current(engine) is not None:
        migrate.downgrade(engine, "base")  # empty, or --force: the schema is rebuilt at the snapshot's revision
    migrate.upgrade(engine, revision)
    with engine.begin() as conn:
        tables = {t.name: t for t in _tables(conn)}
        missing = set(manifest["tables"]) - set(tables)
        if missing:
            raise BackupError(f"the snapshot has tables this schema lacks: {', '.join(sorted(missing))}")
        for table in reversed(list(tables.values())):  # the bookkeeping rows the migrations made are in the snapshot too
            conn.execute(table.delete())
        rows = {}
        for name in manifest["tables"]:  # the dump wrote them parents first
            rows[name] = _load_table(conn, tables[name], snapshot / "tables" / f"{name}.jsonl.gz")
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn, [tables[name] for name in manifest["tables"]])
    migrate.upgrade(engine)
    with Session(engine) as session:
        chain = audit.verify(session)
    return RestoreReport(path=snapshot, revision=revision, rows=rows, media_files=len(manifest["media"]),
                         audit_ok=chain.ok, audit_events=chain.events)


def verify_snapshot(snapshot: Path) -> dict[str, Any]:
    """The manifest of a snapshot whose every file is present and unchanged; BackupError otherwise."""
    if not (snapshot / "manifest.json").is_file():
        raise BackupError(f"{snapshot} is not a bangtin snapshot (no manifest.json); snapshots are folders named "
                          "like 20261130T193000Z inside the backup directory")
    manifest = _read_manifest(snapshot)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{snapshot}: snapshot format {manifest.get('format')} is not {FORMAT}")
    for name, table in manifest["tables"].items():
        path = snapshot / "tables" / f"{name}.jsonl.gz"
        if not path.is_file() or _sha256(path) != table["sha256"]:
            raise BackupError(f"{snapshot}: the table file of {name} is missing or damaged; nothing was restored")
    pool = LocalMediaStore(snapshot.parent / "media")
    lost = [digest for digest in manifest["media"] if not pool.exists(digest)]
    if lost:
        raise BackupError(f"{snapshot}: {len(lost)} media file(s) are missing from {pool.root}, first {lost[0]}; "
                          "nothing was restored")
    return manifest


def _holding(engine: Engine) -> list[str]:
    """The record tables that hold rows. Every change goes through a service that writes the audit log, so a
    database anyone has used has audit events; the migrations themselves only fill bookkeeping rows."""
    with engine.connect() as conn:
        return [t.name for t in _tables(conn) if t.name in RECORDS
                and conn.execute(select(func.count()).select_from(t)).scalar_one()]


def _load_table(conn: Connection, table: Table, path: Path) -> int:
    # A row may point at a later row of its own table (a merged unit's successor): those columns are
    # filled in a second pass, once every row exists.
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    decoders = {column.name: _decoder(column.type, conn.dialect.name) for column in table.columns}
    later: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            row = {key: decoders[key](value) if value is not None else None for key, value in raw.items()}
            if own and any(row.get(name) is not None for name in own):
                later.append({name: row[name] for name in [*own, *[c.name for c in table.primary_key.columns]]})
                row.update({name: None for name in own})
            batch.append(row)
            count += 1
            if len(batch) == BATCH:
                conn.execute(table.insert(), batch)
                batch = []
    if batch:
        conn.execute(table.insert(), batch)
    keys = list(table.primary_key.columns)
    for row in later:
        conn.execute(update(table).where(*[key == row[key.name] for key in keys]).values({n: row[n] for n in own}))
    return count


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """Explicit ids were inserted: move each serial sequence past them, or the next insert collides."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": table.name, "c": column.name}).scalar_one()
            if sequence:
                conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 1), '
                                  f'(SELECT COUNT(*) > 0 FROM "{table.name}"))'), {"s": sequence})


# -- values --------------------------------------------------------------------------------------
def _encode(value: Any) -> Any:
    if isinstance(value, datetime):  # every datetime column holds UTC; SQLite gives it back without a zone
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decoder(kind: Any, dialect: str) -> Any:
    if isinstance(kind, DateTime):
        if dialect == "sqlite":
            return lambda v: datetime.fromisoformat(v).astimezone(UTC).replace(tzinfo=None)
        return lambda v: datetime.fromisoformat(v).astimezone(UTC)
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Time):
        return time.fromisoformat
    if isinstance(kind, LargeBinary):
        return base64.b64decode
    return lambda v: v


# -- small helpers -------------------------------------------------------------------------------
def _tables(conn: Connection) -> list[Table]:
    """The database's own tables, parents before children, without Alembic's bookkeeping."""
    metadata = MetaData()
    metadata.reflect(conn)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def _read_manifest(snapshot: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{snapshot}: the manifest cannot be read ({exc})") from exc
    return manifest


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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

