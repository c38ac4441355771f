"""Benchmark of the Zalo channel (issue 12). Run: `.venv/bin/python bench/bench_zalo.py`.

(a) webhook: 50 officers' signed OA events (25 written notices, 25 photos fetched from the fake's
    attachment URLs) posted at once to `POST /webhooks/zalo` of the whole web app served by uvicorn
    on a loopback port, on SQLite and on PostgreSQL; the acknowledgement time of each (p50/p95/max
    by `statistics.quantiles`), then the same 50 events again (Zalo's retries). Target: p95 well
    under 2 s (we require < 1 s), and every event processed exactly once: 50 claims, 50 drafts,
    the same replies after the redelivery as before it.
(b) the Zalo lane: 1,000 notifications to 1,000 officers inside their window, through the fake OA
    `cs` endpoint that answers -32 (quota) above the lane's rate; wall time vs the floor the rate
    imposes (1,000 / rate). Target: ≤ 1.2× the floor, every row sent once, no quota error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlmodel import func, select

from bot.notify.render import render
from bot.notify.tasks import build_senders, limits_of
from bot.web.routes import router as bot_router
from bot.zalo.signature import sign
from core import migrate, runtime
from core.intake.models import InboundUpdate, ProcessedUpdate, Submission
from core.notify import delivery
from core.notify.models import Notification, ZaloContact
from core.notify.outbox import notify_many
from core.org.models import ChannelAccount, Officer, Unit
from core.settings import Settings
from core.types import utcnow
from tests.bot.zalo.fake_zalo import FakeZalo, dumps

APP_ID, OA_SECRET = "4242424242", "bench-oa-secret"
PG_ADMIN = os.environ.get("BANGTIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Threaded:
    """Something with an event loop of its own (the fake Zalo, the uvicorn server) in a thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def _settings(folder: Path, fake_url: str, database_url: str | None, **extra: Any) -> Settings:
    return Settings(data_dir=folder, queue_url="memory://", secret_key="b" * 40, database_url=database_url,
                    quiet_hours_start="00:00", quiet_hours_end="00:00", zalo_app_id=APP_ID, zalo_secret_key="s",
                    zalo_oa_secret_key=OA_SECRET, zalo_oa_access_token="AT-0", zalo_oa_refresh_token="RT-0",
                    zalo_api_base=fake_url, zalo_oauth_base=fake_url, zalo_zns_base=fake_url, **extra)  # type: ignore[arg-type]


def _officers(rt: runtime.Runtime, n: int, *, window: bool) -> list[tuple[int, str]]:
    """`n` officers of one commune, each bound to a Zalo user (inside the free window if `window`)."""
    made = []
    with rt.db.unit_of_work() as s:
        unit = Unit(code=f"B{uuid.uuid4().hex[:6]}", name="Xã thử", kind="commune")
        s.add(unit)
        s.flush()
        people = [Officer(unit_id=unit.id, full_name=f"Cán bộ {i}") for i in range(n)]  # type: ignore[arg-type]
        s.add_all(people)
        s.flush()
        for p in people:
            user = f"zu{p.id}"
            s.add(ChannelAccount(officer_id=p.id, channel="zalo", external_id=user))  # type: ignore[arg-type]
            if window:
                s.add(ZaloContact(user_id=user, last_inbound_at=utcnow()))
            made.append((p.id, user))  # type: ignore[arg-type]
    return made


def _event(i: int, user: str, fake: FakeZalo, photo: bytes) -> dict[str, Any]:
    stamp = str(int(time.time() * 1000))
    message: dict[str, Any] = {"msg_id": f"bench-{uuid.uuid4().hex}"}
    name = "user_send_text"
    if i % 2:
        name = "user_send_image"
        message["attachments"] = [{"type": "image", "payload": {"url": fake.add_file(photo)}}]
    else:
        message["text"] = f"Thông báo số {i}: lịch họp dân toàn thôn vào sáng thứ Hai tuần sau"
    return {"app_id": APP_ID, "event_name": name, "timestamp": stamp, "sender": {"id": user},
            "recipient": {"id": "oa"}, "message": message}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _quantiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_s": round(cuts[49], 4), "p95_s": round(cuts[94], 4), "max_s": round(max(values), 4)}


