"""Tables of notify: Notification, DeliveryPace, DeadlineRule(+Unit, +Version), Obligation, Reminder, and the Zalo
channel's state (ZaloContact, ZaloToken, ZnsTemplate)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.types import UTCDateTime, utcnow


class DeadlineRule(SQLModel, table=True):
    """A recurring duty: who must send what by which day, and when to remind them."""

    __tablename__ = "deadline_rule"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True, index=True)
    name: str = Field(sa_type=String(300))
    article: str | None = Field(default=None, sa_type=String(40))  # e.g. "Điều 10.1.c"
    recurrence: str = Field(sa_type=String(16))  # Recurrence
    due_day: int  # day of the month the duty falls due
    due_month: int | None = None  # yearly rules; quarterly rules use the quarter's last month
    due_exclusive: bool = False  # "before 15 December": due the day before
    due_working_day: bool = False  # a due day off work moves back to the working day before (31: last working day)
    period_cutoff_day: int | None = None  # 15: periods run 15th→14th (Decree 09/2019)
    applies_to_kinds: list[str] = Field(default_factory=list, sa_type=JSON)  # UnitKind values
    applies_to_duty: str | None = Field(default=None, sa_type=String(32))  # or units holding a Duty
    fulfilment: str = Field(default="submission", sa_type=String(16))  # Fulfilment
    fulfil_categories: list[str] = Field(default_factory=list, sa_type=JSON)
    fulfil_kinds: list[str] = Field(default_factory=list, sa_type=JSON)
    min_count: int = 1
    reminder_offsets: list[int] = Field(default_factory=lambda: [-7, -3, -1, 0, 1, 3], sa_type=JSON)
    is_active: bool = True
    valid_from: date | None = None  # no obligations for periods ended before (a rule made mid-year); None: all
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeadlineRuleUnit(SQLModel, table=True):
    """A unit named one by one in a rule (beside the kinds it applies to)."""

    __tablename__ = "deadline_rule_unit"
    __table_args__ = (UniqueConstraint("rule_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="deadline_rule.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")


class Obligation(SQLModel, table=True):
    """One unit's duty under one rule for one period."""

    __tablename__ = "obligation"
    __table_args__ = (UniqueConstraint("rule_id", "unit_id", "period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="deadline_rule.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period_start: date
    period_end: date
    due_on: date = Field(index=True)
    status: str = Field(default="open", sa_type=String(16), index=True)  # ObligationStatus
    fulfilled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fulfilled_by_submission_id: int | None = Field(default=None, foreign_key="submission.id")
    fulfilled_by_id: int | None = Field(default=None, foreign_key="officer.id")
    note: str | None = Field(default=None, sa_type=Text)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Reminder(SQLModel, table=True):
    """A reminder of an obligation at one offset; unique, so a second run sends nothing twice."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("obligation_id", "offset_days"),)

    id: int | None = Field(default=None, primary_key=True)
    obligation_id: int = Field(foreign_key="obligation.id", index=True)
    offset_days: int
    scheduled_for: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    run_id: int | None = Field(default=None, foreign_key="task_run.id")


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
    channel: str | None = Field(default=None, sa_type=String(16))  # the channel that carried it (telegram|zalo|zns|web)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # web inbox: when the officer read it


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


class ZaloContact(SQLModel, table=True):
    """One Zalo user as the OA sees them: the free-reply window and the choices last offered.

    In the database so every web process and worker sees the same window: Zalo allows free
    (consultation) replies for 48 hours after the user's last message, at most 8 of them.
    """

    __tablename__ = "zalo_contact"

    user_id: str = Field(sa_type=String(64), primary_key=True)
    last_inbound_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replies_used: int = 0  # consultation messages sent since `last_inbound_at`
    followed: bool = True
    choices: list[list[str]] = Field(default_factory=list, sa_type=JSON)  # [[action, value], …] numbered from 1
    choices_ref: int | None = None  # the draft those choices belong to
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ZaloToken(SQLModel, table=True):
    """The OA's OAuth pair (one row, id 1). Refresh tokens are single-use: the row is locked while refreshing."""

    __tablename__ = "zalo_token"

    id: int = Field(default=1, primary_key=True)
    access_token: str = Field(sa_type=Text)
    refresh_token: str = Field(sa_type=Text)
    access_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: unknown (from settings)
    refresh_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    generation: int = 0  # +1 per refresh: a worker that waited on the lock sees someone else refreshed
    refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    broken: str | None = Field(default=None, sa_type=Text)  # why the chain broke: an administrator pastes a new code


class ZnsTemplate(SQLModel, table=True):
    """A ZNS template approved by Zalo for one event: its id and which payload value fills each parameter."""

    __tablename__ = "zns_template"

    event: str = Field(sa_type=String(64), primary_key=True)
    template_id: str = Field(sa_type=String(64))
    params: dict[str, str] = Field(default_factory=dict, sa_type=JSON)  # template parameter -> payload key
    is_active: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
