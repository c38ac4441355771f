"""Web sessions kept on the server, so that logging out, a password change or "log out everywhere"
ends them: a cookie copied before that no longer opens anything."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.accounts.models import WebSession
from core.org.models import Officer
from core.types import utcnow

TOUCH_EVERY = timedelta(seconds=30)  # write last_seen_at at most this often per session


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, *, officer: Officer, address: str | None, user_agent: str | None) -> str:
    """A new session for the officer; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_digest(token), officer_id=officer.id or 0, address=(address or "")[:64] or None,
                           user_agent=(user_agent or "")[:200] or None))
    session.flush()
    return token


def resume(session: Session, *, token: str, idle: timedelta, now: datetime | None = None) -> WebSession | None:
    """The live session for `token`, its last use moved to now; None (and ended) when idle too long."""
    now = now or utcnow()
    row = session.exec(select(WebSession).where(WebSession.token_hash == _digest(token))).first()
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > idle:
        row.ended_at, row.ended_reason = now, "idle"
        session.add(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return row


def end(session: Session, *, token: str, reason: str) -> None:
    """End one session (logging out)."""
    row = session.exec(select(WebSession).where(WebSession.token_hash == _digest(token))).first()
    if row is not None and row.ended_at is None:
        row.ended_at, row.ended_reason = utcnow(), reason
        session.add(row)


def end_all(session: Session, *, officer_id: int, reason: str, keep_token: str | None = None) -> int:
    """End every live session of the officer (but `keep_token`'s); returns how many ended."""
    keep = _digest(keep_token) if keep_token else None
    rows = session.exec(select(WebSession).where(WebSession.officer_id == officer_id,
                                                 col(WebSession.ended_at).is_(None))).all()
    now, ended = utcnow(), 0
    for row in rows:
        if row.token_hash != keep:
            row.ended_at, row.ended_reason = now, reason
            session.add(row)
            ended += 1
    session.flush()
    return ended


def live(session: Session, *, officer_id: int, idle: timedelta) -> list[WebSession]:
    """The officer's sessions still open (for "log out everywhere" on the account page)."""
    since = utcnow() - idle
    return list(session.exec(select(WebSession).where(WebSession.officer_id == officer_id,
                                                      col(WebSession.ended_at).is_(None),
                                                      col(WebSession.last_seen_at) > since)
                             .order_by(col(WebSession.last_seen_at).desc())).all())


def token_matches(row: WebSession, token: str) -> bool:
    return secrets.compare_digest(row.token_hash, _digest(token))
