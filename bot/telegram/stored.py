"""Stored Telegram updates: the inbox key of an update and feeding a stored one to the dispatcher.

Used by the webhook route (right after its answer) and by the worker's replay task, so the task
never imports a route module.
"""

from __future__ import annotations

import asyncio

from aiogram.types import Update

from bot.telegram.app import TelegramApp
from core.intake import inbox
from core.runtime import Runtime
from core.types import Channel


def inbox_key(tg: TelegramApp, update: Update) -> str:
    """The inbox key of an update: per bot, as the `processed_update` claim keys it."""
    return f"{tg.bot.id}:{update.update_id}"


def _mark_handled(rt: Runtime, key: str) -> None:
    with rt.db.unit_of_work() as session:
        inbox.mark_handled(session, channel=str(Channel.telegram), key=key)


async def handle_stored(rt: Runtime, tg: TelegramApp, update: Update) -> None:
    """Feed a stored update to the dispatcher, then mark it handled (left pending if the dispatcher raises)."""
    await tg.dispatcher.feed_update(tg.bot, update)
    await asyncio.to_thread(_mark_handled, rt, inbox_key(tg, update))
