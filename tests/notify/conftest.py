"""Fixtures of the notifications suite: a limited fake Bot API, officers with chats, delivery passes."""

from __future__ import annotations

import functools
import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.notify.render import render
from bot.notify.sender import TelegramSender
from core.notify import delivery
from core.org.models import ChannelAccount, Officer, Unit
from core.runtime import Runtime
from core.types import Role
from tests.admin.conftest import org, seeded_template, web  # noqa: F401  (admin web fixtures)
from tests.notify.limited_telegram import LimitedTelegram

TOKEN = "123:ABC"
_units = itertools.count(1)


@pytest.fixture
async def tg() -> AsyncIterator[LimitedTelegram]:
    server = LimitedTelegram(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def nrt(make_runtime: Callable[..., Runtime], tg: LimitedTelegram) -> Runtime:
    """A runtime on SQLite whose Telegram is the limited fake."""
    # No quiet hours here (the suite may run at night); test_quiet_hours sets its own.
    return make_runtime(
        telegram_token=TOKEN, telegram_api_base=tg.url, quiet_hours_start="00:00", quiet_hours_end="00:00"
    )


def add_people(rt: Runtime, n: int, *, first_chat: int, kind: str = "commune", role: str = Role.contributor.value,
               language: str = "vi", channel: bool = True, unit_code: str | None = None) -> list[tuple[int, int]]:
    """A unit with `n` officers, each bound to Telegram chat `first_chat + i`; returns (officer id, chat id)."""
    made: list[tuple[int, int]] = []
    with rt.db.unit_of_work() as s:
        unit = Unit(code=unit_code or f"U{next(_units):04d}", name=f"Đơn vị {first_chat}", kind=kind)
        s.add(unit)
        s.flush()
        officers = [Officer(unit_id=unit.id, full_name=f"Cán bộ {first_chat + i}", role=role, language=language)  # type: ignore[arg-type]
                    for i in range(n)]
        s.add_all(officers)
        s.flush()
        for i, officer in enumerate(officers):
            if channel:
                s.add(ChannelAccount(officer_id=officer.id, channel="telegram", external_id=str(first_chat + i)))  # type: ignore[arg-type]
            made.append((officer.id, first_chat + i))  # type: ignore[arg-type]
    return made


async def deliver(rt: Runtime, *, limits: delivery.Limits = delivery.Limits(), clock: Any = None,
                  **kwargs: Any) -> delivery.PassStats:
    """One delivery pass with a Telegram sender of the runtime's settings (as the worker task runs it)."""
    sender = TelegramSender.from_settings(rt.settings)
    extra = {"clock": clock} if clock else {}
    try:
        return await delivery.deliver_pass(
            rt.db, senders={"telegram": sender}, render=functools.partial(render, tz=rt.settings.tz),
            quiet=(rt.settings.quiet_hours_start, rt.settings.quiet_hours_end), tz=rt.settings.tz,
            limits=limits, **extra, **kwargs)
    finally:
        await sender.close()
