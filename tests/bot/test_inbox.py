"""Webhook durability: an update is in the inbox before Telegram gets its answer, and a crash between the
answer and the work is repaired by `bot.inbox_replay` without doing anything twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import update as sql_update
from sqlmodel import select

from bot import tasks
from core.intake import inbox
from core.intake.models import InboundUpdate, MediaAsset
from core.records.models import TaskRun
from core.types import utcnow
from tests.bot import updates as U
from tests.bot.conftest import Harness

ASKS_CATEGORY = "thuộc lĩnh vực nào"


def rows(h: Harness) -> list[InboundUpdate]:
    with h.rt.db.reading() as s:
        return list(s.exec(select(InboundUpdate).order_by(InboundUpdate.id)).all())  # type: ignore[arg-type]


def media_count(h: Harness) -> int:
    with h.rt.db.reading() as s:
        return len(s.exec(select(MediaAsset)).all())


def age_inbox(h: Harness, **values: Any) -> None:
    """Pretend the stored updates arrived two minutes ago (and set any other column given)."""
    with h.rt.db.unit_of_work() as s:
        s.execute(sql_update(InboundUpdate).values(received_at=utcnow() - timedelta(minutes=2), **values))


async def replay() -> dict[str, Any]:
    # The worker runs tasks in their own thread; the fake server keeps serving on this loop meanwhile.
    return await asyncio.to_thread(tasks.inbox_replay)


def crash_after_answer(h: Harness, update: dict[str, Any]) -> None:
    """What the route did before the process died: the update is stored, the background work never ran."""
    with h.rt.db.unit_of_work() as s:
        assert inbox.store(s, channel="telegram", key=f"123:{update['update_id']}", payload=update)


async def test_webhook_update_is_stored_before_the_work_and_marked_handled_after(h: Harness) -> None:
    if h.mode != "webhook":
        return
    await h.onboard(1201)
    seen_while_handling: list[tuple[str, bool]] = []

    async def look(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        with h.rt.db.reading() as s:
            row = s.exec(select(InboundUpdate).where(InboundUpdate.key == f"123:{event.update_id}")).one()
        seen_while_handling.append((row.key, row.handled_at is None))
        return await handler(event, data)

    h.tg.dispatcher.update.outer_middleware(look)
    update = U.text(h.fake, 1201, "/help")
    await h.send(update)
    assert seen_while_handling == [(f"123:{update['update_id']}", True)]
    stored = next(r for r in rows(h) if r.key == f"123:{update['update_id']}")
    assert stored.payload == update and stored.handled_at is not None and stored.attempts == 0
    assert all(r.handled_at is not None for r in rows(h))  # the onboarding's /start too


async def test_update_lost_in_a_crash_is_replayed_once(h: Harness) -> None:
    if h.mode != "webhook":
        return
    await h.onboard(1202)
    h.new_texts(1202)
    update = U.media(h.fake, 1202, "video", h.fake.add_file(b"lost clip" * 500))
    crash_after_answer(h, update)
    assert (await replay())["replayed"] == 0  # too fresh: the web process may still be working on it
    assert media_count(h) == 0
    age_inbox(h)
    assert await replay() == {"replayed": 1, "failed": []}
    replies = h.new_texts(1202)
    assert len(replies) == 1 and ASKS_CATEGORY in replies[0]
    assert media_count(h) == 1
    row = next(r for r in rows(h) if r.key == f"123:{update['update_id']}")
    assert row.handled_at is not None and row.attempts == 1
    with h.rt.db.reading() as s:
        assert len(s.exec(select(TaskRun).where(TaskRun.name == "bot.inbox_replay")).all()) == 2


async def test_replaying_twice_or_a_redelivery_creates_nothing_twice(h: Harness) -> None:
    if h.mode != "webhook":
        return
    await h.onboard(1203)
    h.new_texts(1203)
    update = U.media(h.fake, 1203, "video", h.fake.add_file(b"twice clip" * 500))
    crash_after_answer(h, update)
    age_inbox(h)
    assert (await replay())["replayed"] == 1
    assert (await replay())["replayed"] == 0  # handled: nothing left to replay
    # The process died after the work committed but before `handled_at`: the claim stops a second effect.
    age_inbox(h, handled_at=None)
    assert (await replay())["replayed"] >= 1
    # Telegram redelivers the same update id to the webhook.
    await h.send(update)
    assert media_count(h) == 1
    assert len(h.new_texts(1203)) == 1
    assert len([r for r in rows(h) if r.key == f"123:{update['update_id']}"]) == 1


async def test_an_update_that_keeps_failing_is_given_up_after_five_attempts(h: Harness) -> None:
    if h.mode != "webhook":
        return
    update = U.text(h.fake, 1204, "/help")
    crash_after_answer(h, update)
    age_inbox(h, attempts=inbox.MAX_ATTEMPTS)
    assert (await replay())["replayed"] == 0
    assert h.fake.texts(1204) == []
