"""The Telegram side of outbound delivery: one send, its answer mapped to a typed result.

Unlike the conversation's port, this never sleeps or retries by itself: pacing, 429 waits and
back-off are decided by `core.notify.delivery` with state shared by every worker process.
"""

from __future__ import annotations

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from bot.notify.render import Message
from bot.protocol import Button
from bot.telegram.app import api_server
from bot.telegram.port import keyboard
from core.notify.delivery import SendResult
from core.settings import Settings
from core.types import Channel

SEND_TIMEOUT = 15  # seconds for one sendMessage; a slower answer counts as a network failure


class Undelivered(Exception):
    """`send_text` could not deliver; `result` says why (retry_after, blocked, network, rejected)."""

    def __init__(self, result: SendResult) -> None:
        super().__init__(result.error or result.status)
        self.result = result


class TelegramSender:
    """Sends outbox messages through an aiogram `Bot` (cloud Bot API, a local server or the test fake)."""

    channel = Channel.telegram
    download_limit = None

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramSender:
        if not settings.telegram_token:
            raise RuntimeError("BANGTIN_TELEGRAM_TOKEN is not set: notifications cannot be delivered")
        session = AiohttpSession(api=api_server(settings), timeout=SEND_TIMEOUT)
        return cls(Bot(token=settings.telegram_token, session=session))

    async def deliver(self, address: str, message: Message) -> SendResult:
        """Send once; ok, retry_after (429), blocked (403), network (no answer, 5xx, 401) or rejected (400…)."""
        try:
            await self.bot.send_message(chat_id=int(address), text=message.text,
                                        reply_markup=keyboard(message.buttons, message.ref_id))
        except TelegramRetryAfter as exc:
            return SendResult("retry_after", retry_after=float(exc.retry_after), error=exc.message)
        except TelegramForbiddenError as exc:
            return SendResult("blocked", error=exc.message)
        except (TelegramNetworkError, TelegramServerError, TelegramUnauthorizedError) as exc:
            return SendResult("network", error=f"{type(exc).__name__}: {exc.message}")
        except ClientDecodeError as exc:  # a proxy's HTML error page while Telegram is unreachable
            return SendResult("network", error=f"undecodable answer: {str(exc)[:200]}")
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return SendResult("network", error=f"{type(exc).__name__}: {exc}")
        except TelegramAPIError as exc:  # 400 chat not found, message too long …: retrying will not help
            return SendResult("rejected", error=f"{type(exc).__name__}: {exc.message}")
        return SendResult("ok")

    async def send_text(self, address: str, text: str, *, buttons: tuple[tuple[Button, ...], ...] = (),
                        reply_to: str | None = None, ref_id: int | None = None) -> None:
        """`ChannelPort.send_text`: one attempt; raises `Undelivered` with the typed result on failure."""
        result = await self.deliver(address, Message(text, buttons, ref_id))
        if result.status != "ok":
            raise Undelivered(result)

    async def post_text(self, address: str, text: str) -> str:
        """`EditsMessages.post_text`: one plain message; its message id (aiogram errors propagate)."""
        sent = await self.bot.send_message(chat_id=int(address), text=text)
        return str(sent.message_id)

    async def edit_text(self, address: str, message_ref: str, text: str) -> None:
        """`EditsMessages.edit_text`: change the text of a message this bot sent (aiogram errors propagate)."""
        await self.bot.edit_message_text(chat_id=int(address), message_id=int(message_ref), text=text)

    async def close(self) -> None:
        await self.bot.session.close()
