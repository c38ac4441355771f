"""Benchmark of notifications and reminders (issue 7). Run: `.venv/bin/python bench/bench_notify.py`.

(a) fan-out: 1,000 notifications to 1,000 Telegram chats through the fake Bot API server with
    Telegram's limits enforced (30 messages in any second overall, 1 per second per chat), two
    delivery workers sharing the pacing state in the database; wall time from the first to the
    last message vs the floor the limit imposes (1,000 / 30 s). Target: ≤ 1.2× the floor, no 429.
(b) reminders: one `run_reminders` evaluation for 500 units × 4 rules (2,000 obligations per period,
    two registered officers per unit) at a moment when a reminder of every rule is due, then a
    second run at the same moment (idempotent: nothing new).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from sqlmodel import select  # noqa: E402

from bench.common import finish  # noqa: E402
from core import migrate, runtime  # noqa: E402
from core.notify.models import DeadlineRule, Notification  # noqa: E402
from core.notify.outbox import notify  # noqa: E402
from core.notify.tasks import run_reminders  # noqa: E402
from core.org.models import ChannelAccount, Officer, Unit  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.notify.conftest import deliver  # noqa: E402
from tests.notify.limited_telegram import LimitedTelegram  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _runtime(folder: Path, **extra: object) -> runtime.Runtime:
    rt = runtime.build(Settings(data_dir=folder, queue_url="memory://", secret_key="b" * 40,
                                quiet_hours_start="00:00", quiet_hours_end="00:00", **extra))  # type: ignore[arg-type]
    migrate.upgrade(rt.db.engine)
    return rt


def _units(rt: runtime.Runtime, n: int, per_unit: int, kind: str = "commune") -> list[int]:
    officers: list[int] = []
    with rt.db.unit_of_work() as s:
        for i in range(n):
            unit = Unit(code=f"B{i:04d}", name=f"Xã {i}", kind=kind)
            s.add(unit)
            s.flush()
            people = [Officer(unit_id=unit.id, full_name=f"Cán bộ {i}.{j}") for j in range(per_unit)]  # type: ignore[arg-type]
            s.add_all(people)
            s.flush()
            for p in people:
                s.add(ChannelAccount(officer_id=p.id, channel="telegram", external_id=str(100_000 + p.id)))  # type: ignore[arg-type]
                officers.append(p.id)  # type: ignore[arg-type]
    return officers


async def fan_out(folder: Path, n: int, workers: int) -> dict[str, object]:
    tg = LimitedTelegram("123:ABC", per_second=30, chat_gap=1.0)
    await tg.start()
    rt = _runtime(folder, telegram_token="123:ABC", telegram_api_base=tg.url)
    officers = _units(rt, n, 1)
    with rt.db.unit_of_work() as s:
        for i, officer in enumerate(officers):
            notify(s, officer_id=officer, event="review.rejected", object_type="submission", object_id=i,
                   payload={"code": f"BT-{i:05d}", "reason": "thiếu phụ đề"})
    threads = [threading.Thread(target=lambda: asyncio.run(deliver(rt, concurrency=6))) for _ in range(workers)]
    began = time.monotonic()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        await asyncio.sleep(0.1)
    total = time.monotonic() - began
    stamps = [t for t, _ in tg.accepted_at]
    span = stamps[-1] - stamps[0] if stamps else 0.0
    with rt.db.reading() as s:
        sent = len(s.exec(select(Notification).where(Notification.state == "sent")).all())
    await tg.stop()
    rt.close()
    floor = n / 30
    return {"messages": n, "delivered": len(tg.delivered()), "sent_rows": sent, "too_many_requests": len(tg.too_many),
            "first_to_last_s": round(span, 2), "wall_s": round(total, 2), "floor_s": round(floor, 2),
            "ratio_first_to_last": round(span / floor, 3), "ratio_wall": round(total / floor, 3)}


def reminders_eval(folder: Path, units: int) -> dict[str, object]:
    rt = _runtime(folder)
    _units(rt, units, 2)
    with rt.db.unit_of_work() as s:
        for code, recurrence, day, month, cutoff in (
            ("M", "monthly", 20, None, None),
            ("Q", "quarterly", 20, None, None),
            ("Y1", "yearly", 15, 12, 15),
            ("Y2", "yearly", 20, 12, 15),
        ):
            s.add(DeadlineRule(code=code, name=code, recurrence=recurrence, due_day=day, due_month=month,
                               due_exclusive=month is not None, period_cutoff_day=cutoff, applies_to_kinds=["commune"],
                               fulfilment="report", reminder_offsets=[-7, -3, -1, 0, 1, 3, 10]))
    moment = datetime(2026, 12, 21, 8, 0, tzinfo=TZ)  # monthly/quarterly +1, yearly +7/+2: all due
    began = time.monotonic()
    first = run_reminders(rt, now=moment)
    first_s = time.monotonic() - began
    began = time.monotonic()
    second = run_reminders(rt, now=moment)
    second_s = time.monotonic() - began
    rt.close()
    return {"units": units, "rules": 4, "first_run_s": round(first_s, 2), "second_run_s": round(second_s, 2),
            "first": {k: v for k, v in first.items() if k not in {"run_id", "now"}},
            "second": {k: v for k, v in second.items() if k not in {"run_id", "now"}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--units", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        results = {"fan_out": asyncio.run(fan_out(Path(a), args.messages, args.workers)),
                   "reminders": reminders_eval(Path(b), args.units)}
    fan = results["fan_out"]
    finish(results, {"fan_out_within_1_2x_the_rate_floor": fan["ratio_first_to_last"] <= 1.2,
                     "every_message_delivered_once": fan["delivered"] == fan["messages"] == fan["sent_rows"],
                     "no_429": fan["too_many_requests"] == 0})


if __name__ == "__main__":
    main()
