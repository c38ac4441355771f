"""Units (effective-dated, with successors), their officers, and bot invites from the web."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from core.accounts import access
from core.errors import Invalid, NotFound
from core.org import invites, succession
from core.org.invites import IssuedInvite
from core.org.models import Invite, Officer, Unit
from core.records import audit
from core.types import Role, UnitKind, utcnow

UNIT_FIELDS = ("code", "name", "short_name", "kind", "parent_id", "valid_from", "valid_to", "successor_id", "address")


def save_unit(session: Session, *, scope: access.Scope, unit: Unit | None, values: dict[str, Any],
              actor: audit.Actor, today: date) -> Unit:
    """Create or edit a unit (administrators); a merged unit ends with `valid_to` and names its successor.

    A unit saved as already ended hands its officers, clusters and open obligations over at once; one
    that ends later does so the day after its end (`org.carry_over`)."""
    access.require_role(scope.officer, Role.administrator)
    values = {k: v for k, v in values.items() if k in UNIT_FIELDS}
    values["code"] = (values.get("code") or "").strip().upper()
    values["name"] = " ".join((values.get("name") or "").split())
    if not values["code"]:
        raise Invalid("the code is empty", field="code")
    if not values["name"]:
        raise Invalid("the name is empty", field="name")
    if values.get("kind") not in {k.value for k in UnitKind}:
        raise Invalid("choose the kind of unit", field="kind")
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and end < start:
        raise Invalid("the unit ends before it starts", field="valid_to")
    if values.get("successor_id") and unit is not None and values["successor_id"] == unit.id:
        raise Invalid("a unit cannot succeed itself", field="successor_id")
    if values.get("successor_id") and not end:
        raise Invalid("a unit with a successor needs an end date", field="valid_to")
    clash = session.exec(select(Unit).where(Unit.code == values["code"])).first()
    if clash is not None and (unit is None or clash.id != unit.id):
        raise Invalid("this code is taken", field="code")
    before = audit.snapshot(unit) if unit else None
    unit = unit or Unit(code=values["code"], name=values["name"], kind=values["kind"])
    for key, value in values.items():
        setattr(unit, key, value)
    session.add(unit)
    session.flush()
    audit.record(session, actor=actor, action="unit.updated" if before else "unit.created", object_type="unit",
                 object_id=unit.id, before=before, after=audit.snapshot(unit))
    if unit.valid_to is not None and unit.valid_to < today and unit.successor_id:
        succession.carry_over(session, today=today, actor=actor)
    return unit


def officers_of(session: Session, *, scope: access.Scope, unit_id: int) -> list[Officer]:
    """The unit's officers (deactivated ones too, marked), if the officer may see them."""
    if not (scope.role in {Role.administrator.value, Role.inspector.value}
            or access.may_manage_officers_of(scope, unit_id=unit_id)):
        return []
    return list(session.exec(select(Officer).where(Officer.unit_id == unit_id)
                             .order_by(col(Officer.is_active).desc(), col(Officer.full_name))).all())


def _managed(session: Session, scope: access.Scope, officer_id: int) -> Officer:
    officer = session.get(Officer, officer_id)
    if officer is None or not access.may_manage_officer(scope, officer=officer):
        raise NotFound("not found")
    return officer


def add_officer(session: Session, *, scope: access.Scope, unit_id: int, full_name: str, phone: str | None,
                actor: audit.Actor) -> Officer:
    """Register a contributor of the unit (they join the bot with an invite)."""
    if not access.may_manage_officers_of(scope, unit_id=unit_id) or session.get(Unit, unit_id) is None:
        raise NotFound("not found")
    full_name = " ".join(full_name.split())
    if not full_name:
        raise Invalid("the name is empty", field="full_name")
    phone = (phone or "").strip() or None
    if phone and not phone.replace("+", "").replace(" ", "").isdigit():
        raise Invalid("a phone number holds digits only", field="phone")
    officer = Officer(unit_id=unit_id, full_name=full_name, phone=phone, role=Role.contributor.value)
    session.add(officer)
    session.flush()
    audit.record(session, actor=actor, action="officer.created", object_type="officer", object_id=officer.id,
                 after=audit.snapshot(officer))
    return officer


def invite(session: Session, *, scope: access.Scope, officer_id: int, actor: audit.Actor) -> IssuedInvite:
    """Issue a fresh bot invite to an active officer the caller manages."""
    officer = _managed(session, scope, officer_id)
    if not officer.is_active:
        raise Invalid("this officer is deactivated", field="officer")
    if officer.username and officer.id != scope.officer.id:
        # A chat bound to a staff account speaks and hears as that account: only its owner, logged
        # in, may bind it (from "My account").
        raise Invalid("a staff account binds its chat from its own account page", field="officer")
    return invites.issue_invite(session, officer=officer, actor=actor)


def invite_myself(session: Session, *, officer: Officer, actor: audit.Actor) -> IssuedInvite:
    """An invite for the logged-in officer's own chat (the only way to bind a staff account)."""
    return invites.issue_invite(session, officer=officer, actor=actor)


def revoke_invite(session: Session, *, scope: access.Scope, invite_id: int, actor: audit.Actor) -> Invite:
    """Revoke an unused invite so its link and code stop working."""
    row = session.get(Invite, invite_id)
    if row is None:
        raise NotFound("not found")
    _managed(session, scope, row.officer_id)
    if row.used_at is None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        audit.record(session, actor=actor, action="invite.revoked", object_type="invite", object_id=row.id)
    return row


def open_invites(session: Session, *, officer_ids: list[int]) -> dict[int, Invite]:
    """The open (unused, unrevoked, unexpired) invite of each officer, if any."""
    now = utcnow()
    rows = session.exec(select(Invite).where(col(Invite.officer_id).in_(officer_ids), col(Invite.used_at).is_(None),
                                             col(Invite.revoked_at).is_(None))).all()
    return {r.officer_id: r for r in rows if r.expires_at > now}


def deactivate(session: Session, *, scope: access.Scope, officer_id: int, actor: audit.Actor) -> Officer:
    """Stop an officer (chat bindings and invites too); their submissions stay in the records."""
    officer = _managed(session, scope, officer_id)
    if officer.id == scope.officer.id:
        raise Invalid("you cannot deactivate yourself", field="officer")
    return invites.deactivate_officer(session, officer_id=officer_id, actor=actor)


CHANNEL_NAMES = ("telegram", "zalo", "web")


def set_channels(session: Session, *, scope: access.Scope, officer_id: int, order: list[str], email: str | None,
                 actor: audit.Actor) -> Officer:
    """The officer's notification channels, first that can carry a message wins, and the e-mail for the web inbox."""
    officer = _managed(session, scope, officer_id)
    cleaned = list(dict.fromkeys(c.strip().lower() for c in order if c.strip()))
    if not cleaned or any(c not in CHANNEL_NAMES for c in cleaned):
        raise Invalid("channels: telegram, zalo, web in the order wanted", field="channels")
    email = (email or "").strip() or None
    if email and ("@" not in email or " " in email or len(email) > 254):
        raise Invalid("not an e-mail address", field="email")
    before = audit.snapshot(officer)
    officer.channel_order, officer.email = cleaned, email
    session.add(officer)
    session.flush()
    audit.record(session, actor=actor, action="officer.updated", object_type="officer", object_id=officer.id,
                 before=before, after=audit.snapshot(officer))
    return officer
