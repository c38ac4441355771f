"""What officers send and what editors make of it: submissions, media, transcripts, reviews, items."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import UTCDateTime, utcnow


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


class Review(SQLModel, table=True):
    """One editor decision or correction on a submission (kept, so accuracy can be measured)."""

    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    reviewer_id: int = Field(foreign_key="officer.id", index=True)
    decision: str = Field(sa_type=String(24))  # Decision
    reason: str | None = Field(default=None, sa_type=Text)
    changes: dict[str, Any] | None = Field(default=None, sa_type=JSON)  # field -> [before, after]
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContentItem(SQLModel, table=True):
    """What editors approved for airing: category, languages, validity, priority."""

    __tablename__ = "content_item"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    title: str = Field(sa_type=String(300))
    description: str | None = Field(default=None, sa_type=Text)
    body: str | None = Field(default=None, sa_type=Text)  # text notices
    kind: str = Field(sa_type=String(16))  # MediaKind
    category: str = Field(sa_type=String(4), index=True)
    languages: list[str] = Field(default_factory=list, sa_type=JSON)
    priority: str = Field(default="normal", sa_type=String(16))
    media_asset_id: int | None = Field(default=None, foreign_key="media_asset.id")
    duration_s: float | None = None
    valid_from: datetime = Field(sa_type=UTCDateTime, index=True)
    valid_to: datetime = Field(sa_type=UTCDateTime, index=True)
    is_active: bool = True
    approved_by_id: int | None = Field(default=None, foreign_key="officer.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ContentTarget(SQLModel, table=True):
    """Where an item may air: one cluster, one board, every cluster of a kind, or all."""

    __tablename__ = "content_target"

    id: int | None = Field(default=None, primary_key=True)
    content_item_id: int = Field(foreign_key="content_item.id", index=True)
    target_kind: str = Field(sa_type=String(16))  # cluster | board | cluster_kind | all
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    board_id: int | None = Field(default=None, foreign_key="board.id", index=True)
    cluster_kind: str | None = Field(default=None, sa_type=String(16))
