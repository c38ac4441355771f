"""Restoring a snapshot of `core/records/backup.py` into this database and media store.

Everything is checked before anything changes: the manifest, every table file's checksum, every media
file the snapshot lists. The tables are loaded through reflection at the snapshot's own schema revision,
then migrated to this version's, so an older snapshot restores too; the audit chain is verified last.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text, update
from sqlalchemy.types import Date, DateTime, LargeBinary, Time
from sqlmodel import Session

from core import migrate
from core.errors import Invalid
from core.records import audit
from core.records.backup import (
    FORMAT,
    BackupError,
    database_tables,
    pool,
    read_manifest,
    sha256_of,
    table_file,
)
from core.runtime import Runtime

BATCH = 1000
# Every change goes through a service that writes the audit log, so a database anyone has used has rows
# here; the migrations themselves fill only bookkeeping rows.
RECORDS = ("audit_event", "unit", "officer")


@dataclass
class RestoreReport:
    path: Path
    revision: str | None
    rows: dict[str, int]
    media_files: int
    audit_ok: bool
    audit_events: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "path": str(self.path)}


def restore_backup(rt: Runtime, *, snapshot: Path, force: bool = False) -> RestoreReport:
    """Load `snapshot` into this database and media store; refuses a database with records unless `force`."""
    engine = rt.db.engine
    manifest = verify_snapshot(snapshot)
    revision = manifest["revision"]
    if revision not in migrate.revisions(engine):
        raise BackupError(f"the snapshot's schema {revision} is unknown to this version of bangtin: restore it "
                          "with the version that made it, or a newer one")
    holding = _holding(engine)
    if holding and not force:
        raise Invalid(f"the database already holds data ({', '.join(holding)}); "
                      "restore into an empty database, or add --force to replace everything in it")
    # Media first: content-addressed, so a second try after a failure just finds the files there.
    media = pool(snapshot.parent)
    for digest in manifest["media"]:
        if not rt.store.exists(digest):
            with media.open(digest) as stream:
                put = rt.store.put_stream(stream)
            if put.sha256 != digest:
                raise BackupError(
                    f"media file {digest} changed in the backup since it was checked; nothing was restored"
                )
    if migrate.current(engine) is not None:
        migrate.downgrade(engine, "base")  # empty, or --force: the schema is rebuilt at the snapshot's revision
    migrate.upgrade(engine, revision)
    with engine.begin() as conn:
        tables = {t.name: t for t in database_tables(conn)}
        missing = set(manifest["tables"]) - set(tables)
        if missing:
            raise BackupError(f"the snapshot has tables this schema lacks: {', '.join(sorted(missing))}")
        for table in reversed(
            list(tables.values())
        ):  # the bookkeeping rows the migrations made are in the snapshot too
            conn.execute(table.delete())
        rows = {name: _load_table(conn, tables[name], table_file(snapshot, name))
                for name in manifest["tables"]}  # the dump wrote them parents first
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn, [tables[name] for name in manifest["tables"]])
    migrate.upgrade(engine)
    with Session(engine) as session:
        # The chain only: checkpoints newer than the snapshot are expected not to match a restore.
        chain = audit.verify(session, key=rt.settings.audit_hmac_key())
    return RestoreReport(path=snapshot, revision=revision, rows=rows, media_files=len(manifest["media"]),
                         audit_ok=chain.ok, audit_events=chain.events)


def verify_snapshot(snapshot: Path) -> dict[str, Any]:
    """The manifest of a snapshot whose every file is present and unchanged; BackupError otherwise."""
    if not (snapshot / "manifest.json").is_file():
        raise BackupError(f"{snapshot} is not a bangtin snapshot (no manifest.json); snapshots are folders named "
                          "like 20261130T193000Z inside the backup directory")
    manifest = read_manifest(snapshot)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{snapshot}: snapshot format {manifest.get('format')} is not {FORMAT}")
    for name, table in manifest["tables"].items():
        path = table_file(snapshot, name)
        if not path.is_file() or sha256_of(path) != table["sha256"]:
            raise BackupError(f"{snapshot}: the table file of {name} is missing or damaged; nothing was restored")
    media = pool(snapshot.parent)
    lost = [digest for digest in manifest["media"] if not media.exists(digest)]
    if lost:
        raise BackupError(f"{snapshot}: {len(lost)} media file(s) are missing from {media.root}, first {lost[0]}; "
                          "nothing was restored")
    return manifest


def _holding(engine: Engine) -> list[str]:
    """The record tables that hold rows."""
    with engine.connect() as conn:
        return [t.name for t in database_tables(conn) if t.name in RECORDS
                and conn.execute(select(func.count()).select_from(t)).scalar_one()]


def _load_table(conn: Connection, table: Table, path: Path) -> int:
    # A row may point at a later row of its own table (a merged unit's successor): those columns are
    # filled in a second pass, once every row exists.
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    keys = [c.name for c in table.primary_key.columns]
    decoders = {column.name: _decoder(column.type, conn.dialect.name) for column in table.columns}
    later: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = {key: None if value is None else decoders[key](value) for key, value in json.loads(line).items()}
            if any(row.get(name) is not None for name in own):
                later.append({name: row[name] for name in [*own, *keys]})
                row.update(dict.fromkeys(own))
            batch.append(row)
            count += 1
            if len(batch) == BATCH:
                conn.execute(table.insert(), batch)
                batch = []
    if batch:
        conn.execute(table.insert(), batch)
    for row in later:
        conn.execute(update(table).where(*[table.c[key] == row[key] for key in keys]).values({n: row[n] for n in own}))
    return count


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """Explicit ids were inserted: move each serial sequence past them, or the next insert collides."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence: str | None = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": table.name, "c": column.name}).scalar_one()
            if sequence:
                conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 1), '
                                  f'(SELECT COUNT(*) > 0 FROM "{table.name}"))'), {"s": sequence})


def _decoder(kind: Any, dialect: str) -> Any:
    """How a value the backup wrote as JSON goes back into a column of this type."""
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
