"""Tables of intake: Submission, MediaAsset, Transcript, SubtitleTrack, Conversation, ProcessedUpdate,
UploadSession, IntakeLog, InboundUpdate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.types import UTCDateTime, utcnow


class Submission(SQLModel, table=True):
    """What one officer sent in one go (one message, one album or one web form)."""

    __tablename__ = "submission"

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, sa_type=String(20), unique=True, index=True)  # BT-2412-0042
    officer_id: int = Field(foreign_key="officer.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    channel: str = Field(sa_type=String(16), index=True)
    state: str = Field(default="draft", sa_type=String(24), index=True)  # SubmissionState
    kind: str | None = Field(default=None, sa_type=String(16))  # MediaKind of the main asset
    category: str | None = Field(default=None, sa_type=String(4), index=True)
    target_kind: str | None = Field(default=None, sa_type=String(16))
    target_cluster_id: int | None = Field(default=None, foreign_key="cluster.id")
    wished_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    wished_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    title: str | None = Field(default=None, sa_type=String(300))
    caption: str | None = Field(default=None, sa_type=Text)
    body: str | None = Field(default=None, sa_type=Text)  # a written notice
    is_emergency: bool = Field(default=False, index=True)
    language: str | None = Field(default=None, sa_type=String(16))
    language_confidence: float | None = None
    language_needs_review: bool = False
    progress: int = 0  # percent of the media job, shown to the officer
    progress_step: str | None = Field(default=None, sa_type=String(32))
    failure_reason: str | None = Field(default=None, sa_type=Text)
    dedupe_key: str | None = Field(default=None, sa_type=String(128), index=True)
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MediaAsset(SQLModel, table=True):
    """One file in the media store: an original as received, or a file derived from it."""

    __tablename__ = "media_asset"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    derived_from_id: int | None = Field(default=None, foreign_key="media_asset.id", index=True)
    role: str = Field(sa_type=String(16))  # AssetRole
    kind: str | None = Field(default=None, sa_type=String(16))  # MediaKind, decided from content
    sha256: str = Field(sa_type=String(64), index=True)
    size_bytes: int = Field(sa_type=BigInteger)
    mime: str | None = Field(default=None, sa_type=String(100))
    filename: str | None = Field(default=None, sa_type=String(255))  # as the phone named it
    position: int = 0  # order inside an album
    source_ref: str | None = Field(default=None, sa_type=String(128), index=True)  # e.g. file_unique_id
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    probe: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Transcript(SQLModel, table=True):
    """Speech-to-text of one asset; `status` says 'unavailable' when no model is configured."""

    __tablename__ = "transcript"

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="media_asset.id", index=True)
    status: str = Field(default="pending", sa_type=String(16))  # JobStatus
    model: str | None = Field(default=None, sa_type=String(200))
    language: str | None = Field(default=None, sa_type=String(16))
    language_probability: float | None = None
    text: str | None = Field(default=None, sa_type=Text)
    segments: list[dict[str, Any]] | None = Field(default=None, sa_type=JSON)
    detail: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SubtitleTrack(SQLModel, table=True):
    """A WebVTT track for a submission's video: from the transcript, or a translation."""

    __tablename__ = "subtitle_track"
    __table_args__ = (UniqueConstraint("submission_id", "language", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    language: str = Field(sa_type=String(16))
    kind: str = Field(default="transcript", sa_type=String(16))  # transcript | translation
    vtt: str = Field(sa_type=Text)
    created_by_id: int | None = Field(default=None, foreign_key="officer.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InboundUpdate(SQLModel, table=True):
    """One update as the platform sent it; `handled_at` stays empty until the dispatcher has finished with it."""

    __tablename__ = "inbound_update"
    __table_args__ = (UniqueConstraint("channel", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(sa_type=String(16))
    key: str = Field(sa_type=String(96))  # Telegram: the update_id
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = 0


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
