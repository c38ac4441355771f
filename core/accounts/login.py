"""Password login with lock-out after repeated failures; every attempt lands in the audit log."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from core.accounts.passwords import hash_password, needs_rehash, verify_password
from core.errors import BangtinError
from core.org.models import Officer
from core.records import audit
from core.settings import Settings
from core.types import utcnow

# Verified against when the username is unknown, so timing does not tell which usernames exist.
_DUMMY_HASH = hash_password("bangtin-dummy-password")


class LoginFailed(BangtinError):
    """`reason` is `invalid` or `locked`; the page shows the same words for unknown users."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def authenticate(session: Session, *, settings: Settings, username: str, password: str, actor: audit.Actor) -> Officer:
    """Return the active officer whose password matches, counting failures and locking after too many."""
    now = utcnow()
    username = username.strip().lower()
    officer = session.exec(select(Officer).where(Officer.username == username)).first()
    attempt = audit.Actor(label=username or "?", channel=actor.channel, address=actor.address)
    if officer is None or not officer.is_active:
        verify_password(_DUMMY_HASH, password)
        audit.record(session, actor=attempt, action="auth.login_failed", after={"username": username})
        raise LoginFailed("invalid")
    attempt = audit.Actor(label=username, channel=actor.channel, officer_id=officer.id, address=actor.address)
    if officer.locked_until is not None and officer.locked_until > now:
        verify_password(_DUMMY_HASH, password)  # as slow as any other refusal: timing tells nothing either
        audit.record(session, actor=attempt, action="auth.login_locked", object_type="officer", object_id=officer.id)
        raise LoginFailed("locked")
    if not verify_password(officer.password_hash, password):
        officer.failed_logins += 1
        locked = officer.failed_logins >= settings.login_max_failures
        if locked:
            officer.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
            officer.failed_logins = 0
        session.add(officer)
        audit.record(session, actor=attempt, action="auth.login_failed", object_type="officer", object_id=officer.id,
                     after={"locked": locked})
        raise LoginFailed("locked" if locked else "invalid")
    officer.failed_logins = 0
    officer.locked_until = None
    officer.last_login_at = now
    if officer.password_hash and needs_rehash(officer.password_hash):
        officer.password_hash = hash_password(password)
    session.add(officer)
    audit.record(session, actor=attempt, action="auth.login", object_type="officer", object_id=officer.id)
    return officer


def log_out_everywhere(session: Session, *, officer: Officer, actor: audit.Actor) -> int:
    """End every web session of the officer, this one included."""
    from core.accounts import sessions

    ended = sessions.end_all(session, officer_id=officer.id or 0, reason="everywhere")
    audit.record(session, actor=actor, action="auth.logout_everywhere", object_type="officer", object_id=officer.id,
                 after={"sessions_ended": ended})
    return ended
