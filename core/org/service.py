"""Units and officers: look-ups by code or exact name, and creating web accounts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core.accounts.passwords import check_password_rules, hash_password
from core.errors import Invalid, NotFound
from core.org.models import Officer, Unit, UnitDuty
from core.records import audit
from core.settings import Settings
from core.types import Duty, Role


def find_unit(session: Session, *, ref: str) -> Unit:
    """The unit whose code or exact name is `ref`."""
    unit = session.exec(select(Unit).where(or_(col(Unit.code) == ref, col(Unit.name) == ref))).first()
    if unit is None:
        raise NotFound(f"no unit with code or name {ref!r} (see `bangtin units list`)")
    return unit


def is_current(unit: Unit, *, on: date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= on) and (unit.valid_to is None or on <= unit.valid_to)


def list_units(session: Session, *, on: date | None = None) -> list[Unit]:
    """Units ordered by kind and name; only those valid on `on` when given."""
    units = session.exec(select(Unit).order_by(Unit.kind, Unit.name)).all()
    return [u for u in units if on is None or is_current(u, on=on)]


def duties_of(session: Session, *, unit_id: int, on: date) -> list[str]:
    rows = session.exec(select(UnitDuty).where(UnitDuty.unit_id == unit_id)).all()
    return sorted(
        d.duty
        for d in rows
        if (d.valid_from is None or d.valid_from <= on) and (d.valid_to is None or on <= d.valid_to)
    )


def units_with_duty(session: Session, *, duty: Duty, on: date) -> list[Unit]:
    """Whichever units hold `duty` on `on` (e.g. the provincial editor unit after a merger)."""
    rows = session.exec(
        select(UnitDuty, Unit).join(Unit, col(Unit.id) == UnitDuty.unit_id).where(UnitDuty.duty == duty)
    ).all()
    return [
        unit
        for d, unit in rows
        if (d.valid_from is None or d.valid_from <= on) and (d.valid_to is None or on <= d.valid_to)
    ]


def editors_on(session: Session, *, on: date,
               roles: tuple[Role, ...] = (Role.editor, Role.administrator)) -> list[Officer]:
    """The active officers of the provincial editor unit(s) on `on` holding one of `roles`, by id."""
    unit_ids = {u.id for u in units_with_duty(session, duty=Duty.provincial_editor, on=on)}
    if not unit_ids:
        return []
    return list(session.exec(select(Officer).where(col(Officer.unit_id).in_(unit_ids), col(Officer.is_active),
                                                   col(Officer.role).in_([r.value for r in roles]))
                             .order_by(col(Officer.id))).all())


def create_user(
    session: Session,
    *,
    settings: Settings,
    actor: audit.Actor,
    username: str,
    password: str,
    role: str,
    unit_ref: str,
    full_name: str | None = None,
) -> Officer:
    """Create a personal web account for an officer of a unit."""
    if role not in {r.value for r in Role}:
        raise Invalid(f"unknown role {role!r}; one of: {', '.join(r.value for r in Role)}", field="role")
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise Invalid("username may hold letters, digits, '.', '_' and '-'", field="username")
    if session.exec(select(Officer).where(Officer.username == username)).first():
        raise Invalid(f"username {username!r} is taken", field="username")
    check_password_rules(
        password,
        has_mfa=False,
        min_with_mfa=settings.password_min_length_with_mfa,
        min_without_mfa=settings.password_min_length_without_mfa,
    )
    unit = find_unit(session, ref=unit_ref)
    officer = Officer(
        unit_id=unit.id,  # type: ignore[arg-type]
        full_name=full_name or username,
        role=role,
        username=username,
        password_hash=hash_password(password),
    )
    session.add(officer)
    session.flush()
    audit.record(
        session, actor=actor, action="officer.created", object_type="officer", object_id=officer.id,
        after=audit.snapshot(officer),
    )
    return officer
