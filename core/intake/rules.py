"""What the intake accepts: file kinds, lengths, sizes, text rules and the per-officer rate limit."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path, PurePath

from sqlmodel import Session, col, func, or_, select

from core.errors import BangtinError
from core.intake.models import IntakeLog
from core.org.models import UnitDuty
from core.types import Duty, MediaKind, utcnow

# Telegram's own limits: a caption of 1,024 characters, a message of 4,096.
CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096
TITLE_LIMIT = 200
MIN_NOTICE_LETTERS = 10
RATE_WINDOW = timedelta(minutes=1)
RATE_MAX_FILES = 20
DOCUMENT_SENDER = Duty.document_sender.value  # units that may send documents (PDF, Word) for airing

_VIDEO_EXT = {".mp4", ".mov", ".3gp", ".3g2", ".mkv", ".avi", ".webm", ".m4v", ".mpg", ".mpeg", ".ts", ".wmv", ".flv"}
_IMAGE_EXT = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".bmp", ".gif"}
_AUDIO_EXT = {".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".amr", ".flac", ".wma"}
_DOC_EXT = {".pdf", ".doc", ".docx", ".odt"}
_DOC_MIME = {"application/pdf", "application/msword", "application/vnd.oasis.opendocument.text",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class IntakeRefused(BangtinError):
    """Input the intake will not take; `reason` picks the officer's message, `values` fill it."""

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values


@dataclass(slots=True)
class IncomingFile:
    """One file as a channel describes it, before it is downloaded."""

    hint: str  # video | video_note | photo | voice | audio | document | animation | upload
    ref: str  # how the channel fetches it (Telegram file_id, a local path for the web)
    source_ref: str | None = None  # stable identity of the content (Telegram file_unique_id)
    mime: str | None = None
    filename: str | None = None
    size: int | None = None
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    order: int = 0  # album order (Telegram message id)
    kind: str = field(default="")  # MediaKind, decided by `classify`


def classify(item: IncomingFile, *, documents_allowed: bool) -> MediaKind:
    """Decide the media kind from what the phone says; refuse executables, archives and the like."""
    if item.hint in {"video", "video_note", "animation"}:
        return MediaKind.video
    if item.hint == "photo":
        return MediaKind.image
    if item.hint in {"voice", "audio"}:
        return MediaKind.audio
    mime = (item.mime or "").lower()
    ext = PurePath(item.filename or "").suffix.lower()
    if mime.startswith("video/") or ext in _VIDEO_EXT:
        return MediaKind.video
    if mime.startswith("image/") or ext in _IMAGE_EXT:
        return MediaKind.image
    if mime.startswith("audio/") or ext in _AUDIO_EXT:
        return MediaKind.audio
    if mime in _DOC_MIME or ext in _DOC_EXT:
        if not documents_allowed:
            raise IntakeRefused("document_not_allowed", filename=item.filename or ext)
        return MediaKind.document
    raise IntakeRefused("unsupported_file", filename=item.filename or mime or "?")


