"""Audited writes per second on PostgreSQL with 1 and 8 concurrent writers (issue 16, item 6).

Every audited write takes the chain's advisory lock (pg_advisory_xact_lock) until its transaction
commits, so writers queue behind each other: this measures what that single lock allows. Each write
is one unit of work with one audit event (as a typical web action: a row change plus its event).

    .venv/bin/python bench/bench_audit.py [--seconds 5] [--url postgresql+psycopg://…]

Target: at least 30 audited writes per second with 8 writers (a province does a few per second at its
busiest: ten times that); prints JSON and exits 1 when it misses.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text

from bench.common import finish, p95
from core import migrate
from core import runtime as runtime_module
from core.records import audit
from core.settings import Settings
from core.types import Channel

ADMIN_URL = os.environ.get("BANGTIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ACTOR = audit.Actor(label="bench", channel=Channel.web, address="127.0.0.1")
TARGET_8 = 30.0


def run(rt, writers: int, seconds: float) -> dict:
    latencies: list[list[float]] = [[] for _ in range(writers)]
    stop = time.monotonic() + seconds

    def writer(index: int) -> None:
        while time.monotonic() < stop:
            began = time.perf_counter()
            with rt.db.unit_of_work() as session:
                audit.record(session, actor=ACTOR, action="bench.write", object_type="unit", object_id=index,
                             before={"name": "Sở Thông tin và Truyền thông"},
                             after={"name": "Sở Văn hóa, Thể thao và Du lịch"})
            latencies[index].append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    flat = [x for per in latencies for x in per]
    return {"writers": writers, "writes": len(flat), "per_second": round(len(flat) / elapsed, 1),
            "p95_ms": round(p95(flat), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--url", default=ADMIN_URL)
    args = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), queue_url="memory://", secret_key="bench-" + "k" * 40,
                                database_url=f"{args.url}?options=-csearch_path%3D{schema}")
            rt = runtime_module.build(settings, install=False)
            migrate.upgrade(rt.db.engine)
            results = {f"writers_{n}": run(rt, n, args.seconds) for n in (1, 8)}
            with rt.db.reading() as session:
                chain = audit.verify(session)
            results["chain_ok"], results["events"] = chain.ok, chain.events
            rt.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    finish(results, {"8 writers >= 30 audited writes/s": results["writers_8"]["per_second"] >= TARGET_8,
                     "chain intact after the run": bool(results["chain_ok"])})


if __name__ == "__main__":
    main()
