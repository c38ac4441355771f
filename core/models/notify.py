"""The notifications outbox: everything the system tells a person, written with the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlmodel import Field, SQLModel

from core.models.types import UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    """One message for one person about one event; `dedupe_key` makes it once per event, ever."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(sa_type=String(200), unique=True)  # "<event>:<object>:<officer>"
    officer_id: int = Field(foreign_key="officer.id", index=True)
    channel_account_id: int | None = Field(default=None, foreign_key="channel_account.id")
    event: str = Field(sa_type=String(64), index=True)  # dotted: review.approved, play.first
    object_type: str | None = Field(default=None, sa_type=String(40))
    object_id: int | None = None
    language: str = Field(default="vi", sa_type=String(8))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    urgent: bool = False  # emergencies ignore quiet hours
    state: str = Field(default="queued", sa_type=String(16), index=True)  # NotificationState
    attempts: int = 0
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
