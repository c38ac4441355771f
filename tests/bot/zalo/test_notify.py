"""Every officer hears back: cs inside the Zalo window, ZNS by phone outside it, the web inbox and e-mail
for officers without chat; tokens refreshed once, even by two workers at the same moment."""

from __future__ import annotations

import asyncio
import functools
from datetime import time as dtime
from datetime import timedelta
from typing import Any

from sqlmodel import select

from bot.notify.render import render
from bot.notify.tasks import build_senders, limits_of
from bot.zalo.client import ZaloClient
from core.notify import delivery, zalo_state
from core.notify.models import Notification, ZaloContact, ZaloToken
from core.notify.outbox import notify
from core.org.models import Officer
from core.runtime import Runtime
from core.types import utcnow
from tests.bot.zalo.conftest import ZHarness
from tests.bot.zalo.fake_zalo import FakeZalo


async def deliver(rt: Runtime, *, linger: float = 0.3, **limits: Any) -> delivery.PassStats:
    """One delivery pass through every lane the settings configure (as the worker's task runs it)."""
    senders = build_senders(rt)
    base = limits_of(rt.settings)
    try:
        return await delivery.deliver_pass(
            rt.db, senders=senders, render=functools.partial(render, tz=rt.settings.tz),
            quiet=(dtime(0), dtime(0)), tz=rt.settings.tz, linger=linger, max_seconds=30,
            limits=delivery.Limits(**{"rates": base.rates, "window_hours": base.window_hours,
                                      "window_messages": base.window_messages, "chat_gap": 0.05, **limits}))
    finally:
        for sender in {id(s): s for s in senders.values()}.values():
            await sender.close()


def queue(rt: Runtime, officer_id: int, n: int = 1, event: str = "review.rejected") -> None:
    with rt.db.unit_of_work() as s:
        for i in range(n):
            notify(s, officer_id=officer_id, event=event, object_type="submission", object_id=100 + i,
                   payload={"code": f"LC-{100 + i}", "reason": "thiếu phụ đề"})


def rows(rt: Runtime, officer_id: int) -> list[Notification]:
    with rt.db.reading() as s:
        return list(s.exec(select(Notification).where(Notification.officer_id == officer_id)
                           .order_by(Notification.id)).all())


def age_window(rt: Runtime, user: str, *, hours: float = 0, used: int | None = None) -> None:
    with rt.db.unit_of_work() as s:
        contact = s.get(ZaloContact, user)
        contact.last_inbound_at = utcnow() - timedelta(hours=hours)
        if used is not None:
            contact.replies_used = used
        s.add(contact)


def template(rt: Runtime, event: str = "review.rejected") -> None:
    with rt.db.unit_of_work() as s:
        zalo_state.save_template(s, event=event, template_id="T-APPROVED", params={"ma_tin": "code"})


async def test_inside_the_window_a_notification_goes_as_a_consultation_message(zh: ZHarness) -> None:
    officer = await zh.onboard("u200")
    queue(zh.rt, officer)
    await deliver(zh.rt)
    [row] = rows(zh.rt, officer)
    assert row.state == "sent" and row.channel == "zalo"
    assert "LC-100" in zh.fake.texts("u200")[-1] and zh.fake.zns == []


async def test_after_48_hours_it_goes_by_zns_to_the_officers_phone(zh: ZHarness) -> None:
    officer = await zh.onboard("u201", phone="0912 345 678")
    age_window(zh.rt, "u201", hours=49)
    template(zh.rt)
    before = len(zh.fake.cs)
    queue(zh.rt, officer)
    await deliver(zh.rt)
    [row] = rows(zh.rt, officer)
    assert row.state == "sent" and row.channel == "zns"
    [sent] = zh.fake.zns
    assert sent["phone"] == "84912345678" and sent["template_id"] == "T-APPROVED"
    assert sent["template_data"] == {"ma_tin": "LC-100"} and sent["tracking_id"] == f"n{row.id}"
    assert len(zh.fake.cs) == before


