"""Tables of org: Unit, UnitDuty, Officer, ChannelAccount, Invite."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.types import UTCDateTime, utcnow


class Unit(SQLModel, table=True):
    """An agency, commune or company; renamed or merged units end (`valid_to`) and name a successor."""

    __tablename__ = "unit"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True, index=True)
    name: str = Field(sa_type=String(200))
    short_name: str | None = Field(default=None, sa_type=String(80))
    kind: str = Field(sa_type=String(32), index=True)  # UnitKind
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: int | None = Field(default=None, foreign_key="unit.id")
    address: str | None = Field(default=None, sa_type=String(300))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UnitDuty(SQLModel, table=True):
    """A duty of the regulation held by a unit for a period (e.g. the provincial editor unit)."""

    __tablename__ = "unit_duty"
    __table_args__ = (UniqueConstraint("unit_id", "duty", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    duty: str = Field(sa_type=String(32), index=True)  # Duty
    valid_from: date | None = None
    valid_to: date | None = None


class Officer(SQLModel, table=True):
    """A person of a unit; may submit through chat and, with a username, log into the web app."""

    __tablename__ = "officer"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    full_name: str = Field(sa_type=String(160))
    phone: str | None = Field(default=None, sa_type=String(32))  # personal data: only if given
    email: str | None = Field(default=None, sa_type=String(254))  # personal data: the web inbox's e-mail copy
    # Where notifications go, first that can carry one wins (telegram, zalo, web); None: the default order.
    channel_order: list[str] | None = Field(default=None, sa_type=JSON)
    role: str = Field(default="contributor", sa_type=String(32), index=True)  # Role
    username: str | None = Field(default=None, sa_type=String(64), unique=True, index=True)
    password_hash: str | None = Field(default=None, sa_type=String(255))
    totp_secret: str | None = Field(default=None, sa_type=String(64))
    language: str = Field(default="vi", sa_type=String(8))
    contributor_type: str = Field(default="individual", sa_type=String(16))  # royalties, Điều 13.8.b
    is_active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deactivation_reason: str | None = Field(default=None, sa_type=String(16))  # e.g. "idle" (45 days unused)


class ChannelAccount(SQLModel, table=True):
    """An officer's identity on a chat channel (Telegram chat id, Zalo user id)."""

    __tablename__ = "channel_account"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    channel: str = Field(sa_type=String(16))  # Channel
    external_id: str = Field(sa_type=String(64))
    display_name: str | None = Field(default=None, sa_type=String(160))
    language: str | None = Field(default=None, sa_type=String(8))
    is_active: bool = True
    bound_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    unreachable_since: datetime | None = Field(default=None, sa_type=UTCDateTime)  # 403 from the platform


class Invite(SQLModel, table=True):
    """A one-time, expiring invitation that binds a chat account to an officer."""

    __tablename__ = "invite"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    token_hash: str = Field(sa_type=String(64), unique=True)  # sha256 of the deep-link token
    short_code: str = Field(sa_type=String(16), unique=True, index=True)
    created_by_id: int | None = Field(default=None, foreign_key="officer.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
