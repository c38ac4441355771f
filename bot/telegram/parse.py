"""Turn aiogram messages and callback queries into channel-neutral `Inbound` events."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message

from bot.protocol import Inbound
from bot.telegram.callbacks import ChoiceData
from core.intake.rules import IncomingFile
from core.types import Channel

UNSUPPORTED_FIELDS = ("sticker", "location", "venue", "contact", "poll", "dice", "game", "story")


def _base(message: Message, update_id: int | None, bot_id: int, kind: str) -> Inbound:
    user = message.from_user
    name = " ".join(p for p in (user.first_name, user.last_name) if p) if user else None
    return Inbound(
        channel=Channel.telegram, address=str(message.chat.id), kind=kind,
        update_key=f"{bot_id}:{update_id}" if update_id is not None else None,
        message_ref=str(message.message_id), display_name=name, album_id=message.media_group_id,
    )


def files_of(message: Message) -> list[IncomingFile]:
    order = message.message_id
    if message.photo:
        p = message.photo[-1]  # the largest size Telegram made
        return [IncomingFile(hint="photo", ref=p.file_id, source_ref=p.file_unique_id, mime="image/jpeg",
                             size=p.file_size, width=p.width, height=p.height, order=order)]
    for hint in ("video", "video_note", "animation"):
        v = getattr(message, hint)
        if v is not None:
            return [
                IncomingFile(
                    hint=hint,
                    ref=v.file_id,
                    source_ref=v.file_unique_id,
                    mime=getattr(v, "mime_type", None) or "video/mp4",
                    filename=getattr(v, "file_name", None),
                    size=v.file_size,
                    duration_s=v.duration,
                    width=getattr(v, "width", None),
                    height=getattr(v, "height", None),
                    order=order,
                )
            ]
    for hint in ("voice", "audio"):
        a = getattr(message, hint)
        if a is not None:
            return [IncomingFile(hint=hint, ref=a.file_id, source_ref=a.file_unique_id, mime=a.mime_type,
                                 filename=getattr(a, "file_name", None), size=a.file_size, duration_s=a.duration,
                                 order=order)]
    if message.document is not None:
        d = message.document
        return [IncomingFile(hint="document", ref=d.file_id, source_ref=d.file_unique_id, mime=d.mime_type,
                             filename=d.file_name, size=d.file_size, order=order)]
    return []


def from_message(message: Message, *, update_id: int | None, bot_id: int) -> Inbound:
    """A command, a text, a media message or something the boards cannot use."""
    files = files_of(message)
    if files:
        ev = _base(message, update_id, bot_id, "media")
        ev.files, ev.text = files, message.caption
        return ev
    if message.text is not None:
        text = message.text
        if text.startswith("/"):
            head, _, arg = text.partition(" ")
            ev = _base(message, update_id, bot_id, "command")
            ev.command, ev.arg = head[1:].split("@")[0].lower(), arg.strip() or None
            return ev
        ev = _base(message, update_id, bot_id, "text")
        ev.text = text
        return ev
    ev = _base(message, update_id, bot_id, "unsupported")
    ev.what = next((f for f in UNSUPPORTED_FIELDS if getattr(message, f, None) is not None), "other")
    return ev


def from_callback(query: CallbackQuery, data: ChoiceData, *, update_id: int | None, bot_id: int) -> Inbound:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    return Inbound(
        channel=Channel.telegram, address=str(chat_id), kind="choice",
        update_key=f"{bot_id}:{update_id}" if update_id is not None else None,
        action=data.action, value=data.value, ref_id=data.ref or None,
    )