async def test_after_the_8th_message_of_the_window_the_rest_go_by_zns(zh: ZHarness) -> None:
    officer = await zh.onboard("u202", phone="0987654321")  # the welcome and the help: 2 of the 8 used
    template(zh.rt)
    queue(zh.rt, officer, n=8)
    await deliver(zh.rt)
    channels = [r.channel for r in rows(zh.rt, officer)]
    assert channels == ["zalo"] * 6 + ["zns"] * 2
    assert len(zh.fake.texts("u202")) == 8 and len(zh.fake.zns) == 2
    with zh.rt.db.reading() as s:
        assert s.get(ZaloContact, "u202").replies_used == 8


async def test_outside_the_window_without_template_or_phone_it_falls_back_or_says_why(zh: ZHarness) -> None:
    no_phone = await zh.onboard("u203")
    age_window(zh.rt, "u203", hours=50)
    queue(zh.rt, no_phone)  # no template for this event, no phone, no web login: nobody can carry it
    await deliver(zh.rt)
    [row] = rows(zh.rt, no_phone)
    assert row.state == "undeliverable" and row.channel is None
    assert "zalo: outside the free window (48 h / 8 messages) and no ZNS template" in (row.error or "")
    with zh.rt.db.unit_of_work() as s:
        officer = s.get(Officer, no_phone)
        officer.username, officer.password_hash = "thang", "x"  # has a login: the web inbox can carry it
        s.add(officer)
    queue(zh.rt, no_phone, event="review.changes_requested")
    await deliver(zh.rt)
    assert rows(zh.rt, no_phone)[-1].channel == "web" and rows(zh.rt, no_phone)[-1].state == "sent"


async def test_an_expired_token_is_refreshed_once_and_the_message_retried(zh: ZHarness) -> None:
    officer = await zh.onboard("u204")
    zh.fake.expire_all_access_tokens()  # Zalo answers -216 with HTTP 200
    queue(zh.rt, officer)
    await deliver(zh.rt)
    assert rows(zh.rt, officer)[0].state == "sent"
    assert zh.fake.refreshes == ["RT-0"] and zh.fake.refused_refreshes == []
    with zh.rt.db.reading() as s:
        token = s.get(ZaloToken, 1)
    assert token.generation == 1 and token.refresh_token in zh.fake.refresh and token.access_expires_at is not None


async def test_two_workers_needing_a_refresh_at_once_refresh_once(zrt: Runtime, zfake: FakeZalo) -> None:
    with zrt.db.unit_of_work() as s:  # a stored pair about to expire
        s.add(ZaloToken(id=1, access_token="AT-0", refresh_token="RT-0",
                        access_expires_at=utcnow() + timedelta(minutes=1)))
    zfake.refresh_delay = 0.4  # both workers are waiting while the first refresh is in flight
    first, second = ZaloClient(zrt.settings, zrt.db), ZaloClient(zrt.settings, zrt.db)
    try:
        (a, _), (b, _) = await asyncio.gather(first.access_token(), second.access_token())
    finally:
        await first.close()
        await second.close()
    assert len(zfake.refreshes) == 1 and zfake.refused_refreshes == []  # the single-use token was spent once
    assert a == b and a in zfake.access


async def test_a_quota_error_pauses_the_zalo_lane_then_it_goes_on(zh: ZHarness) -> None:
    zh.rt.settings.zalo_quota_pause_s = 0.5
    officer = await zh.onboard("u205")
    zh.fake.errors = [-32]  # "exceeded the rate limit", as HTTP 200
    queue(zh.rt, officer)
    stats = await deliver(zh.rt, linger=1.0)
    assert stats.counts["retry"] == 1 and stats.counts["sent"] == 1
    assert rows(zh.rt, officer)[0].state == "sent"


async def test_an_error_answered_with_http_200_is_not_a_success(zh: ZHarness) -> None:
    officer = await zh.onboard("u206")
    zh.fake.errors = [-201]  # "invalid parameter": a refusal, not a delivery
    queue(zh.rt, officer)
    await deliver(zh.rt)
    [row] = rows(zh.rt, officer)
    assert row.state == "failed" and "error -201" in (row.error or "")
