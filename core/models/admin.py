"""Tables of the admin web: second factors, API tokens, edit locks, translation requests, search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlmodel import Field, SQLModel

from core.models.content import Submission
from core.models.types import UTCDateTime, utcnow


class MfaState(SQLModel, table=True):
    """The last TOTP time step an officer used (a code is good once) and when TOTP was enrolled."""

    __tablename__ = "mfa_state"

    officer_id: int = Field(foreign_key="officer.id", primary_key=True)
    last_step: int = 0
    enrolled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RecoveryCode(SQLModel, table=True):
    """A one-time code to log in without the authenticator; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    code_hash: str = Field(sa_type=String(64), unique=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A personal API token: it acts as its officer, with the officer's scope; only the hash is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    name: str = Field(sa_type=String(100))
    prefix: str = Field(sa_type=String(12))  # shown in lists so the owner can tell tokens apart
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


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
