"""The one error edge of the Telegram adapter: log with the update, tell the officer nothing was stored."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot import texts
from i18n.labels import N_

log = logging.getLogger("bot.telegram")


async def on_error(event: ErrorEvent, bot: Bot) -> bool:
    update = event.update
    log.error("telegram.update_failed", exc_info=event.exception, extra={"update_id": update.update_id})
    chat = update.message.chat.id if update.message else (
        update.callback_query.message.chat.id if update.callback_query and update.callback_query.message else None)
    if chat is not None:
        try:
            await bot.send_message(chat, texts.t("vi", N_("Sorry, something went wrong and this was not stored. "
                                                       "Please try again in a minute.")))
        except TelegramAPIError as exc:
            log.warning("telegram.error_reply_failed", extra={"error": str(exc)})
    return True


def make_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
