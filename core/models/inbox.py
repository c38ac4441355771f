"""The webhook inbox: every inbound update is written here before we answer, so a crash loses nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.types import UTCDateTime, utcnow


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
