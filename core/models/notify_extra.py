"""Delivery pacing shared by every worker process, and the history of deadline-rule edits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlmodel import Field, SQLModel

from core.models.types import UTCDateTime, utcnow


class DeliveryPace(SQLModel, table=True):
    """When a channel (key "telegram") or one chat ("telegram:<chat>") may next receive a message.

    Kept in the database so that every worker on every machine paces against the same clock:
    epoch seconds, because the pacing arithmetic happens inside one UPDATE.
    """

    __tablename__ = "delivery_pace"

    key: str = Field(sa_type=String(100), primary_key=True)
    next_at: float = 0.0  # epoch seconds; nothing is sent on this key before
    failures: int = 0  # consecutive network failures on a channel key: the shared back-off


class DeadlineRuleVersion(SQLModel, table=True):
    """A deadline rule as it was before an edit: obligations follow the new rule, history stays."""

    __tablename__ = "deadline_rule_version"

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="deadline_rule.id", index=True)
    valid_until: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    changed_by_id: int | None = Field(default=None, foreign_key="officer.id")
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    note: str | None = Field(default=None, sa_type=Text)
