"""The small protocol every chat channel implements; the conversation, notifier and reminders use only this."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from core.intake.rules import IncomingFile
from core.types import Channel, MediaKind


@dataclass(frozen=True, slots=True)
class Button:
    """An answer the officer can tap; `action`/`value` come back as a Choice event."""

    label: str
    action: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    reply_to: str | None = None  # the channel's id of the message this answers
    ref_id: int | None = None  # the draft the buttons belong to: a tap names it, so stale taps are caught
    upload: str | None = None  # a resumable upload's path, for a page that sends the file itself in chunks


class DownloadFailed(Exception):
    """The channel could not deliver the file after its retries."""


class TooBigForChannel(Exception):
    """The channel will not hand this file to the bot (Telegram cloud: over 20 MB)."""


@dataclass(slots=True)
class Inbound:
    """One thing an officer (or a stranger) did, in channel-neutral words."""

    channel: Channel
    address: str  # where to answer (Telegram chat id; "officer:<id>" on the web)
    kind: str  # command | text | media | choice | unsupported
    update_key: str | None = None  # exactly-once key (Telegram update id)
    message_ref: str | None = None
    display_name: str | None = None
    command: str | None = None
    arg: str | None = None
    text: str | None = None
    files: list[IncomingFile] = field(default_factory=list)
    album_id: str | None = None
    action: str | None = None
    value: str | None = None
    ref_id: int | None = None  # the draft a button belongs to (stale buttons are refused)
    what: str | None = None  # for `unsupported`: sticker | location | contact | poll | other
    preloaded: list[Path] = field(default_factory=list)  # web uploads already on disk


class ChannelPort(Protocol):
    """What a channel adapter offers (Telegram today; Zalo and the web page use the same shape)."""

    channel: Channel
    download_limit: int | None  # bytes the channel lets the bot fetch; None: no limit

    async def send_text(self, address: str, text: str, *, buttons: tuple[tuple[Button, ...], ...] = (),
                        reply_to: str | None = None, ref_id: int | None = None) -> None: ...

    async def send_media(self, address: str, path: Path, *, kind: MediaKind, caption: str | None = None) -> None: ...

    async def download(self, item: IncomingFile, sink: BinaryIO) -> None: ...


@runtime_checkable
class EditsMessages(Protocol):
    """Optional: a channel that can post a message and later change its text in place (Telegram).

    Progress of a media job is shown this way; a channel without it (Zalo, the web page) simply
    shows no live progress in the chat. Both calls raise on failure: callers treat them as best effort."""

    async def post_text(self, address: str, text: str) -> str: ...  # the channel's id of the new message

    async def edit_text(self, address: str, message_ref: str, text: str) -> None: ...
