"""Delivery through the fake Bot API with Telegram's limits enforced: complete, paced, once, in order."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from core.notify import delivery
from core.notify.models import Notification
from core.notify.outbox import notify
from core.org.models import ChannelAccount
from tests.notify.conftest import add_people, deliver

FAST = delivery.Limits(backoff_base=0.2, backoff_cap=0.5)


def _queue(rt, pairs, *, event="review.rejected", urgent=False, start=0) -> None:
    with rt.db.unit_of_work() as s:
        for i, (officer, _) in enumerate(pairs):
            notify(s, officer_id=officer, event=event, object_type="submission", object_id=start + i,
                   payload={"code": f"BT-{start + i:05d}", "reason": "thiếu phụ đề"}, urgent=urgent)


def _states(rt) -> Counter:
    with rt.db.reading() as s:
        return Counter(n.state for n in s.exec(select(Notification)).all())


def _codes(calls) -> list[str]:
    return [c["text"].split()[0] for c in calls]


@pytest.mark.slow
async def test_1000_officers_and_50_to_one_arrive_complete_paced_and_once_with_two_workers(nrt, tg) -> None:
    people = add_people(nrt, 1000, first_chat=100_000)
    [(busy, busy_chat)] = add_people(nrt, 1, first_chat=900_000)
    _queue(nrt, people)
    _queue(nrt, [(busy, busy_chat)] * 50, event="review.changes_requested", start=5000)

    def worker() -> None:  # two worker processes' worth: separate event loops and DB sessions, shared pacing
        asyncio.run(deliver(nrt, concurrency=6))

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        await asyncio.sleep(0.2)
    elapsed = time.monotonic() - began

    delivered = tg.delivered()
    assert _states(nrt) == {"sent": 1050}
    assert tg.too_many == []  # no 429 at all: pacing held across both workers
    per_chat = Counter(int(c["chat_id"]) for c in delivered)
    assert len(delivered) == 1050 and set(per_chat.values()) == {1, 50} and per_chat[busy_chat] == 50
    assert _codes(tg.sent(busy_chat)) == [f"BT-{5000 + i:05d}" for i in range(50)]  # in order
    # Paced, not fast: 1,050 messages at 30/s cannot take less than the rate floor (a loaded machine can
    # only make it slower, so this bound never flakes). How close to the floor it gets is bench_notify's job.
    assert elapsed >= (1050 - 30) / 30


async def test_429_waits_retry_after_for_that_chat_then_delivers_once(nrt, tg) -> None:
    people = add_people(nrt, 2, first_chat=200)
    _queue(nrt, people)
    tg.faults.retry_after["sendMessage"] = 1  # the first call is refused with retry_after=1
    stats = await deliver(nrt)
    assert stats.counts["result.retry_after"] == 1
    assert _states(nrt) == {"sent": 2}
    assert sorted(int(c["chat_id"]) for c in tg.delivered()) == [200, 201]
    refused = next(c for c in tg.calls if c.get("rejected") == 429)
    retried = [t for t, chat in tg.accepted_at if chat == int(refused["chat_id"])]
    assert len(retried) == 1


async def test_403_marks_the_chat_unreachable_and_later_messages_undeliverable(nrt, tg) -> None:
    [(blocked, chat), (fine, fine_chat)] = add_people(nrt, 2, first_chat=300)
    tg.blocked.add(chat)
    _queue(nrt, [(blocked, chat), (fine, fine_chat)])
    await deliver(nrt)
    with nrt.db.reading() as s:
        account = s.exec(select(ChannelAccount).where(ChannelAccount.external_id == str(chat))).one()
        rows = {n.officer_id: n for n in s.exec(select(Notification)).all()}
    assert account.is_active is False and account.unreachable_since is not None
    assert rows[blocked].state == "undeliverable" and "403" in (rows[blocked].error or "")
    assert rows[fine].state == "sent"
    _queue(nrt, [(blocked, chat)], event="play.first", start=50)
    await deliver(nrt)
    with nrt.db.reading() as s:
        later = s.exec(select(Notification).where(Notification.event == "play.first")).one()
    assert later.state == "undeliverable" and "no channel could carry it" in (later.error or "")
    assert len([c for c in tg.calls if int(c.get("chat_id", 0)) == chat]) == 1  # asked Telegram once only


async def test_officer_without_a_channel_is_kept_as_undeliverable(nrt, tg) -> None:
    [(nobody, _)] = add_people(nrt, 1, first_chat=400, channel=False)
    _queue(nrt, [(nobody, 0)])
    await deliver(nrt)
    assert _states(nrt) == {"undeliverable": 1}
    assert tg.delivered() == []


async def test_telegram_down_then_back_delivers_everything_later_in_order_once(nrt, tg) -> None:
    people = add_people(nrt, 3, first_chat=600)
    for round_ in range(4):
        _queue(nrt, people, start=round_ * 10)
    tg.down = True
    stats = await deliver(nrt, limits=FAST, max_seconds=2.0)
    assert stats.counts["result.network"] >= 2
    assert _states(nrt) == {"queued": 12}
    with nrt.db.reading() as s:
        assert all("network" in (n.error or "") for n in s.exec(select(Notification)).all() if n.attempts)
    tg.down = False
    await asyncio.sleep(0.6)  # the shared back-off (capped at 0.5 s here) runs out
    await deliver(nrt, limits=FAST)
    assert _states(nrt) == {"sent": 12}
    per_chat = defaultdict(list)
    for call in tg.delivered():
        per_chat[int(call["chat_id"])].append(call["text"].split()[0])
    for i, (_, chat) in enumerate(people):
        assert per_chat[chat] == [f"BT-{r * 10 + i:05d}" for r in range(4)]  # in order, nothing twice


async def test_quiet_hours_hold_ordinary_messages_and_let_emergencies_through(make_runtime, tg) -> None:
    rt = make_runtime(telegram_token="123:ABC", telegram_api_base=tg.url)  # default quiet hours 21:00–06:30
    [(officer, chat)] = add_people(rt, 1, first_chat=700)
    night = datetime(2026, 11, 28, 16, 0, tzinfo=UTC).timestamp()  # 23:00 in Lai Châu
    offset = night - time.time()
    _queue(rt, [(officer, chat)], event="review.rejected")
    _queue(rt, [(officer, chat)], event="emergency.started", urgent=True, start=1)
    with rt.db.unit_of_work() as s:
        urgent = s.exec(select(Notification).where(Notification.urgent)).one()
        urgent.payload = {"title": "Sạt lở đất", "clusters": ["Ma Lù Thàng"], "at": "2026-11-28T16:00:00+00:00"}
        s.add(urgent)
    await deliver(rt, clock=lambda: time.time() + offset)
    assert [c["text"][:9] for c in tg.delivered()] == ["EMERGENCY"] or "KHẨN" in tg.delivered()[0]["text"].upper()
    with rt.db.reading() as s:
        held = s.exec(select(Notification).where(Notification.event == "review.rejected")).one()
    assert held.state == "queued"
    morning = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # 06:30 local
    assert held.not_before == morning


async def test_a_worker_that_died_mid_send_gives_the_row_back_after_its_lease(nrt, tg) -> None:
    [(officer, chat)] = add_people(nrt, 1, first_chat=800)
    _queue(nrt, [(officer, chat)])
    claimed, _ = delivery.claim_batch(nrt.db, now=time.time(), limit=5, channels={"telegram"},
                                      quiet=(nrt.settings.quiet_hours_start, nrt.settings.quiet_hours_end),
                                      tz=nrt.settings.tz, limits=delivery.Limits(lease_seconds=0.1))
    assert len(claimed) == 1 and _states(nrt) == {"sending": 1}
    assert delivery.sweep(nrt.db, now=time.time())["released"] == 0
    assert delivery.sweep(nrt.db, now=time.time() + 1)["released"] == 1
    await deliver(nrt)
    assert _states(nrt) == {"sent": 1} and len(tg.delivered()) == 1


async def test_a_second_pass_finds_nothing_to_send(nrt, tg) -> None:
    _queue(nrt, add_people(nrt, 3, first_chat=850))
    await deliver(nrt)
    stats = await deliver(nrt)
    assert stats.counts["sent"] == 0 and len(tg.delivered()) == 3


def test_without_a_bot_the_web_lane_still_runs_and_names_why_nothing_could_carry_it(make_runtime) -> None:
    from bot.notify.tasks import deliver as deliver_task
    from bot.notify.tasks import tick

    rt = make_runtime()  # the demo without BANGTIN_TELEGRAM_TOKEN: the web inbox is still a channel
    tick()
    assert rt.queue.pending() == 1
    [(officer_id, _)] = add_people(rt, 1, first_chat=900, channel=False)
    _queue(rt, [(officer_id, 0)], event="review.approved")
    deliver_task()
    with rt.db.reading() as s:
        row = s.exec(select(Notification).where(Notification.officer_id == officer_id)).one()
    assert row.state == "undeliverable" and row.channel is None
    assert "telegram: not configured" in (row.error or "") and "web: no login and no e-mail" in (row.error or "")
