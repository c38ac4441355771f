"""Tables of accounts: WebSession, MfaState, RecoveryCode, ApiToken."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from core.types import UTCDateTime, utcnow


class WebSession(SQLModel, table=True):
    """A logged-in browser: the cookie carries a random token, the server keeps its hash and can end it."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    ended_reason: str | None = Field(default=None, sa_type=String(16))  # logout | idle | password | everywhere | ...
    address: str | None = Field(default=None, sa_type=String(64))
    user_agent: str | None = Field(default=None, sa_type=String(200))


class MfaState(SQLModel, table=True):
    """The last TOTP time step an officer used (a code is good once) and when TOTP was enrolled."""

    __tablename__ = "mfa_state"

    officer_id: int = Field(foreign_key="officer.id", primary_key=True)
    last_step: int = 0
    enrolled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RecoveryCode(SQLModel, table=True):
    """A one-time code to log in without the authenticator; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    code_hash: str = Field(sa_type=String(255))  # argon2id, salted: checked against the officer's own codes
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A personal API token: it acts as its officer, with the officer's scope; only the hash is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    name: str = Field(sa_type=String(100))
    prefix: str = Field(sa_type=String(12))  # shown in lists so the owner can tell tokens apart
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    alert_source: bool = False  # may POST CAP messages to /api/v1/alerts (and nothing more than its officer)
