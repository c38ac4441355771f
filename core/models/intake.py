"""Chat intake bookkeeping: conversation state, processed updates, upload sessions, the intake log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import UTCDateTime, utcnow


class Conversation(SQLModel, table=True):
    """Where one chat (channel + address) stands in the intake conversation; ours, not a library's."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(16))
    address: str = Field(sa_type=String(64))  # chat id on the channel, or "officer:<id>" on the web
    officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    step: str = Field(default="idle", sa_type=String(24))
    submission_id: int | None = Field(default=None, foreign_key="submission.id")
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """An inbound update already handled: a redelivery with the same key is ignored (exactly once)."""

    __tablename__ = "processed_update"
    __table_args__ = (UniqueConstraint("channel", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(16))
    key: str = Field(sa_type=String(96))
    processed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class UploadSession(SQLModel, table=True):
    """A personal, single-use, expiring link to upload one large file in resumable chunks."""

    __tablename__ = "upload_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    filename: str | None = Field(default=None, sa_type=String(255))
    mime: str | None = Field(default=None, sa_type=String(100))
    source_ref: str | None = Field(default=None, sa_type=String(128))
    declared_size: int | None = Field(default=None, sa_type=BigInteger)  # as the chat platform said
    total_size: int | None = Field(default=None, sa_type=BigInteger)  # as the page announced
    received_bytes: int = Field(default=0, sa_type=BigInteger)
    media_asset_id: int | None = Field(default=None, foreign_key="media_asset.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IntakeLog(SQLModel, table=True):
    """One line per inbound item, for rate limits; strangers get at most one line per window."""

    __tablename__ = "intake_log"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(16))
    address: str = Field(sa_type=String(64), index=True)
    officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    kind: str = Field(sa_type=String(16))  # stranger | media | text | throttled
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
