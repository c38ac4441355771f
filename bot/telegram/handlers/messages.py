"""Messages: commands, texts, media and everything the boards cannot use, all through the conversation."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import Message, Update

from bot.conversation import ConversationEngine
from bot.telegram.parse import from_message


async def on_message(message: Message, bot: Bot, engine: ConversationEngine, event_update: Update) -> None:
    if message.chat.type != "private":
        return  # the bot works in private chats only; groups would expose officers' material
    await engine.handle(from_message(message, update_id=event_update.update_id, bot_id=bot.id))


def make_router() -> Router:
    """A fresh router (a router joins one dispatcher only; tests and benchmarks build several)."""
    router = Router(name="messages")
    router.message.register(on_message)
    return router
