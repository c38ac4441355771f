"""Password hashing (argon2id) and the password rules of REQUIREMENTS.md ("Related rules")."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from core.errors import FieldInvalid, Invalid
from core.org.models import Officer
from core.records import audit
from core.settings import Settings

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing or broken hash never matches."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_password_rules(password: str, *, has_mfa: bool, min_with_mfa: int, min_without_mfa: int) -> None:
    """≥ min_with_mfa characters with two-factor, ≥ min_without_mfa without (Decree 85/2016 level 2)."""
    minimum = min_with_mfa if has_mfa else min_without_mfa
    if len(password) < minimum:
        raise FieldInvalid("password must have at least %(n)s characters", field="password", n=minimum)
    if password.strip() != password or len(set(password)) < 4:
        raise Invalid("password is too simple", field="password")


def change_password(session: Session, *, officer: Officer, current: str, new: str, repeat: str,
                    settings: Settings, actor: audit.Actor, keep_session: str | None = None) -> int:
    """An officer changes their own password, proving the current one first; every other web session ends
    (returns how many)."""
    from core.accounts import sessions

    if not verify_password(officer.password_hash, current):
        raise Invalid("the current password is wrong", field="current")
    if new != repeat:
        raise Invalid("the two new passwords differ", field="repeat")
    if new == current:
        raise Invalid("choose a password different from the current one", field="new")
    check_password_rules(new, has_mfa=bool(officer.totp_secret), min_with_mfa=settings.password_min_length_with_mfa,
                         min_without_mfa=settings.password_min_length_without_mfa)
    officer.password_hash = hash_password(new)
    session.add(officer)
    session.flush()
    ended = sessions.end_all(session, officer_id=officer.id or 0, reason="password", keep_token=keep_session)
    audit.record(session, actor=actor, action="auth.password_changed", object_type="officer", object_id=officer.id,
                 after={"sessions_ended": ended})
    return ended
