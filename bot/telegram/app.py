"""Building the aiogram Bot and Dispatcher at start-up (never at import time), for polling or webhooks."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.types import TelegramObject

from bot.conversation import ConversationEngine
from bot.telegram.handlers import buttons, errors, messages
from bot.telegram.port import TelegramPort
from core.errors import ConfigError
from core.runtime import Runtime
from core.settings import Settings

log = logging.getLogger("bot.telegram")
MB = 1024 * 1024


class EngineMiddleware(BaseMiddleware):
    """Hands the conversation engine to handlers (it decides nothing)."""

    def __init__(self, engine: ConversationEngine) -> None:
        self.engine = engine

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        data["engine"] = self.engine
        return await handler(event, data)


@dataclass(slots=True)
class TelegramApp:
    bot: Bot
    dispatcher: Dispatcher
    engine: ConversationEngine

    async def close(self) -> None:
        await self.bot.session.close()


def api_server(settings: Settings) -> TelegramAPIServer:
    base = settings.telegram_api_base.rstrip("/")
    return PRODUCTION if base == "https://api.telegram.org" else TelegramAPIServer.from_base(base)


def download_limit(settings: Settings) -> int | None:
    """Bytes the Bot API lets us fetch: 20 MB on the cloud; 0 (a local server in --local mode) means none."""
    return settings.telegram_download_limit_mb * MB if settings.telegram_download_limit_mb > 0 else None


def build_bot(settings: Settings) -> Bot:
    if not settings.telegram_token:
        raise ConfigError("BANGTIN_TELEGRAM_TOKEN is not set: ask @BotFather for a token")
    return Bot(token=settings.telegram_token, session=AiohttpSession(api=api_server(settings)))


def build_telegram(rt: Runtime) -> TelegramApp:
    """The bot, its dispatcher (one router per handler module) and the conversation engine."""
    bot = build_bot(rt.settings)
    engine = ConversationEngine(rt, TelegramPort(bot, download_limit=download_limit(rt.settings)))
    dispatcher = Dispatcher()
    middleware = EngineMiddleware(engine)
    dispatcher.message.outer_middleware(middleware)
    dispatcher.callback_query.outer_middleware(middleware)
    dispatcher.include_routers(messages.make_router(), buttons.make_router(), errors.make_router())
    return TelegramApp(bot, dispatcher, engine)
