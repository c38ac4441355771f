"""Password hashing (argon2id) and the password rules of REQUIREMENTS.md ("Related rules")."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import Invalid

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
        raise Invalid(f"password must have at least {minimum} characters", field="password")
    if password.strip() != password or len(set(password)) < 4:
        raise Invalid("password is too simple", field="password")