async def _post_all(url: str, bodies: list[bytes], stamps: list[str]) -> tuple[list[float], Counter[int]]:
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=len(bodies))) as client:
        async def one(body: bytes, stamp: str) -> tuple[float, int]:
            signature = "mac=" + sign(app_id=APP_ID, body=body, timestamp=stamp, oa_secret=OA_SECRET)
            began = time.perf_counter()
            r = await client.post(url, content=body, headers={"X-ZEvent-Signature": signature,
                                                               "Content-Type": "application/json"})
            return time.perf_counter() - began, r.status_code

        results = await asyncio.gather(*(one(b, s) for b, s in zip(bodies, stamps, strict=True)))
    return [t for t, _ in results], Counter(code for _, code in results)


def _wait_handled(rt: runtime.Runtime, timeout: float = 180) -> float:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        with rt.db.reading() as s:
            left = s.exec(select(func.count()).select_from(InboundUpdate).where(
                InboundUpdate.channel == "zalo", InboundUpdate.handled_at.is_(None))).one()  # type: ignore[union-attr]
        if not left:
            return time.monotonic() - began
        time.sleep(0.1)
    raise TimeoutError("events still pending")


def webhook(folder: Path, backend: str, events: int) -> dict[str, Any]:
    fake_side, web_side = Threaded(), Threaded()
    fake = FakeZalo()
    fake_side.run(fake.start())
    schema = None
    database_url = None
    admin = None
    if backend == "postgresql":
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{PG_ADMIN}?options=-csearch_path%3D{schema}"
    rt = runtime.build(_settings(folder, fake.url, database_url))
    try:
        migrate.upgrade(rt.db.engine)
        people = _officers(rt, events, window=False)
        photo = b"\xff\xd8\xff\xe0" + os.urandom(200_000)  # a 200 KB phone photo
        payloads = [_event(i, user, fake, photo) for i, (_, user) in enumerate(people)]
        bodies, stamps = [dumps(p) for p in payloads], [p["timestamp"] for p in payloads]
        port = _free_port()
        app = FastAPI()  # the intake routes as `bangtin web` mounts them (the admin pages play no part here)
        app.include_router(bot_router)
        app.state.runtime = rt
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        serving = asyncio.run_coroutine_threadsafe(server.serve(), web_side.loop)
        while not server.started:
            time.sleep(0.02)
        url = f"http://127.0.0.1:{port}/webhooks/zalo"
        acks, codes = asyncio.run(_post_all(url, bodies, stamps))
        processed_s = _wait_handled(rt)
        replies_first = Counter(m["recipient"]["user_id"] for m in fake.cs)
        again, again_codes = asyncio.run(_post_all(url, bodies, stamps))  # Zalo retries every event
        _wait_handled(rt)
        time.sleep(0.5)
        replies_again = Counter(m["recipient"]["user_id"] for m in fake.cs)
        with rt.db.reading() as s:
            claims = s.exec(
                select(func.count()).select_from(ProcessedUpdate).where(ProcessedUpdate.channel == "zalo")
            ).one()
            stored = s.exec(
                select(func.count()).select_from(InboundUpdate).where(InboundUpdate.channel == "zalo")
            ).one()
            drafts = s.exec(select(func.count()).select_from(Submission)).one()
        server.should_exit = True
        serving.result(15)
    finally:
        rt.close()
        fake_side.run(fake.stop())
        fake_side.stop()
        web_side.stop()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    exactly_once = (
        claims == events
        and stored == events
        and drafts == events
        and replies_first == replies_again
        and all(replies_first[u] >= 1 for _, u in people)
    )
    return {
        "backend": backend,
        "events": events,
        "status": dict(codes),
        "ack": _quantiles(acks),
        "all_processed_after_s": round(processed_s, 2),
        "redelivery_status": dict(again_codes),
        "redelivery_ack": _quantiles(again),
        "claims": claims,
        "stored_events": stored,
        "drafts": drafts,
        "replies": sum(replies_first.values()),
        "replies_after_redelivery": sum(replies_again.values()),
        "exactly_once": exactly_once,
    }


