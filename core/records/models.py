"""Tables of records: AuditEvent, TaskRun, Report, PlaySummary, AuditCheckpoint."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, Text, UniqueConstraint
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


class Report(SQLModel, table=True):
    """A generated report (Điều 14): its texts are edited while a draft; `final` stores the file and the figures."""

    __tablename__ = "report"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(16), index=True)  # annual | quarterly | adhoc
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # None: the provincial synthesis
    period_start: date
    period_end: date
    year: int | None = None  # annual reports: the data year
    number: str | None = Field(default=None, sa_type=String(40))  # "05/BC-UBND"
    place: str = Field(default="Lai Châu", sa_type=String(80))
    texts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # prose sections written by the unit
    figures: dict[str, Any] | None = Field(default=None, sa_type=JSON)  # frozen when final
    status: str = Field(default="draft", sa_type=String(16), index=True)  # draft | final
    obligation_id: int | None = Field(default=None, foreign_key="obligation.id")
    media_asset_id: int | None = Field(default=None, foreign_key="media_asset.id")
    created_by_id: int | None = Field(default=None, foreign_key="officer.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finalised_by_id: int | None = Field(default=None, foreign_key="officer.id")
    finalised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PlaySummary(SQLModel, table=True):
    """What removed plays of one board, local day, item and kind contributed to the reports (retention keeps it)."""

    __tablename__ = "play_summary"
    __table_args__ = (UniqueConstraint("board_id", "day", "content_item_id", "emergency"),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    day: date = Field(index=True)  # local day of the plays' start
    content_item_id: int | None = Field(default=None, foreign_key="content_item.id")
    emergency: bool = False
    plays: int = 0
    aired_ms: int = Field(default=0, sa_type=BigInteger)
    morning_ms: int = Field(default=0, sa_type=BigInteger)
    afternoon_ms: int = Field(default=0, sa_type=BigInteger)


class AuditCheckpoint(SQLModel, table=True):
    """The audit chain's head where old events were cut: the verifier starts from here; signed with the secret key."""

    __tablename__ = "audit_checkpoint"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)  # the last removed event
    hash: str = Field(sa_type=String(64))
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    cut_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    signature: str = Field(sa_type=String(128))