def check_file(item: IncomingFile, *, max_seconds: int, max_bytes: int) -> None:
    """Refuse a clip longer than allowed (by its declared duration) or bigger than any upload."""
    if item.duration_s is not None and item.duration_s > max_seconds:
        # The message names what it is: a 3-hour recording is not "this video".
        reason = "too_long_audio" if item.kind == "audio" else "too_long"
        raise IntakeRefused(reason, minutes=max_seconds // 60, actual=int(item.duration_s // 60))
    if item.size is not None and item.size > max_bytes:
        raise IntakeRefused("too_big", limit_mb=max_bytes // (1024 * 1024))


def letters(text: str | None) -> int:
    """How many letters or digits `text` holds (emoji, spaces and punctuation do not count)."""
    return sum(1 for ch in text or "" if unicodedata.category(ch)[0] in {"L", "N"})


def clean_caption(text: str | None) -> str | None:
    """A caption with words in it, or None for empty and emoji-only captions."""
    text = (text or "").strip()
    return text if letters(text) else None


def check_title(text: str) -> str:
    text = " ".join(text.split())
    if not letters(text):
        raise IntakeRefused("title_no_words")
    if len(text) > TITLE_LIMIT:
        raise IntakeRefused("title_too_long", limit=TITLE_LIMIT)
    return text


def check_notice(text: str) -> str:
    text = text.strip()
    if letters(text) < MIN_NOTICE_LETTERS:
        raise IntakeRefused("notice_too_short", minimum=MIN_NOTICE_LETTERS)
    return text


def unit_has_duty(session: Session, *, unit_id: int, duty: str, today: date | None = None) -> bool:
    """Whether the unit holds `duty` today (duties are effective-dated)."""
    today = today or utcnow().date()
    row = session.exec(
        select(UnitDuty.id).where(
            UnitDuty.unit_id == unit_id,
            UnitDuty.duty == duty,
            or_(col(UnitDuty.valid_from).is_(None), col(UnitDuty.valid_from) <= today),
            or_(col(UnitDuty.valid_to).is_(None), col(UnitDuty.valid_to) >= today),
        )
    ).first()
    return row is not None


def may_mark_emergency(session: Session, *, unit_id: int) -> bool:
    return unit_has_duty(session, unit_id=unit_id, duty=str(Duty.emergency_sender))


def may_send_documents(session: Session, *, unit_id: int) -> bool:
    return unit_has_duty(session, unit_id=unit_id, duty=DOCUMENT_SENDER) or unit_has_duty(
        session, unit_id=unit_id, duty=str(Duty.provincial_editor)
    )


def throttle_wait(session: Session, *, officer_id: int, incoming: int = 1, now: datetime | None = None) -> int:
    """Seconds the officer must wait before `incoming` more files fit the rate limit (0: go ahead)."""
    now = now or utcnow()
    since = now - RATE_WINDOW
    rows = session.exec(
        select(IntakeLog.created_at)
        .where(IntakeLog.officer_id == officer_id, IntakeLog.kind == "media", IntakeLog.created_at > since)
        .order_by(col(IntakeLog.created_at))
    ).all()
    if len(rows) + incoming <= RATE_MAX_FILES:
        return 0
    oldest = rows[max(0, len(rows) + incoming - RATE_MAX_FILES - 1)]
    return max(1, int((oldest + RATE_WINDOW - now).total_seconds()) + 1)


def log_intake(
    session: Session, *, channel: str, address: str, officer_id: int | None, kind: str, count: int = 1
) -> None:
    for _ in range(count):
        session.add(IntakeLog(channel=channel, address=address, officer_id=officer_id, kind=kind))


def log_stranger(session: Session, *, channel: str, address: str, every: timedelta = timedelta(minutes=10)) -> bool:
    """One log line per stranger address per window (nothing they send is kept); True if written."""
    since = utcnow() - every
    recent = session.exec(
        select(func.count()).select_from(IntakeLog).where(
            IntakeLog.address == address, IntakeLog.channel == channel, IntakeLog.kind == "stranger",
            IntakeLog.created_at > since,
        )
    ).one()
    if recent:
        return False
    session.add(IntakeLog(channel=channel, address=address, kind="stranger"))
    return True


def purge_bookkeeping(
    session: Session,
    *,
    now: datetime,
    data_dir: Path,
    keep_updates: timedelta = timedelta(days=7),
    keep_log: timedelta = timedelta(days=30),
) -> dict[str, int]:
    """Forget old update ids, handled inbox rows, intake log lines, and partial files of expired upload links."""
    from sqlalchemy import delete

    from core.intake.models import InboundUpdate, ProcessedUpdate, UploadSession

    # Telegram redelivers for at most a day: a week of update ids is plenty for exactly-once.
    updates = session.execute(delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < now - keep_updates))
    lines = session.execute(delete(IntakeLog).where(col(IntakeLog.created_at) < now - keep_log))
    handled = session.execute(delete(InboundUpdate).where(col(InboundUpdate.handled_at).is_not(None),
                                                          col(InboundUpdate.handled_at) < now - keep_updates))
    parts = 0
    expired = session.exec(select(UploadSession.id).where(col(UploadSession.expires_at) < now,
                                                          col(UploadSession.completed_at).is_(None))).all()
    for upload_id in expired:
        part = data_dir / "uploads" / f"{upload_id}.part"
        if part.exists():
            part.unlink()
            parts += 1
    # Session.execute() is typed as returning Result; a DELETE gives a CursorResult, which has rowcount.
    return {"processed_updates": updates.rowcount, "inbox": handled.rowcount,  # type: ignore[attr-defined]
            "intake_log": lines.rowcount, "upload_parts": parts}  # type: ignore[attr-defined]
