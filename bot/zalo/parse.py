"""Zalo OA webhook events in channel-neutral words (`Inbound`), and judging a file by its first bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.protocol import Inbound
from core.intake.rules import IncomingFile
from core.types import Channel

MEDIA_EVENTS = {"user_send_image", "user_send_file", "user_send_audio", "user_send_video", "user_send_gif"}
UNSUPPORTED = {"user_send_sticker": "sticker", "user_send_location": "location", "user_send_business_card": "contact"}
HINTS = {"image": "photo", "video": "video", "audio": "voice", "gif": "animation", "file": "document"}


@dataclass(slots=True)
class Event:
    """What the webhook route needs to know of an event before the conversation sees it."""

    name: str
    user_id: str | None
    at: datetime
    key: str  # the inbox and exactly-once key: message.msg_id, or the event, user and moment


def event_of(payload: dict[str, Any]) -> Event:
    """The name, sender, moment and key of a verified event (a ValueError when it lacks them)."""
    name = str(payload.get("event_name") or "")
    if not name:
        raise ValueError("no event_name")
    stamp = str(payload.get("timestamp") or "")
    if not stamp.isdigit():
        raise ValueError("no timestamp")
    at = datetime.fromtimestamp(int(stamp) / 1000, UTC)
    who = payload.get("follower") if name in {"follow", "unfollow"} else payload.get("sender")
    user_id = str(who["id"]) if isinstance(who, dict) and who.get("id") else None
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    msg_id = message.get("msg_id") if message else None
    key = str(msg_id) if msg_id else f"{name}:{user_id}:{stamp}"
    return Event(name, user_id, at, key[:96])


def _files(message: dict[str, Any]) -> list[IncomingFile]:
    files = []
    for order, attachment in enumerate(message.get("attachments") or []):
        kind = str(attachment.get("type") or "")
        payload = attachment.get("payload") or {}
        url = payload.get("url")
        if kind not in HINTS or not url:
            continue
        size = payload.get("size")
        name = payload.get("name")
        ext = str(payload.get("type") or "").lower()
        if not name and kind == "file" and ext:
            name = f"file.{ext}"
        files.append(
            IncomingFile(
                hint=HINTS[kind],
                ref=str(url),
                source_ref=str(payload.get("checksum") or url)[:200],
                filename=name,
                size=int(str(size)) if str(size or "").isdigit() else None,
                order=order,
            )
        )
    return files


def is_from_user(ev: Event) -> bool:
    """An event the officer caused (a message, following): it opens the free-reply window."""
    return ev.name.startswith("user_send_") or ev.name == "follow"


def inbound_of(payload: dict[str, Any], ev: Event) -> Inbound | None:
    """The conversation event of a user event; None for events the conversation does not see (unfollow)."""
    if ev.user_id is None or not is_from_user(ev):
        return None  # unfollow, and the OA's own echoes (oa_send_*), seen/received receipts
    base = Inbound(
        channel=Channel.zalo, address=ev.user_id, kind="text", update_key=ev.key, message_ref=ev.key, display_name=None
    )
    if ev.name == "follow":
        base.kind, base.command, base.message_ref = "command", "start", None  # greet; a stranger is asked for the code
        return base
    message = payload.get("message") or {}
    text = str(message.get("text") or "").strip()
    if ev.name in MEDIA_EVENTS:
        files = _files(message)
        if not files:
            base.kind, base.what = "unsupported", "other"
            return base
        base.kind, base.files, base.text = "media", files, text or None
        base.album_id = ev.key if len(files) > 1 else None  # several pictures in one message: one submission
        return base
    if ev.name == "user_send_link":
        links = [str((a.get("payload") or {}).get("url") or "") for a in message.get("attachments") or []]
        base.text = " ".join(p for p in [text, *links] if p)
        return base if base.text else None
    if ev.name != "user_send_text":  # stickers, locations, business cards and whatever Zalo adds next
        base.kind, base.what = "unsupported", UNSUPPORTED.get(ev.name, "other")
        return base
    if not text:
        return None
    if text.startswith("/"):
        head, _, arg = text.partition(" ")
        base.kind, base.command, base.arg = "command", head[1:].lower(), arg.strip() or None
        return base
    base.text = text
    return base


def sniff(head: bytes) -> str | None:
    """The MIME type the first bytes of a file show (officers send recordings as plain files)."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio/mp4" if brand in {b"M4A ", b"M4B "} else "video/mp4"
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"}:
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"%PDF"):
        return "application/pdf"
    return None
