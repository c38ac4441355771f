"""Tables of records: AuditEvent, TaskRun."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlmodel import Field, SQLModel

from core.types import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """Who did what, when, from where, with the values before and after."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)  # 1, 2, 3 … with no gaps
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    actor_label: str = Field(sa_type=String(200))  # kept even if the officer is later removed
    channel: str = Field(sa_type=String(16))  # Channel
    address: str | None = Field(default=None, sa_type=String(64))  # IP or chat id
    action: str = Field(sa_type=String(64), index=True)  # dotted: unit.created, auth.login_failed
    object_type: str | None = Field(default=None, sa_type=String(40), index=True)
    object_id: str | None = Field(default=None, sa_type=String(64))
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    prev_hash: str = Field(sa_type=String(64), unique=True)
    hash: str = Field(sa_type=String(64), unique=True)


class TaskRun(SQLModel, table=True):
    """Every periodic run (reminders, backups, health sweeps) leaves a row: missed runs are visible."""

    __tablename__ = "task_run"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(64), index=True)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ok: bool | None = None
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    error: str | None = Field(default=None, sa_type=Text)
