"""Tables of alerts: AlertMessage (every CAP message received, with its original XML) and AlertPolicy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlmodel import Field, SQLModel

from core.types import UTCDateTime, utcnow


class AlertMessage(SQLModel, table=True):
    """One CAP message as received (kept whole) and what was done with it."""

    __tablename__ = "alert_message"

    id: int | None = Field(default=None, primary_key=True)
    identifier: str | None = Field(default=None, sa_type=String(255), unique=True)  # None: refused before parsing
    sender: str | None = Field(default=None, sa_type=String(255), index=True)
    sent: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str | None = Field(default=None, sa_type=String(16))  # Actual | Exercise | System | Test | Draft
    msg_type: str | None = Field(default=None, sa_type=String(16))  # Alert | Update | Cancel | Ack | Error
    event: str | None = Field(default=None, sa_type=String(255))
    urgency: str | None = Field(default=None, sa_type=String(16))
    severity: str | None = Field(default=None, sa_type=String(16))
    certainty: str | None = Field(default=None, sa_type=String(16))
    language: str | None = Field(default=None, sa_type=String(16))
    headline: str | None = Field(default=None, sa_type=Text)
    description: str | None = Field(default=None, sa_type=Text)
    areas: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    references: list[str] = Field(default_factory=list, sa_type=JSON)  # identifiers of earlier messages
    unit_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    cluster_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    expires: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    xml: str = Field(sa_type=Text)
    via: str = Field(sa_type=String(16))  # api | feed | cli
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # emergency | updated | cancelled | for_editor | logged | no_match | unknown_reference | refused | expired
    outcome: str = Field(sa_type=String(24), index=True)
    reason: str | None = Field(default=None, sa_type=Text)
    needs_editor: bool = False  # shown in another language than Vietnamese, or waiting as a submission
    emergency_id: int | None = Field(default=None, foreign_key="emergency.id")
    submission_id: int | None = Field(default=None, foreign_key="submission.id")
    ended_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime
    )  # its emergency stopped (cancel, update, expiry)


class AlertPolicy(SQLModel, table=True):
    """Which sender may start an emergency without a person, and at which severities.

    `sender` is a CAP sender exactly, or `*` for any sender. No row for a sender: its severe alerts
    wait for an editor like lesser ones.
    """

    __tablename__ = "alert_policy"

    id: int | None = Field(default=None, primary_key=True)
    sender: str = Field(sa_type=String(255), unique=True)
    severities: list[str] = Field(default_factory=list, sa_type=JSON)  # subset of Extreme, Severe
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
