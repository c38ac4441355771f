"""Builders of Bot API updates as Telegram sends them (plain dicts, the wire format)."""

from __future__ import annotations

import time
from typing import Any

from tests.bot.fake_telegram import FakeFile, FakeTelegram


def _user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Cán bộ", "last_name": str(chat_id), "language_code": "vi"}


def message(fake: FakeTelegram, chat_id: int, *, update_id: int | None = None, **fields: Any) -> dict[str, Any]:
    msg = {"message_id": fake.next_message_id(), "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
           "from": _user(chat_id), **fields}
    return {"update_id": update_id or fake.next_update_id(), "message": msg}


def text(fake: FakeTelegram, chat_id: int, body: str, **kw: Any) -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(body.split()[0])}] if body.startswith("/") else None
    fields: dict[str, Any] = {"text": body}
    if entities:
        fields["entities"] = entities
    return message(fake, chat_id, **fields, **kw)


def _media_fields(kind: str, f: FakeFile, **extra: Any) -> dict[str, Any]:
    base = {"file_id": f.file_id, "file_unique_id": f.unique_id, "file_size": len(f.data)}
    if kind == "photo":
        small = {**base, "file_id": f.file_id + "s", "file_unique_id": f.unique_id + "s", "width": 90, "height": 90}
        return {"photo": [small, {**base, "width": 1280, "height": 720}]}
    if kind == "video":
        return {"video": {**base, "width": 1280, "height": 720, "duration": extra.pop("duration", 30),
                          "mime_type": "video/mp4", "file_name": extra.pop("file_name", "clip.mp4")}}
    if kind == "video_note":
        return {"video_note": {**base, "length": 240, "duration": extra.pop("duration", 20)}}
    if kind == "voice":
        return {"voice": {**base, "duration": extra.pop("duration", 12), "mime_type": "audio/ogg"}}
    if kind == "audio":
        return {"audio": {**base, "duration": extra.pop("duration", 60), "mime_type": "audio/mpeg",
                          "file_name": extra.pop("file_name", "bai-hat.mp3")}}
    if kind == "document":
        return {"document": {**base, "file_name": extra.pop("file_name"), "mime_type": extra.pop("mime_type")}}
    raise ValueError(kind)


def media(fake: FakeTelegram, chat_id: int, kind: str, f: FakeFile, *, caption: str | None = None,
          album: str | None = None, update_id: int | None = None, **extra: Any) -> dict[str, Any]:
    fields = _media_fields(kind, f, **extra)
    if caption is not None:
        fields["caption"] = caption
    if album:
        fields["media_group_id"] = album
    return message(fake, chat_id, update_id=update_id, **fields)


def callback(fake: FakeTelegram, chat_id: int, data: str, *, update_id: int | None = None) -> dict[str, Any]:
    msg = {"message_id": fake.next_message_id(), "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
           "from": {"id": 123, "is_bot": True, "first_name": "bot"}, "text": "…"}
    return {"update_id": update_id or fake.next_update_id(),
            "callback_query": {"id": f"cb{fake.next_message_id()}", "from": _user(chat_id), "chat_instance": "ci",
                               "message": msg, "data": data}}
