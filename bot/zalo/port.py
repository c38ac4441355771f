"""The Zalo side of the channel protocol (replies, files) and of outbound delivery (cs inside the window, ZNS).

Choices become numbered lines the officer answers by typing the number (the OA's own buttons are
not on every phone); the numbers are remembered in the database so any process maps the answer.
Every consultation message sent counts against the user's window (48 h, 8 messages).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from bot.protocol import Button, DownloadFailed
from bot.zalo.client import ZaloAnswer, ZaloClient
from core.db import Database
from core.intake.rules import IncomingFile
from core.notify import zalo_state
from core.notify.delivery import SendResult, ZnsMessage
from core.notify.zalo_state import TokenUnavailable
from core.settings import Settings
from core.types import Channel, MediaKind

log = logging.getLogger("bot.zalo")
MB = 1024 * 1024
# Zalo's error codes that mean "slow down" for the whole OA (quota per minute / per day).
QUOTA_ERRORS = {-32, -1124}
# The user cannot receive from the OA (unfollowed, blocked, never interacted).
UNREACHABLE_ERRORS = {-213, -230}


def numbered(text: str, buttons: tuple[tuple[Button, ...], ...]) -> tuple[str, list[tuple[str, str]]]:
    """The text with its choices as numbered lines, and the (action, value) of each number."""
    flat = [b for row in buttons for b in row]
    if not flat:
        return text, []
    lines = [text, ""] + [f"{i}. {b.label}" for i, b in enumerate(flat, start=1)]
    return "\n".join(lines), [(b.action, b.value) for b in flat]


def result_of(answer: ZaloAnswer, *, quota_pause: float = 60.0) -> SendResult:
    """The platform's answer in delivery's words; success is HTTP 200 and error 0."""
    if answer.ok:
        return SendResult("ok")
    detail = f"HTTP {answer.http_status}, error {answer.error}: {answer.message}"[:300]
    if answer.error in QUOTA_ERRORS or answer.http_status == 429:
        return SendResult("throttled", retry_after=quota_pause, error=detail)
    if answer.error is None or answer.http_status >= 500 or answer.http_status in (0, 401):
        return SendResult("network", error=detail)
    if answer.error in UNREACHABLE_ERRORS:
        return SendResult("blocked", error=detail)
    return SendResult("rejected", error=detail)


class ZaloPort:
    """`ChannelPort` over the OA API and the outbox `Sender` for the lanes "zalo" (cs) and "zns"."""

    channel = Channel.zalo

    def __init__(self, client: ZaloClient, db: Database, settings: Settings) -> None:
        self.client = client
        self.db = db
        self.settings = settings
        self.download_limit: int | None = settings.max_upload_mb * MB

    # -- the conversation --------------------------------------------------------------------
    async def send_text(self, address: str, text: str, *, buttons: tuple[tuple[Button, ...], ...] = (),
                        reply_to: str | None = None, ref_id: int | None = None) -> None:
        body, choices = numbered(text, buttons)
        if choices:
            await asyncio.to_thread(self._remember, address, choices, ref_id)
        result = await self._cs(address, {"text": body})
        if result.status != "ok":
            log.warning("zalo.reply_failed", extra={"address": address, "error": result.error})

    async def send_media(self, address: str, path: Path, *, kind: MediaKind, caption: str | None = None) -> None:
        content = await asyncio.to_thread(path.read_bytes)
        image = kind == MediaKind.image
        uploaded = await self.client.upload("image" if image else "file", path.name, content)
        if not uploaded.ok or not uploaded.data:
            log.warning("zalo.upload_failed", extra={"address": address, "error": uploaded.message})
            return
        if image:
            element = {"media_type": "image", "attachment_id": uploaded.data.get("attachment_id")}
            message: dict[str, Any] = {"text": caption or "", "attachment": {"type": "template", "payload": {
                "template_type": "media", "elements": [element]}}}
        else:
            message = {"attachment": {"type": "file", "payload": {"token": uploaded.data.get("token")}}}
        await self._cs(address, message)

    async def download(self, item: IncomingFile, sink: BinaryIO) -> None:
        limit = self.download_limit or self.settings.max_upload_mb * MB
        try:
            written = await self.client.stream(item.ref, sink, max_bytes=limit)
        except ValueError as exc:
            raise DownloadFailed(f"too big: {exc}") from exc
        except httpx.HTTPError as exc:
            raise DownloadFailed(f"{type(exc).__name__}: {exc}") from exc
        if item.size and written != item.size:
            raise DownloadFailed(f"got {written} of {item.size} bytes")

    # -- the outbox ---------------------------------------------------------------------------
    async def deliver(self, address: str, message: Any) -> SendResult:
        """Send once: a ZNS template by phone, or a consultation message to a Zalo user id."""
        if isinstance(message, ZnsMessage):
            try:
                answer = await self.client.send_zns(phone=address, template_id=message.template_id,
                                                    data=message.data, tracking_id=message.tracking_id)
            except TokenUnavailable as exc:
                return SendResult("network", error=f"token: {exc}")
            return result_of(answer, quota_pause=self.settings.zalo_quota_pause_s)
        body, choices = numbered(message.text, message.buttons)
        if choices:
            await asyncio.to_thread(self._remember, address, choices, message.ref_id)
        return await self._cs(address, {"text": body})

    async def _cs(self, user_id: str, message: dict[str, Any]) -> SendResult:
        try:
            answer = await self.client.send_cs(user_id, message)
        except TokenUnavailable as exc:
            return SendResult("network", error=f"token: {exc}")
        result = result_of(answer, quota_pause=self.settings.zalo_quota_pause_s)
        if result.status == "ok":
            await asyncio.to_thread(self._count, user_id)
        return result

    def _count(self, user_id: str) -> None:
        with self.db.unit_of_work() as session:
            zalo_state.count_reply(session, user_id=user_id)

    def _remember(self, user_id: str, choices: list[tuple[str, str]], ref: int | None) -> None:
        with self.db.unit_of_work() as session:
            zalo_state.remember_choices(session, user_id=user_id, choices=choices, ref=ref)

    async def close(self) -> None:
        await self.client.close()
