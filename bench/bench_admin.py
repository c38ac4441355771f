"""Admin web benchmark: the queue page and library search against a real `bangtin web` process.

Builds an embedded SQLite database with the demo organisation, 100,000 submissions (each with the
three media rows and four audit events production writes for it) and 20,000 approved content items,
starts `bangtin web` on it, logs in as the demo editor, then sends 50
requests per URL at concurrency 4 and prints median/p95 for the queue, the library search and
/healthz (the floor of the same server). Usage: .venv/bin/python bench/bench_admin.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import finish, p95  # noqa: E402
from core import migrate  # noqa: E402
from core import runtime as runtime_module  # noqa: E402
from core.airing.models import Cluster  # noqa: E402
from core.intake.models import MediaAsset, Submission  # noqa: E402
from core.org.models import Officer, Unit  # noqa: E402
from core.org.seed import load_organisation, read_organisation  # noqa: E402
from core.records import audit  # noqa: E402
from core.review.models import ContentItem, ContentSearch, ContentTarget  # noqa: E402
from core.review.textfold import fold  # noqa: E402
from core.settings import Settings  # noqa: E402

SUBMISSIONS, ITEMS, WAITING_SHARE = 100_000, 20_000, 0.03
WORDS = ["Cảnh báo", "lũ quét", "Mường Tè", "phòng chống", "dịch bệnh", "hội chợ", "nông sản", "Đoàn Kết",
         "an toàn giao thông", "cửa khẩu", "Ma Lù Thàng", "du lịch", "văn hóa", "Thái", "Mông", "tuyên truyền"]


def build(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, queue_url=f"sqlite:///{data_dir / 'queue.sqlite3'}",
                        secret_key=secrets.token_urlsafe(48))
    rt = runtime_module.build(settings, install=False)
    migrate.upgrade(rt.db.engine)
    rng = random.Random(7)
    with rt.db.unit_of_work() as session:
        load_organisation(session, data=read_organisation(), actor=audit.SYSTEM)
    with rt.db.engine.begin() as conn:
        officers = [r[0] for r in conn.execute(select(Officer.id))]
        units = [r[0] for r in conn.execute(select(Unit.id))]
        clusters = [(r[0], r[1]) for r in conn.execute(select(Cluster.id, Cluster.kind))]
        now = datetime.now(UTC)
        rows = []
        for n in range(SUBMISSIONS):
            waiting = rng.random() < WAITING_SHARE
            cluster_id, kind = rng.choice(clusters)
            target = rng.choice(["border_gate", "own_unit", "cluster"])
            rows.append({
                "code": f"BT-B-{n:06d}", "officer_id": rng.choice(officers), "unit_id": rng.choice(units),
                "channel": "telegram", "state": rng.choice(["ready", "received"]) if waiting
                else rng.choice(["approved", "approved", "rejected", "changes_requested"]),
                "kind": "video", "category": rng.choice(["1", "2a", "2b", "2c", "2d", "4"]), "target_kind": target,
                "target_cluster_id": cluster_id if target == "cluster" else None,
                "title": " ".join(rng.sample(WORDS, 4)), "caption": " ".join(rng.sample(WORDS, 6)),
                "is_emergency": waiting and rng.random() < 0.02, "language": "vi", "language_needs_review": False,
                "progress": 100, "received_at": (now - timedelta(minutes=n)),
                "created_at": now, "updated_at": now,
            })
            if len(rows) == 5000:
                conn.execute(insert(Submission), rows)
                rows = []
        items, targets, search = [], [], []
        for n in range(1, ITEMS + 1):
            title = " ".join(rng.sample(WORDS, 4))
            start = now - timedelta(days=rng.randint(0, 400))
            items.append({"id": n, "unit_id": rng.choice(units), "title": title, "description": None, "kind": "video",
                          "category": rng.choice(["1", "2a", "2b", "4"]), "languages": ["vi"], "priority": "normal",
                          "valid_from": start, "valid_to": (start + timedelta(days=7)),
                          "is_active": True, "approved_at": start,
                          "created_at": start})
            targets.append({"content_item_id": n, "target_kind": "cluster", "cluster_id": rng.choice(clusters)[0]})
            search.append({"content_item_id": n, "folded": fold(title)})
        for table, batch in ((ContentItem, items), (ContentTarget, targets), (ContentSearch, search)):
            for i in range(0, len(batch), 5000):
                conn.execute(insert(table), batch[i:i + 5000])
        # What production writes beside each submission: its original, the board version and a poster.
        subs = [r[0] for r in conn.execute(select(Submission.id))]
        for i in range(0, len(subs), 5000):
            conn.execute(insert(MediaAsset), [
                {"submission_id": sid, "role": role, "kind": "video" if role != "poster" else "image",
                 "sha256": f"{sid:032x}{n:032x}", "size_bytes": 12_000_000 if role == "original" else 4_000_000,
                 "mime": "video/mp4" if role != "poster" else "image/jpeg", "position": 0,
                 "duration_s": 45.0 if role != "poster" else None, "width": 1280, "height": 720, "created_at": now}
                for sid in subs[i:i + 5000] for n, role in enumerate(("original", "board", "poster"))])
    # ... and its audit trail (drafted, file added, received, decided), through the real hash chain.
    for i in range(0, len(subs), 2500):
        with rt.db.unit_of_work() as session:
            for sid in subs[i:i + 2500]:
                for action in ("submission.drafted", "submission.asset_added", "submission.received",
                               "review.approved"):
                    audit.record(session, actor=audit.SYSTEM, action=action, object_type="submission", object_id=sid)
    with rt.db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    rt.close()


def timed(client: httpx.Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    response.raise_for_status()
    return (time.perf_counter() - start) * 1000


def measure(client: httpx.Client, url: str, n: int = 50, concurrency: int = 4) -> dict[str, float]:
    timed(client, url)  # warm up
    with ThreadPoolExecutor(concurrency) as pool:
        samples = list(pool.map(lambda _i: timed(client, url), range(n)))
    return {"median_ms": round(statistics.median(samples), 1), "p95_ms": round(p95(samples), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="reuse/keep the database in this directory")
    parser.add_argument("--workers", type=int, default=1, help="web processes (`bangtin web --workers`)")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench-admin-"))
    if not (data_dir / "bangtin.sqlite3").exists():
        started = time.perf_counter()
        build(data_dir)
        print(
            f"built {SUBMISSIONS} submissions and {ITEMS} items in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    port = 18000 + random.randint(0, 999)
    env = {
        **os.environ,
        "BANGTIN_DATA_DIR": str(data_dir),
        "BANGTIN_PORT": str(port),
        "BANGTIN_QUEUE_URL": f"sqlite:///{data_dir / 'queue.sqlite3'}",
        "BANGTIN_SECRET_KEY": secrets.token_urlsafe(48),
    }
    # A kept database may predate the code's newest migration: bring it up to date as `make run` would.
    subprocess.run([str(ROOT / ".venv/bin/bangtin"), "db", "upgrade"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/bangtin"), "web", "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 180  # a loaded machine can take a minute to import and start
            while time.monotonic() < deadline:
                try:
                    if client.get("/healthz").status_code == 200 and client.get("/").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
            client.post("/", data={"username": "bientap", "password": "bientap-demo-2026", "csrf_token": token,
                                   "next": "/home"})
            assert client.get("/review").status_code == 200
            results = {
                "healthz": measure(client, "/healthz"),
                "queue": measure(client, "/review"),
                "library_search": measure(client, "/library?q=lu+quet+muong"),
            }
    finally:
        server.terminate()
        server.wait(timeout=10)
    finish({"submissions": SUBMISSIONS, "content_items": ITEMS, "workers": args.workers, "concurrency": 4,
            "requests": 50, **results}, {"queue_p95_under_150_ms": results["queue"]["p95_ms"] < 150})


if __name__ == "__main__":
    main()
