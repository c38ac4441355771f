"""Personal API tokens: shown once, stored as a hash, acting with their officer's scope."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.accounts.models import ApiToken
from core.errors import Invalid, NotFound
from core.org.models import Officer
from core.records import audit
from core.types import Role, utcnow

PREFIX = "bt_"
MAX_DAYS = 366


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_grant_alert_source(officer: Officer) -> bool:
    """Only administrators make tokens that may send CAP warnings (they can start emergencies)."""
    return officer.role == Role.administrator.value


def create(session: Session, *, officer: Officer, name: str, days: int, actor: audit.Actor,
           alert_source: bool = False) -> tuple[ApiToken, str]:
    """A new token for the officer; the clear text is returned once and never stored."""
    name = " ".join(name.split())
    if not name:
        raise Invalid("give the token a name", field="name")
    if not 1 <= days <= MAX_DAYS:
        raise Invalid("a token lives between 1 and 366 days", field="days")
    if officer.role == Role.contributor.value:
        raise Invalid("contributors send through the chat bot, not the API", field="name")
    if alert_source and not may_grant_alert_source(officer):
        raise Invalid("only administrators make alert source tokens", field="alert_source")
    clear = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(officer_id=officer.id, name=name[:100], prefix=clear[:10], token_hash=digest(clear),  # type: ignore[arg-type]
                   expires_at=utcnow() + timedelta(days=days), alert_source=alert_source)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="api_token.created", object_type="api_token", object_id=row.id,
                 after={"name": row.name, "prefix": row.prefix, "expires_at": row.expires_at,
                        "alert_source": alert_source})
    return row, clear


def list_for(session: Session, *, officer_id: int) -> list[ApiToken]:
    """The officer's tokens, newest first."""
    return list(session.exec(select(ApiToken).where(ApiToken.officer_id == officer_id)
                             .order_by(col(ApiToken.created_at).desc())).all())


def revoke(session: Session, *, officer: Officer, token_id: int, actor: audit.Actor) -> ApiToken:
    """Revoke one of the officer's own tokens (someone else's is NotFound)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.officer_id != officer.id:
        raise NotFound("not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        audit.record(session, actor=actor, action="api_token.revoked", object_type="api_token", object_id=row.id)
    return row


def officer_for(session: Session, *, token: str) -> Officer | None:
    """The active officer behind a valid, unexpired, unrevoked token; None otherwise."""
    found = token_and_officer(session, token=token)
    return found[1] if found else None


def token_and_officer(session: Session, *, token: str) -> tuple[ApiToken, Officer] | None:
    """The valid token's row and its active officer; None otherwise."""
    if not token.startswith(PREFIX):
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    officer = session.get(Officer, row.officer_id)
    if officer is None or not officer.is_active:
        return None
    return row, officer


def touch(session: Session, *, token: str, now: datetime) -> None:
    """Note that `token` was used: at most one write an hour, so "last used" costs no write per call."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    if row is not None and (row.last_used_at is None or row.last_used_at < now - timedelta(hours=1)):
        row.last_used_at = now
        session.add(row)