async def _lane(rt: runtime.Runtime, concurrency: int) -> delivery.PassStats:
    senders = build_senders(rt)
    try:
        return await delivery.deliver_pass(
            rt.db,
            senders=senders,
            render=lambda e, p, lang: render(e, p, lang, tz=rt.settings.tz),
            quiet=(dtime(0), dtime(0)),
            tz=rt.settings.tz,
            limits=limits_of(rt.settings),
            concurrency=concurrency,
            linger=1.0,
        )
    finally:
        for sender in {id(x): x for x in senders.values()}.values():
            await sender.close()


def zalo_lane(folder: Path, n: int, rate: float) -> dict[str, Any]:
    fake_side = Threaded()
    fake = FakeZalo(per_second=rate * 1.05)  # Zalo's quota just above the lane's rate: pacing must hold it
    fake_side.run(fake.start())
    rt = runtime.build(_settings(folder, fake.url, None, zalo_per_second=rate))
    try:
        migrate.upgrade(rt.db.engine)
        people = _officers(rt, n, window=True)
        with rt.db.unit_of_work() as s:
            for i, (officer, _) in enumerate(people):
                notify_many(
                    s,
                    officer_ids=[officer],
                    event="review.rejected",
                    object_type="submission",
                    object_id=i,
                    payload={"code": f"BT-{i:05d}", "reason": "thiếu phụ đề"},
                )
        began = time.monotonic()
        stats = asyncio.run(_lane(rt, concurrency=8))
        pass_s = time.monotonic() - began
        with rt.db.reading() as s:
            states = Counter(s.exec(select(Notification.state)).all())
            lanes = Counter(s.exec(select(Notification.channel)).all())
        per_user = Counter(m["recipient"]["user_id"] for m in fake.cs)
        stamps = fake.accepted_at
    finally:
        rt.close()
        fake_side.run(fake.stop())
        fake_side.stop()
    floor = n / rate
    span = stamps[-1] - stamps[0] if stamps else 0.0
    wall = stamps[-1] - began if stamps else pass_s  # from the pass's start to the last message Zalo accepted
    return {
        "messages": n,
        "rate_per_s": rate,
        "floor_s": round(floor, 2),
        "wall_s": round(wall, 2),
        "pass_s_with_linger": round(pass_s, 2),
        "first_to_last_s": round(span, 2),
        "ratio_wall": round(wall / floor, 3),
        "ratio_first_to_last": round(span / floor, 3),
        "states": dict(states),
        "lanes": dict(lanes),
        "delivered": len(fake.cs),
        "users_with_two": sum(1 for c in per_user.values() if c > 1),
        "quota_errors": fake.over_quota,
        "pass": stats.as_dict(),
    }


def main() -> None:
    import faulthandler
    import signal

    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints where a slow run is
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-lane", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"webhook": []}
    backends = ["sqlite"] + ([] if args.skip_postgres else ["postgresql"])
    for backend in backends:
        print(f"webhook on {backend} …", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as folder:
            results["webhook"].append(webhook(Path(folder), backend, args.events))
    if not args.skip_lane:
        print("the Zalo lane …", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory() as folder:
            results["zalo_lane"] = zalo_lane(Path(folder), args.messages, args.rate)
    ok = all(
        w["ack"]["p95_s"] < 1.0 and w["exactly_once"] and w["status"] == {200: args.events} for w in results["webhook"]
    )
    lane = results.get("zalo_lane")
    ok = ok and (
        lane is None
        or (
            lane["ratio_wall"] <= 1.2
            and lane["states"] == {"sent": args.messages}
            and not lane["users_with_two"]
            and not lane["quota_errors"]
        )
    )
    results["ok"] = ok
    print(json.dumps(results, indent=2, ensure_ascii=False))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
