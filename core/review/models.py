"""Tables of review: Review, ContentItem, ContentTarget, EditLock, TranslationRequest, ContentSearch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlmodel import Field, SQLModel

from core.intake.models import Submission
from core.types import UTCDateTime, utcnow


class EditLock(SQLModel, table=True):
    """Who is working on a submission until when; one per submission, expiring, breakable."""

    __tablename__ = "edit_lock"

    submission_id: int = Field(foreign_key="submission.id", primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    acquired_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class TranslationRequest(SQLModel, table=True):
    """An editor's request to translate an item (Điều 13.4), answered with a subtitle track."""

    __tablename__ = "translation_request"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    language: str = Field(sa_type=String(16))  # en, zh, …
    assigned_to_id: int = Field(foreign_key="officer.id", index=True)
    requested_by_id: int = Field(foreign_key="officer.id")
    note: str | None = Field(default=None, sa_type=Text)
    state: str = Field(default="open", sa_type=String(16), index=True)  # open | done | cancelled
    subtitle_track_id: int | None = Field(default=None, foreign_key="subtitle_track.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ContentSearch(SQLModel, table=True):
    """Words of a content item folded to plain ASCII (no diacritics, đ→d), for search on any database."""

    __tablename__ = "content_search"

    content_item_id: int = Field(foreign_key="content_item.id", primary_key=True)
    folded: str = Field(sa_type=Text)


# The review queue reads waiting submissions, emergencies first, oldest first: one index serves it,
# and it covers the scope's columns so neither the count nor the page reads a table row.
_s = Submission.__table__.c  # type: ignore[attr-defined]
Index("ix_submission_queue", _s.state, _s.is_emergency, _s.received_at, _s.target_kind, _s.target_cluster_id,
      _s.unit_id, _s.officer_id)


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
    # Advertising law (Luật Quảng cáo): an advertisement shows who advertises and under which licence.
    advertiser_name: str | None = Field(default=None, sa_type=String(200))
    advertiser_address: str | None = Field(default=None, sa_type=String(300))
    ad_licence_ref: str | None = Field(default=None, sa_type=String(120))


class ContentTarget(SQLModel, table=True):
    """Where an item may air: one cluster, one board, every cluster of a kind, or all."""

    __tablename__ = "content_target"

    id: int | None = Field(default=None, primary_key=True)
    content_item_id: int = Field(foreign_key="content_item.id", index=True)
    target_kind: str = Field(sa_type=String(16))  # cluster | board | cluster_kind | all
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    board_id: int | None = Field(default=None, foreign_key="board.id", index=True)
    cluster_kind: str | None = Field(default=None, sa_type=String(16))
