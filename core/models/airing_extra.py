"""Airing tables added after the foundation: pairing requests and the change signal for push."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlmodel import Field, SQLModel

from core.models.types import UTCDateTime, utcnow


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
