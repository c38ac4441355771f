"""Tables of airing: Cluster, Board, BroadcastWindow, Plan, Emergency, EmergencyTarget, EmergencyAck, Play,
Heartbeat, Incident, PairingRequest, AiringSignal."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.types import UTCDateTime, utcnow


class Cluster(SQLModel, table=True):
    """A group of public boards at one site (Cụm TTĐTCC): `border_gate` or `public`."""

    __tablename__ = "cluster"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True, index=True)
    name: str = Field(sa_type=String(200))
    kind: str = Field(sa_type=String(16), index=True)  # ClusterKind
    operator_unit_id: int = Field(foreign_key="unit.id", index=True)
    commune_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    location: str | None = Field(default=None, sa_type=String(300))
    latitude: float | None = None
    longitude: float | None = None
    ad_cap_percent: float = 10.0  # advertising share of each window (Điều 8.3)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Board(SQLModel, table=True):
    """One screen that plays content; the player authenticates with its own revocable token."""

    __tablename__ = "board"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True, index=True)
    name: str = Field(sa_type=String(200))
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    location: str | None = Field(default=None, sa_type=String(300))
    resolution: str | None = Field(default=None, sa_type=String(20))
    token_hash: str | None = Field(default=None, sa_type=String(64), unique=True)
    token_issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    pairing_code: str | None = Field(default=None, sa_type=String(12))
    status: str = Field(default="unpaired", sa_type=String(16))  # unpaired | online | offline | retired
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    app_version: str | None = Field(default=None, sa_type=String(40))
    installed_on: date | None = None
    yearly_cost_vnd: int | None = Field(default=None, sa_type=BigInteger)  # Điều 11, annual report
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BroadcastWindow(SQLModel, table=True):
    """A daily airing window of a cluster, in local time (Điều 8.1: 3 h morning + 3 h afternoon)."""

    __tablename__ = "broadcast_window"

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    part: str = Field(sa_type=String(16))  # morning | afternoon | evening
    start_local: time
    end_local: time
    weekdays: str = Field(default="1234567", sa_type=String(7))  # ISO weekdays it applies to
    valid_from: date | None = None
    valid_to: date | None = None


class Plan(SQLModel, table=True):
    """The ordered loop of one board for one local day; a rebuild is a new version."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("board_id", "day", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    day: date = Field(index=True)
    version: int = 1
    entries: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    checksum: str = Field(sa_type=String(64))
    flags: list[str] = Field(default_factory=list, sa_type=JSON)  # e.g. "morning_under_minimum"
    built_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Emergency(SQLModel, table=True):
    """An emergency broadcast that overrides plans on its clusters until ended or expired (Điều 8.2)."""

    __tablename__ = "emergency"

    id: int | None = Field(default=None, primary_key=True)
    content_item_id: int | None = Field(default=None, foreign_key="content_item.id")
    text: str | None = Field(default=None, sa_type=Text)
    all_clusters: bool = False
    started_by_id: int = Field(foreign_key="officer.id")
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: until stopped
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by_id: int | None = Field(default=None, foreign_key="officer.id")


class EmergencyTarget(SQLModel, table=True):
    __tablename__ = "emergency_target"
    __table_args__ = (UniqueConstraint("emergency_id", "cluster_id"),)

    id: int | None = Field(default=None, primary_key=True)
    emergency_id: int = Field(foreign_key="emergency.id", index=True)
    cluster_id: int = Field(foreign_key="cluster.id")


class EmergencyAck(SQLModel, table=True):
    """A board's confirmation that it shows the emergency."""

    __tablename__ = "emergency_ack"
    __table_args__ = (UniqueConstraint("emergency_id", "board_id"),)

    id: int | None = Field(default=None, primary_key=True)
    emergency_id: int = Field(foreign_key="emergency.id", index=True)
    board_id: int = Field(foreign_key="board.id")
    acked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Play(SQLModel, table=True):
    """Proof of play: the airing log. `play_uid` is made by the player, so a resend counts once."""

    __tablename__ = "play"
    __table_args__ = (UniqueConstraint("board_id", "play_uid"),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    play_uid: str = Field(sa_type=String(64))
    content_item_id: int | None = Field(default=None, foreign_key="content_item.id", index=True)
    emergency_id: int | None = Field(default=None, foreign_key="emergency.id")
    started_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ended_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Heartbeat(SQLModel, table=True):
    """What a board reported about itself at one moment."""

    __tablename__ = "heartbeat"

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    player_time: datetime | None = Field(default=None, sa_type=UTCDateTime)
    clock_skew_s: float | None = None
    playing_item_id: int | None = Field(default=None, foreign_key="content_item.id")
    cached_ratio: float | None = None  # share of the next 48 h already cached
    free_bytes: int | None = Field(default=None, sa_type=BigInteger)
    app_version: str | None = Field(default=None, sa_type=String(40))


class Incident(SQLModel, table=True):
    """A technical or security incident (Điều 9.3, 12.2), reported or raised by a silent board."""

    __tablename__ = "incident"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(24), index=True)  # board_offline | technical | security
    status: str = Field(default="open", sa_type=String(16), index=True)  # IncidentStatus
    board_id: int | None = Field(default=None, foreign_key="board.id", index=True)
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id")
    reported_by_id: int | None = Field(default=None, foreign_key="officer.id")
    owner_id: int | None = Field(default=None, foreign_key="officer.id")
    title: str = Field(sa_type=String(300))
    description: str | None = Field(default=None, sa_type=Text)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PairingRequest(SQLModel, table=True):
    """A player's request to be paired: it shows `code`, keeps the secret `claim` it was given."""

    __tablename__ = "pairing_request"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(12), unique=True, index=True)
    claim_hash: str = Field(sa_type=String(64), unique=True)  # sha256 of the player's claim secret
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    address: str | None = Field(default=None, sa_type=String(64))
    board_id: int | None = Field(default=None, foreign_key="board.id")  # set when an operator pairs it
    paired_by_id: int | None = Field(default=None, foreign_key="officer.id")
    paired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AiringSignal(SQLModel, table=True):
    """One row whose `seq` grows on every plan or emergency change: web processes poll it for push."""

    __tablename__ = "airing_signal"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(default=0, sa_type=BigInteger)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
