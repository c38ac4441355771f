"""The Telegram side of the channel protocol: send text with buttons, send media, fetch files."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import BinaryIO

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import FSInputFile, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from bot.protocol import Button, DownloadFailed, TooBigForChannel
from bot.telegram.callbacks import ChoiceData
from core.intake.rules import IncomingFile
from core.types import Channel, MediaKind

log = logging.getLogger("bot.telegram")
CHUNK = 1024 * 1024
SEND_ATTEMPTS = 5
DOWNLOAD_TIMEOUT = 300


def keyboard(buttons: tuple[tuple[Button, ...], ...], ref_id: int | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = [[InlineKeyboardButton(text=b.label, callback_data=ChoiceData(action=b.action, value=b.value,
                                                                         ref=ref_id or 0).pack()) for b in row]
            for row in buttons]
    return InlineKeyboardMarkup(inline_keyboard=rows)


class TelegramPort:
    """`ChannelPort` over an aiogram `Bot`; waits out 429s, turns network trouble into DownloadFailed."""

    channel = Channel.telegram

    def __init__(self, bot: Bot, *, download_limit: int | None) -> None:
        self.bot = bot
        self.download_limit = download_limit

    async def _call(self, send: Callable[[], Awaitable[object]]) -> None:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await send()
                return
            except TelegramRetryAfter as exc:  # flood control: Telegram says how long to wait
                log.info("telegram.retry_after", extra={"seconds": exc.retry_after, "attempt": attempt})
                await asyncio.sleep(exc.retry_after)
            except (TelegramNetworkError, TelegramServerError) as exc:
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("telegram.send_retry", extra={"error": str(exc), "attempt": attempt})
                await asyncio.sleep(0.5 * attempt)
        # aiogram's errors name the method that failed; after the retries there is no single one.
        raise TelegramNetworkError(method=None, message="gave up after repeated flood control")  # type: ignore[arg-type]

    async def send_text(self, address: str, text: str, *, buttons: tuple[tuple[Button, ...], ...] = (),
                        reply_to: str | None = None, ref_id: int | None = None) -> None:
        markup = keyboard(buttons, ref_id)
        reply = ReplyParameters(message_id=int(reply_to), allow_sending_without_reply=True) if reply_to else None
        try:
            await self._call(lambda: self.bot.send_message(chat_id=int(address), text=text, reply_markup=markup,
                                                           reply_parameters=reply))
        except TelegramForbiddenError:
            log.info("telegram.unreachable", extra={"address": address})  # blocked the bot; the notifier marks it

    async def send_media(self, address: str, path: Path, *, kind: MediaKind, caption: str | None = None) -> None:
        media = FSInputFile(path)
        senders: dict[MediaKind, Callable[..., Awaitable[object]]] = {
            MediaKind.video: self.bot.send_video, MediaKind.image: self.bot.send_photo,
            MediaKind.audio: self.bot.send_audio}
        send = senders.get(kind, self.bot.send_document)
        await self._call(lambda: send(int(address), media, caption=caption))

    async def download(self, item: IncomingFile, sink: BinaryIO) -> None:
        try:
            file = await self.bot.get_file(item.ref)
        except TelegramBadRequest as exc:
            if "too big" in exc.message.lower():
                raise TooBigForChannel(exc.message) from exc
            raise DownloadFailed(exc.message) from exc
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
            raise DownloadFailed(str(exc)) from exc
        if not file.file_path:
            raise DownloadFailed("Telegram gave no file path")
        if os.path.isabs(file.file_path):
            await self._copy_local(Path(file.file_path), sink)  # a local Bot API server in --local mode
        else:
            await self._stream(file.file_path, sink)
        written = getattr(sink, "written", None)
        if file.file_size and written is not None and written != file.file_size:
            raise DownloadFailed(f"got {written} of {file.file_size} bytes")

    async def _stream(self, file_path: str, sink: BinaryIO) -> None:
        url = self.bot.session.api.file_url(self.bot.token, file_path)
        try:
            async for chunk in self.bot.session.stream_content(url=url, timeout=DOWNLOAD_TIMEOUT, chunk_size=CHUNK,
                                                               raise_for_status=True):
                sink.write(chunk)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DownloadFailed(f"{type(exc).__name__}: {exc}") from exc

    async def _copy_local(self, path: Path, sink: BinaryIO) -> None:
        def copy() -> None:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK * 4):
                    sink.write(chunk)

        try:
            await asyncio.to_thread(copy)
        except OSError as exc:
            raise DownloadFailed(f"local file: {exc}") from exc
