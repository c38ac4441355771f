"""Backup benchmark: how long the nightly snapshot and a restore take on a province-sized database.

Builds the admin benchmark's database (the demo organisation, 100,000 submissions, 20,000 content
items) plus 300 media files of 1 MB, then times: the first snapshot (every row, every file), the next
night's (every row, no new file), and a restore of it into an empty SQLite database (or PostgreSQL with
--database-url). Usage: .venv/bin/python bench/bench_backup.py [--keep DIR] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_admin import build  # noqa: E402

from bench.common import finish  # noqa: E402
from core import migrate  # noqa: E402
from core import runtime as runtime_module  # noqa: E402
from core.records import (
    backup,  # noqa: E402
    restore,  # noqa: E402
)
from core.settings import Settings  # noqa: E402

MEDIA_FILES, MEDIA_BYTES = 300, 1024 * 1024


def runtime(data_dir: Path, database_url: str | None = None) -> runtime_module.Runtime:
    settings = Settings(data_dir=data_dir, queue_url="memory://", secret_key=secrets.token_urlsafe(48),
                        database_url=database_url)
    rt = runtime_module.build(settings, install=False)
    migrate.upgrade(rt.db.engine)
    return rt


def snapshot(rt: runtime_module.Runtime, folder: Path, now: datetime) -> tuple[float, backup.BackupReport]:
    started = time.perf_counter()
    made = backup.make_backup(rt, backup_dir=folder, keep_days=183, now=now)
    return time.perf_counter() - started, made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="reuse/keep the source data in this directory")
    parser.add_argument("--database-url", help="restore into this database (default: a new SQLite file)")
    args = parser.parse_args()
    source = args.keep or Path(tempfile.mkdtemp(prefix="bench-backup-"))
    if not (source / "bangtin.sqlite3").exists():
        build(source)
    rt = runtime(source)
    while sum(1 for _ in rt.settings.media_path.glob("??/??/*")) < MEDIA_FILES:
        rt.store.put_bytes(os.urandom(MEDIA_BYTES))
    work = Path(tempfile.mkdtemp(prefix="bench-backup-out-"))
    now = datetime.now(UTC)
    first_s, first = snapshot(rt, work / "backups", now - timedelta(days=1))
    next_s, nightly = snapshot(rt, work / "backups", now)
    target = runtime(work / "restored", args.database_url)
    started = time.perf_counter()
    done = restore.restore_backup(target, snapshot=nightly.path, force=True)
    restore_s = time.perf_counter() - started
    tables = sum(p.stat().st_size for p in (nightly.path / "tables").iterdir())
    rt.close()
    target.close()
    finish({
        "rows": sum(first.rows.values()), "media_files": first.media_files,
        "media_mb": round(first.media_bytes / 2**20),
        "first_snapshot_s": round(first_s, 1), "nightly_snapshot_s": round(next_s, 1),
        "nightly_new_media": nightly.media_new, "table_files_mb": round(tables / 2**20, 1),
        "restore_s": round(restore_s, 1), "restore_into": target.db.dialect, "audit_ok": done.audit_ok,
    }, {"restored_audit_chain_intact": bool(done.audit_ok)})


if __name__ == "__main__":
    main()
