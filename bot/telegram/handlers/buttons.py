"""Inline button taps: answered at once (the spinner stops), then handled by the conversation."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Update

from bot.conversation import ConversationEngine
from bot.telegram.callbacks import ChoiceData
from bot.telegram.parse import from_callback


async def on_choice(query: CallbackQuery, callback_data: ChoiceData, bot: Bot, engine: ConversationEngine,
                    event_update: Update) -> None:
    try:
        await query.answer()
    except TelegramBadRequest:
        pass  # the query is too old to answer (e.g. after a restart); the tap still counts
    await engine.handle(from_callback(query, callback_data, update_id=event_update.update_id, bot_id=bot.id))


async def on_foreign_button(query: CallbackQuery) -> None:
    await query.answer()  # a button of an older bot version: nothing to do


def make_router() -> Router:
    router = Router(name="buttons")
    router.callback_query.register(on_choice, ChoiceData.filter())
    router.callback_query.register(on_foreign_button)
    return router
