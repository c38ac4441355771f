"""TOTP second factor (RFC 6238) with one-time recovery codes; required for administrators."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

import pyotp
from sqlmodel import Session, col, select

from core.accounts.models import MfaState, RecoveryCode
from core.accounts.passwords import hash_password, verify_password
from core.errors import Invalid
from core.org.models import Officer
from core.records import audit
from core.types import Role, utcnow

ISSUER = "bangtin Lai Châu"
RECOVERY_CODES = 10
VALID_WINDOW = 1  # accept the previous and next 30-second step: phone clocks drift


def required_for(officer: Officer) -> bool:
    """Administrators must use a second factor (Decree 85/2016 level 2); others may."""
    return officer.role == Role.administrator.value


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(*, officer: Officer, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=officer.username or str(officer.id), issuer_name=ISSUER)


def _normalise(code: str) -> str:
    return code.replace("-", "").replace(" ", "").strip().lower()


def _hash(code: str) -> str:
    """Salted argon2id, like passwords: a stolen table does not give the codes away."""
    return hash_password(_normalise(code))


def _matches(stored: str, code: str) -> bool:
    if len(stored) == 64 and not stored.startswith("$"):  # a code issued before codes were salted
        return secrets.compare_digest(stored, hashlib.sha256(_normalise(code).encode()).hexdigest())
    return verify_password(stored, _normalise(code))


def _matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, now = pyotp.TOTP(secret), at if at is not None else time.time()
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        moment = now + offset * totp.interval
        if secrets.compare_digest(totp.at(moment), code):
            return int(moment // totp.interval)
    return None


def _issue_recovery_codes(session: Session, *, officer: Officer) -> list[str]:
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.officer_id == officer.id)).all():
        session.delete(old)
    session.flush()
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]  # 64 bits each
    for code in codes:
        session.add(RecoveryCode(officer_id=officer.id, code_hash=_hash(code)))  # type: ignore[arg-type]
    session.flush()
    return codes


def enrol(session: Session, *, officer: Officer, secret: str, code: str, actor: audit.Actor) -> list[str]:
    """Confirm a new authenticator with a code from it; returns fresh recovery codes (shown once)."""
    step = _matching_step(secret, code)
    if step is None:
        raise Invalid("the code does not match: check the phone's clock and type the 6 digits again", field="code")
    officer.totp_secret = secret
    session.add(officer)
    state = session.get(MfaState, officer.id) or MfaState(officer_id=officer.id)  # type: ignore[arg-type]
    state.last_step, state.enrolled_at = step, utcnow()
    session.add(state)
    codes = _issue_recovery_codes(session, officer=officer)
    audit.record(session, actor=actor, action="auth.totp_enrolled", object_type="officer", object_id=officer.id)
    return codes


def disable(session: Session, *, officer: Officer, actor: audit.Actor) -> None:
    """Remove the second factor (refused for roles that require it)."""
    if required_for(officer):
        raise Invalid("administrators must keep two-factor authentication", field="totp")
    officer.totp_secret = None
    session.add(officer)
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.officer_id == officer.id)).all():
        session.delete(old)
    audit.record(session, actor=actor, action="auth.totp_disabled", object_type="officer", object_id=officer.id)


def verify_second_factor(
    session: Session, *, officer: Officer, code: str, actor: audit.Actor, max_failures: int, lock_minutes: int
) -> bool:
    """Check a TOTP code (each usable once) or an unused recovery code; failures count towards the lock."""
    ok, how = False, "totp"
    if officer.totp_secret:
        step = _matching_step(officer.totp_secret, code)
        state = session.get(MfaState, officer.id) or MfaState(officer_id=officer.id)  # type: ignore[arg-type]
        if step is not None and step > state.last_step:
            state.last_step, ok = step, True
            session.add(state)
    if not ok and len(code.strip()) > 6:
        how = "recovery_code"
        unused = session.exec(select(RecoveryCode).where(
            RecoveryCode.officer_id == officer.id, col(RecoveryCode.used_at).is_(None))).all()
        row = next((r for r in unused if _matches(r.code_hash, code)), None)
        if row is not None:
            row.used_at, ok = utcnow(), True
            session.add(row)
    locked = False
    if not ok:
        officer.failed_logins += 1
        if officer.failed_logins >= max_failures:
            officer.locked_until, officer.failed_logins, locked = utcnow() + timedelta(minutes=lock_minutes), 0, True
        session.add(officer)
    action = "auth.second_factor" if ok else "auth.second_factor_failed"
    audit.record(session, actor=actor, action=action, object_type="officer", object_id=officer.id,
                 after={"method": how, "locked": locked})
    return ok


def recovery_codes_left(session: Session, *, officer_id: int) -> int:
    return len(session.exec(select(RecoveryCode.id).where(
        RecoveryCode.officer_id == officer_id, col(RecoveryCode.used_at).is_(None))).all())
