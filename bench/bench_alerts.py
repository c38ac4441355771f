"""Alerts benchmark on the embedded default (SQLite + a real uvicorn process on loopback).

    .venv/bin/python bench/bench_alerts.py [--communes 20] [--boards-per-commune 10] [--rounds 5]

Figure: from a CAP message's arrival (the start of its POST to /api/v1/alerts) to the emergency shown on
every connected player (200 SSE clients by default), p95 and max over all clients of all rounds, beside
the manual start (`emergencies.start_emergency` in-process, as bench_airing measures it) on the same
server and clients. Target: alert p95 under 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import select

from bench.common import finish, p95
from core import migrate
from core import runtime as runtime_module
from core.accounts import tokens
from core.airing import boards, emergencies
from core.airing.models import Board, Cluster
from core.alerts import policy
from core.org.models import Officer, Unit, UnitDuty
from core.records import audit
from core.settings import Settings

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
SENDER = "bench@kttv.example.vn"
TARGET_P95_S = 5.0


def seed(rt, communes: int, per: int) -> tuple[list[str], str, list[str]]:
    """`communes` communes each with a public cluster of `per` boards; an administrator with an alert-source token."""
    names = []
    with rt.db.unit_of_work() as session:
        province = Unit(code="BENCH-TINH", name="Ủy ban nhân dân tỉnh Thử", kind="province")
        session.add(province)
        session.flush()
        session.add(UnitDuty(unit_id=province.id, duty="provincial_editor"))
        admin = Officer(unit_id=province.id, full_name="Quản trị", role="administrator", username="bench-admin")
        session.add(admin)
        for c in range(communes):
            name = f"Xã Thử Nghiệm {c:02d}"
            unit = Unit(
                code=f"X-BENCH{c:02d}", name=f"Ủy ban nhân dân xã Thử Nghiệm {c:02d}", short_name=name, kind="commune"
            )
            session.add(unit)
            session.flush()
            cluster = Cluster(
                code=f"C{c:02d}",
                name=f"Bảng tin {name}",
                kind="public",
                operator_unit_id=unit.id,
                commune_unit_id=unit.id,
            )
            session.add(cluster)
            session.flush()
            for b in range(per):
                session.add(Board(code=f"C{c:02d}-{b:02d}", name=f"Bảng {c}-{b}", cluster_id=cluster.id))
            names.append(name)
        session.flush()
        _, source = tokens.create(session, officer=admin, name="bench", days=1, actor=audit.SYSTEM, alert_source=True)
        policy.set_policy(session, sender=SENDER, severities=["Extreme", "Severe"], actor=audit.SYSTEM)
    board_tokens = []
    with rt.db.unit_of_work() as session:
        for board in session.exec(select(Board).order_by(Board.code)).all():
            board_tokens.append(boards.issue_board_token(session, board_ref=board.code, actor=audit.SYSTEM))
    return names, source, board_tokens


def cap(identifier: str, areas: list[str], *, msg_type: str = "Alert", references: str = "") -> bytes:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    refs = f"<references>{SENDER},{references},{stamp}</references>" if references else ""
    area_xml = "".join(f"<area><areaDesc>{a}</areaDesc></area>" for a in areas)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>{identifier}</identifier><sender>{SENDER}</sender>
<sent>{stamp}</sent><status>Actual</status><msgType>{msg_type}</msgType><scope>Public</scope>{refs}
<info><language>vi-VN</language><category>Met</category><event>Lũ quét</event><urgency>Immediate</urgency>
<severity>Severe</severity><certainty>Likely</certainty>
<expires>{(now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S+00:00")}</expires>
<headline>Cảnh báo lũ quét {identifier}</headline><description>Tránh xa suối.</description>
{area_xml}</info></alert>""".encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def round_trip(url: str, tokens_: list[str], fire) -> tuple[list[float], float]:
    """Connect every client, call `fire` (sync, in a thread), and time each client's first emergency event;
    also returns the clock when `fire` was called."""
    ready, got = asyncio.Event(), {}
    connected = 0
    fired_at: list[float] = []

    async def client(token: str, http: httpx.AsyncClient):
        nonlocal connected
        async with http.stream("GET", url + "/api/player/v1/events", headers={"Authorization": f"Bearer {token}"}) as r:
            first = True
            async for line in r.aiter_lines():
                if not line.startswith("data:"):
                    continue
                data = json.loads(line[5:])
                if first:
                    first = False
                    connected += 1
                    if connected == len(tokens_):
                        ready.set()
                    continue
                if data.get("emergency") and fired_at:
                    got[token] = time.perf_counter() - fired_at[0]
                    return

    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=len(tokens_) + 10)) as http:
        tasks = [asyncio.create_task(client(t, http)) for t in tokens_]
        await asyncio.wait_for(ready.wait(), 120)
        fired_at.append(time.perf_counter())
        await asyncio.to_thread(fire)
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return list(got.values()), fired_at[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=20)
    parser.add_argument("--boards-per-commune", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    env = {**os.environ, "BANGTIN_DATA_DIR": str(data), "BANGTIN_SECRET_KEY": SECRET}
    settings = Settings(data_dir=data, secret_key=SECRET)
    rt = runtime_module.build(settings)
    migrate.upgrade(rt.db.engine)
    names, source, board_tokens = seed(rt, args.communes, args.boards_per_commune)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bangtin.webapp:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    results: dict = {"sse_clients": len(board_tokens), "communes_named": len(names), "rounds": args.rounds}
    alert_delays: list[float] = []
    manual_delays: list[float] = []
    post_s: list[float] = []
    after_answer: list[float] = []
    try:
        for _ in range(100):
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        today = settings.today()
        for n in range(args.rounds):
            identifier = f"BENCH-{n}"
            answered: list[float] = []

            def send_alert(identifier: str = identifier, answered: list[float] = answered) -> None:
                t0 = time.perf_counter()
                answer = httpx.post(
                    url + "/api/v1/alerts",
                    content=cap(identifier, names),
                    timeout=60,
                    headers={"Authorization": f"Bearer {source}", "Content-Type": "application/cap+xml"},
                )
                post_s.append(time.perf_counter() - t0)
                answered.append(time.perf_counter())
                assert answer.status_code == 201 and answer.json()["outcome"] == "emergency", answer.text

            delays, fired = asyncio.run(round_trip(url, board_tokens, send_alert))
            alert_delays += delays
            # the same delays counted from the moment the POST was answered (the emergency committed)
            after_answer += [d - (answered[0] - fired) for d in delays]
            cancel = httpx.post(
                url + "/api/v1/alerts",
                content=cap(f"{identifier}-c", names, msg_type="Cancel", references=identifier),
                timeout=60,
                headers={"Authorization": f"Bearer {source}", "Content-Type": "application/cap+xml"},
            )
            assert cancel.json()["outcome"] == "cancelled", cancel.text

            def start_by_hand() -> None:
                with rt.db.unit_of_work() as session:
                    officer = session.exec(select(Officer).where(Officer.username == "bench-admin")).one()
                    emergencies.start_emergency(
                        session,
                        officer=officer,
                        actor=audit.SYSTEM,
                        on=today,
                        cluster_ids=[],
                        all_clusters=True,
                        content_item_id=None,
                        text="Bench",
                        ends_at=None,
                    )

            manual_delays += asyncio.run(round_trip(url, board_tokens, start_by_hand))[0]
            with rt.db.unit_of_work() as session:
                officer = session.exec(select(Officer).where(Officer.username == "bench-admin")).one()
                for emergency, _ in emergencies.active_all(session, now=datetime.now(UTC)):
                    emergencies.stop_emergency(
                        session, emergency_id=emergency.id or 0, officer=officer, actor=audit.SYSTEM, on=today
                    )
            time.sleep(1.0)  # let the watcher see the stop before the next round connects
    finally:
        server.terminate()
        server.wait(10)
        rt.close()
    results["alert_samples"] = len(alert_delays)
    results["alert_to_screen_p95_s"] = round(p95(alert_delays), 2)
    results["alert_to_screen_max_s"] = round(max(alert_delays), 2)
    results["alert_post_median_s"] = round(statistics.median(post_s), 3)
    results["alert_answered_to_screen_p95_s"] = round(p95(after_answer), 2)
    results["manual_start_p95_s"] = round(p95(manual_delays), 2)
    results["manual_start_max_s"] = round(max(manual_delays), 2)
    finish(results, {"alert_on_every_screen_p95_under_5_s": results["alert_to_screen_p95_s"] < TARGET_P95_S})


if __name__ == "__main__":
    main()
