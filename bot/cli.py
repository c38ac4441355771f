"""Plain functions behind `bangtin invite` and `bangtin bot` (the command line in core/cli wires them)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.types import BotCommand

import i18n
from bot.telegram.app import build_bot, build_telegram
from core.runtime import Runtime
from core.services import invites
from core.services.audit import Actor
from i18n.labels import N_

log = logging.getLogger("bot.cli")
WEBHOOK_PATH = "/webhooks/telegram"


async def _bot_username(rt: Runtime) -> str:
    if rt.settings.telegram_bot_username:
        return rt.settings.telegram_bot_username.lstrip("@")
    bot = build_bot(rt.settings)
    try:
        me = await bot.get_me()
    finally:
        await bot.session.close()
    assert me.username
    return me.username


def create_invite(rt: Runtime, *, unit: str, name: str, phone: str | None, actor: Actor) -> dict[str, Any]:
    """Issue an invite for the officer `name` of `unit` (code or exact name): deep link and short code."""
    username = asyncio.run(_bot_username(rt))
    with rt.db.unit_of_work() as session:
        issued = invites.invite_officer(session, unit_ref=unit, full_name=name, phone=phone, actor=actor)
    return {
        "deep_link": f"https://t.me/{username}?start={issued.token}",
        "short_code": issued.short_code,
        "expires_at": issued.expires_at.isoformat(),
        "officer_id": issued.officer_id,
    }


COMMANDS = (("new", N_("Start a new submission")), ("status", N_("My last submissions")), ("cancel", N_("Cancel the current one")),
            ("help", N_("What to send")), ("lang", N_("Language")))


async def _set_commands(bot: Bot) -> None:
    """The menu of commands phones show, Vietnamese by default and English for English phones."""
    for language in ("vi", "en"):
        commands = [BotCommand(command=c, description=i18n.gettext(language, d)) for c, d in COMMANDS]
        await bot.set_my_commands(commands, language_code=None if language == "vi" else language)


async def _run(rt: Runtime) -> None:
    tg = build_telegram(rt)
    try:
        await _set_commands(tg.bot)
        used = tg.dispatcher.resolve_used_update_types()
        if rt.settings.telegram_webhook_secret:
            # Webhook mode: the web process receives updates; here we only tell Telegram where.
            url = rt.settings.public_url + WEBHOOK_PATH
            await tg.bot.set_webhook(url, secret_token=rt.settings.telegram_webhook_secret, allowed_updates=used)
            log.info("bot.webhook_set", extra={"url": url})
            return
        await tg.bot.delete_webhook(drop_pending_updates=False)
        await tg.dispatcher.start_polling(tg.bot, allowed_updates=used, handle_signals=True, close_bot_session=False)
    finally:
        await tg.close()


def run_bot(rt: Runtime) -> None:
    """Long polling until SIGINT/SIGTERM; in webhook mode, register the webhook and return."""
    asyncio.run(_run(rt))
