"""Plain functions behind `bangtin invite` and `bangtin bot` (the command line in core/cli wires them)."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand

import i18n
from bot.telegram.app import build_bot, build_telegram
from core.errors import ConfigError
from core.org import invites
from core.records.audit import Actor
from core.runtime import Runtime
from i18n.labels import N_

log = logging.getLogger("bot.cli")
WEBHOOK_PATH = "/webhooks/telegram"
WATCH_SECONDS = 300.0


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
    """Issue an invite for the officer `name` of `unit` (code or exact name): the short code, the Telegram
    deep link when a bot is configured, the Zalo OA link when one is; refused when no chat channel is."""
    settings = rt.settings
    if not settings.telegram_token and not settings.zalo_configured:
        raise ConfigError("no chat channel is configured: set BANGTIN_TELEGRAM_TOKEN or the BANGTIN_ZALO_* settings")
    username = asyncio.run(_bot_username(rt)) if settings.telegram_token else None
    with rt.db.unit_of_work() as session:
        issued = invites.invite_officer(session, unit_ref=unit, full_name=name, phone=phone, actor=actor)
    result: dict[str, Any] = {
        "short_code": issued.short_code,
        "deep_link": f"https://t.me/{username}?start={issued.token}" if username else None,
        "expires_at": issued.expires_at.isoformat(),
        "officer_id": issued.officer_id,
    }
    if settings.zalo_configured:
        # On Zalo the officer follows the OA and sends the short code as a message.
        result["zalo_oa_link"] = settings.zalo_oa_link
    return result


COMMANDS = (
    ("new", N_("Start a new submission")),
    ("status", N_("My last submissions")),
    ("cancel", N_("Cancel the current one")),
    ("suco", N_("Report an incident")),
    ("help", N_("What to send")),
    ("lang", N_("Language")),
)


async def _set_commands(bot: Bot) -> None:
    """The menu of commands phones show, Vietnamese by default and English for English phones."""
    for language in ("vi", "en"):
        commands = [BotCommand(command=c, description=i18n.gettext(language, d)) for c, d in COMMANDS]
        await bot.set_my_commands(commands, language_code=None if language == "vi" else language)


async def _run(rt: Runtime, *, keep_watching: bool) -> None:
    tg = build_telegram(rt)
    try:
        await _set_commands(tg.bot)
        used = tg.dispatcher.resolve_used_update_types()
        if rt.settings.telegram_webhook_secret:
            # Webhook mode: the web processes receive updates; this one registers the webhook and then
            # keeps it registered (and says when Telegram reports delivery errors) until stopped.
            url = rt.settings.public_url + WEBHOOK_PATH
            await tg.bot.set_webhook(url, secret_token=rt.settings.telegram_webhook_secret, allowed_updates=used)
            log.info("bot.webhook_set", extra={"url": url})
            if keep_watching:
                await _watch_webhook(tg.bot, url, rt.settings.telegram_webhook_secret, used)
            return
        await tg.bot.delete_webhook(drop_pending_updates=False)
        await tg.dispatcher.start_polling(tg.bot, allowed_updates=used, handle_signals=True, close_bot_session=False)
    finally:
        await tg.close()


async def _watch_webhook(bot: Bot, url: str, secret: str, used: list[str]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    while not stop.is_set():
        try:
            info = await bot.get_webhook_info()
            if info.url != url:  # someone ran polling or another deployment took the bot over
                await bot.set_webhook(url, secret_token=secret, allowed_updates=used)
                log.warning("bot.webhook_restored", extra={"was": info.url})
            elif info.last_error_message:
                log.warning("bot.webhook_errors", extra={"error": info.last_error_message,
                                                         "pending": info.pending_update_count})
        except (TelegramAPIError, aiohttp.ClientError) as exc:
            log.warning("bot.webhook_check_failed", extra={"error": str(exc)})
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=WATCH_SECONDS)


def run_bot(rt: Runtime, *, keep_watching: bool = True) -> None:
    """Long polling until SIGINT/SIGTERM; in webhook mode, register the webhook and watch it until then."""
    asyncio.run(_run(rt, keep_watching=keep_watching))
