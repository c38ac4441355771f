"""Airing benchmark on the embedded default (SQLite + a real uvicorn process on loopback).

    .venv/bin/python bench/bench_airing.py [--boards 500] [--items 2000] [--sse 200]

Figures: plan build for N boards x 2 days; manifest polling with ETag vs /healthz (req/s, p95);
plays stored per second in batches of 50; emergency start -> every SSE client notified (p95, max).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import finish, p95  # noqa: E402
from core import migrate  # noqa: E402
from core import runtime as runtime_module
from core.airing import (
    boards,  # noqa: E402
    emergencies,  # noqa: E402
    plans,  # noqa: E402
)
from core.airing.models import Board, BroadcastWindow, Cluster  # noqa: E402
from core.intake.models import MediaAsset  # noqa: E402
from core.org.models import Officer, Unit  # noqa: E402
from core.records import audit  # noqa: E402
from core.review.models import ContentItem, ContentTarget  # noqa: E402
from core.settings import Settings  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"




def seed(rt, n_boards: int, n_items: int) -> dict[str, str]:
    rnd = random.Random(6)
    with rt.db.unit_of_work() as session:
        unit = Unit(code="BENCH", name="Đơn vị thử", kind="commune")
        session.add(unit)
        session.flush()
        admin = Officer(unit_id=unit.id, full_name="Quản trị", role="administrator", username="bench-admin")
        session.add(admin)
        session.flush()
        for c in range(n_boards // 10):
            cluster = Cluster(code=f"C{c:03d}", name=f"Cụm {c}", kind="border_gate" if c < 2 else "public",
                              operator_unit_id=unit.id)
            session.add(cluster)
            session.flush()
            session.add(
                BroadcastWindow(cluster_id=cluster.id, part="morning", start_local=clock(0, 0), end_local=clock(11, 0))
            )
            session.add(
                BroadcastWindow(
                    cluster_id=cluster.id, part="afternoon", start_local=clock(12, 0), end_local=clock(23, 59)
                )
            )
            for b in range(10):
                session.add(Board(code=f"C{c:03d}-{b:02d}", name=f"Bảng {c}-{b}", cluster_id=cluster.id))
        session.flush()
        now = datetime.now(UTC)
        for i in range(n_items):
            stored = rt.store.put_bytes(f"media-{i}".encode() * 64)
            asset = MediaAsset(role="normalised", kind="video", sha256=stored.sha256, size_bytes=stored.size_bytes,
                               mime="video/mp4", duration_s=rnd.randint(15, 240))
            session.add(asset)
            session.flush()
            item = ContentItem(
                unit_id=unit.id,
                title=f"Tin {i}",
                kind="video",
                media_asset_id=asset.id,
                category=rnd.choice(["1", "2a", "2b", "2d", "3", "4", "5"]),
                priority=rnd.choice(["normal"] * 18 + ["priority", "emergency"]),
                languages=rnd.choice([["vi"], ["vi", "en"], ["vi", "zh"]]),
                duration_s=asset.duration_s,
                valid_from=now - timedelta(days=rnd.randint(0, 5)),
                valid_to=now + timedelta(days=rnd.randint(1, 9)),
            )
            session.add(item)
            session.flush()
            # a few items everywhere, most on a cluster or a cluster kind
            roll = rnd.random()
            if roll < 0.02:
                target = ContentTarget(content_item_id=item.id, target_kind="all")
            elif roll < 0.1:
                target = ContentTarget(content_item_id=item.id, target_kind="cluster_kind", cluster_kind="public")
            else:
                target = ContentTarget(
                    content_item_id=item.id, target_kind="cluster", cluster_id=rnd.randint(1, n_boards // 10)
                )
            session.add(target)
    tokens = {}
    with rt.db.unit_of_work() as session:
        for board in session.exec(__import__("sqlmodel").select(Board)).all():
            tokens[board.code] = boards.issue_board_token(session, board_ref=board.code, actor=audit.SYSTEM)
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def hammer(url: str, requests: list[dict], concurrency: int = 64) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    codes: dict[int, int] = {}
    queue = list(requests)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=concurrency)) as client:
        async def worker():
            while queue:
                spec = queue.pop()
                t0 = time.perf_counter()
                r = await client.request(spec.get("method", "GET"), url + spec["path"], headers=spec.get("headers"),
                                         json=spec.get("json"))
                latencies.append(time.perf_counter() - t0)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, codes


async def sse_clients(url: str, tokens: list[str], fire) -> list[float]:
    ready, got = asyncio.Event(), {}
    connected = 0
    fired_at: list[float] = []

    async def client(token: str, client_http: httpx.AsyncClient):
        nonlocal connected
        async with client_http.stream(
            "GET", url + "/api/player/v1/events", headers={"Authorization": f"Bearer {token}"}
        ) as r:
            first = True
            async for line in r.aiter_lines():
                if not line.startswith("data:"):
                    continue
                data = json.loads(line[5:])
                if first:
                    first = False
                    connected += 1
                    if connected == len(tokens):
                        ready.set()
                    continue
                if data.get("emergency") and fired_at:
                    got[token] = time.perf_counter() - fired_at[0]
                    return

    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=len(tokens) + 10)) as http:
        tasks = [asyncio.create_task(client(t, http)) for t in tokens]
        await asyncio.wait_for(ready.wait(), 120)
        fired_at.append(time.perf_counter())
        await asyncio.to_thread(fire)
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return list(got.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=500)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--sse", type=int, default=200)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-airing-"))
    env = {**os.environ, "BANGTIN_DATA_DIR": str(data), "BANGTIN_SECRET_KEY": SECRET}
    settings = Settings(data_dir=data, secret_key=SECRET)
    rt = runtime_module.build(settings)
    migrate.upgrade(rt.db.engine)
    t0 = time.perf_counter()
    tokens = seed(rt, args.boards, args.items)
    print(f"seeded {len(tokens)} boards, {args.items} items in {time.perf_counter() - t0:.1f} s", flush=True)
    today = settings.today()
    t0 = time.perf_counter()
    with rt.db.unit_of_work() as session:
        report = plans.build_plans(session, days=[today, today + timedelta(days=1)], settings=settings)
    build_s = time.perf_counter() - t0
    with rt.db.unit_of_work() as session:
        plans.build_plans(session, days=[today + timedelta(days=2)], settings=settings)
    results = {
        "boards": len(tokens),
        "items": args.items,
        "plans_built": report["built"],
        "plan_build_s": round(build_s, 2),
    }
    print(results, flush=True)

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "bangtin.webapp:create_app", "--factory",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        codes = list(tokens)
        etags, given = {}, {}
        for code in codes:
            r = httpx.get(
                url + "/api/player/v1/manifest", headers={"Authorization": f"Bearer {tokens[code]}"}, timeout=60
            )
            etags[code] = r.headers["etag"]
            slots = [s[0] for d in r.json()["days"][:1] for w in d["windows"] for s in w["slots"]]
            given[code] = slots or [None]
        polls = [{"path": "/api/player/v1/manifest",
                  "headers": {"Authorization": f"Bearer {tokens[c]}", "If-None-Match": etags[c]}} for c in codes * 4]
        elapsed, lat, status = asyncio.run(hammer(url, polls))
        results["manifest_304_rps"] = round(len(polls) / elapsed)
        results["manifest_304_p95_ms"] = round(p95(lat) * 1000, 1)
        results["manifest_status"] = status
        elapsed, lat, status = asyncio.run(hammer(url, [{"path": "/healthz"}] * len(polls)))
        results["healthz_rps"] = round(len(polls) / elapsed)
        results["healthz_p95_ms"] = round(p95(lat) * 1000, 1)
        print(results, flush=True)

        now = datetime.now(UTC)
        batches = []
        for n, code in enumerate(codes):
            plays = [{"uid": f"b{n}-p{k}-bench", "item": given[code][k % len(given[code])],
                      "started_at": (now - timedelta(minutes=60 - k)).isoformat(),
                      "ended_at": (now - timedelta(minutes=60 - k, seconds=-30)).isoformat()} for k in range(50)]
            batches.append({"method": "POST", "path": "/api/player/v1/plays", "json": {"plays": plays},
                            "headers": {"Authorization": f"Bearer {tokens[code]}"}})
        elapsed, lat, status = asyncio.run(hammer(url, batches, concurrency=16))
        results["plays_per_s"] = round(len(batches) * 50 / elapsed)
        results["plays_batch_p95_ms"] = round(p95(lat) * 1000, 1)
        results["plays_status"] = status
        print(results, flush=True)

        def fire() -> None:
            from sqlmodel import select
            with rt.db.unit_of_work() as session:
                officer = session.exec(select(Officer).where(Officer.username == "bench-admin")).one()
                emergencies.start_emergency(session, officer=officer, actor=audit.SYSTEM, on=today, cluster_ids=[],
                                            all_clusters=True, content_item_id=None, text="Bench", ends_at=None)

        delays = asyncio.run(sse_clients(url, [tokens[c] for c in codes[: args.sse]], fire))
        results["sse_clients"] = len(delays)
        results["emergency_p95_s"] = round(p95(delays), 2)
        results["emergency_max_s"] = round(max(delays), 2)
    finally:
        server.terminate()
        server.wait(10)
        rt.close()
    finish(results, {"emergency_on_every_screen_p95_under_5_s": results["emergency_p95_s"] < 5,
                     "every_play_batch_stored": results["plays_status"] == {200: len(batches)}})


if __name__ == "__main__":
    main()
