"""Onboarding: one-time expiring invites that bind a chat account to an officer, and who is speaking."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from core.errors import Invalid, NotFound
from core.org.models import ChannelAccount, Invite, Officer, Unit
from core.records import audit
from core.records.audit import Actor
from core.types import Channel, utcnow

INVITE_TTL = timedelta(days=7)
# No 0/O, 1/I/L: the code is read aloud over the phone and typed on small keyboards.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True, slots=True)
class IssuedInvite:
    invite_id: int
    officer_id: int
    token: str  # shown once, only its hash is kept
    short_code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Sender:
    """Who is behind a chat address: an active officer, a deactivated one, or a stranger."""

    status: str  # active | inactive | stranger
    officer_id: int | None = None
    unit_id: int | None = None
    language: str | None = None
    label: str | None = None


class InviteInvalid(Invalid):
    """The token or code is unknown, used, revoked or expired (the message says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invite {reason}", field="invite")
        self.reason = reason  # unknown | used | revoked | expired | inactive


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_code(text: str) -> str:
    """'abcd 2345' or 'ABCD-2345' → 'ABCD-2345'."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def find_unit(session: Session, *, ref: str, today: date | None = None) -> Unit:
    """The current unit whose code or exact name is `ref`."""
    today = today or datetime.now(UTC).date()
    units = session.exec(select(Unit).where(or_(Unit.code == ref, Unit.name == ref))).all()
    current = [u for u in units if u.valid_to is None or u.valid_to >= today]
    if not current:
        raise NotFound(f"no current unit with code or name {ref!r}")
    if len(current) > 1:
        raise Invalid(f"{ref!r} names several units; use the code", field="unit")
    return current[0]


def issue_invite(session: Session, *, officer: Officer, actor: Actor, ttl: timedelta = INVITE_TTL) -> IssuedInvite:
    """A fresh invite for `officer`; older open invites of theirs are revoked."""
    now = utcnow()
    for old in session.exec(
        select(Invite).where(Invite.officer_id == officer.id, col(Invite.used_at).is_(None),
                             col(Invite.revoked_at).is_(None))
    ):
        old.revoked_at = now
        session.add(old)
    token = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]: fits Telegram's /start payload
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{code[:4]}-{code[4:]}"
        if session.exec(select(Invite.id).where(Invite.short_code == code)).first() is None:
            break
    assert officer.id is not None
    invite = Invite(
        officer_id=officer.id,
        token_hash=hash_token(token),
        short_code=code,
        created_by_id=actor.officer_id,
        expires_at=now + ttl,
    )
    session.add(invite)
    session.flush()
    assert invite.id is not None
    audit.record(
        session,
        actor=actor,
        action="invite.created",
        object_type="invite",
        object_id=invite.id,
        after={"officer_id": officer.id, "short_code": code, "expires_at": invite.expires_at},
    )
    return IssuedInvite(invite.id, officer.id, token, code, invite.expires_at)


def invite_officer(
    session: Session, *, unit_ref: str, full_name: str, phone: str | None, actor: Actor
) -> IssuedInvite:
    """Find or create the officer `full_name` of the unit, then issue them an invite."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise Invalid("the officer's name is empty", field="name")
    unit = find_unit(session, ref=unit_ref)
    officer = session.exec(
        select(Officer).where(Officer.unit_id == unit.id, Officer.full_name == full_name, Officer.is_active)
    ).first()
    if officer is None:
        assert unit.id is not None
        officer = Officer(unit_id=unit.id, full_name=full_name, phone=phone or None)
        session.add(officer)
        session.flush()
        audit.record(
            session, actor=actor, action="officer.created", object_type="officer", object_id=officer.id,
            after=audit.snapshot(officer),
        )
    elif phone and officer.phone != phone:
        before = audit.snapshot(officer)
        officer.phone = phone
        session.add(officer)
        audit.record(
            session, actor=actor, action="officer.updated", object_type="officer", object_id=officer.id,
            before=before, after=audit.snapshot(officer),
        )
    return issue_invite(session, officer=officer, actor=actor)


def redeem_invite(
    session: Session,
    *,
    secret: str,
    channel: Channel,
    external_id: str,
    display_name: str | None,
    actor: Actor,
) -> Officer:
    """Bind the chat identity to the invite's officer; `secret` is the deep-link token or short code."""
    now = utcnow()
    invite = session.exec(select(Invite).where(Invite.token_hash == hash_token(secret))).first()
    if invite is None:
        invite = session.exec(select(Invite).where(Invite.short_code == normalise_code(secret))).first()
    if invite is None:
        raise InviteInvalid("unknown")
    if invite.used_at is not None:
        raise InviteInvalid("used")
    if invite.revoked_at is not None:
        raise InviteInvalid("revoked")
    if invite.expires_at <= now:
        raise InviteInvalid("expired")
    officer = session.get(Officer, invite.officer_id)
    if officer is None or not officer.is_active:
        raise InviteInvalid("inactive")
    invite.used_at = now
    session.add(invite)
    account = session.exec(
        select(ChannelAccount).where(ChannelAccount.channel == str(channel), ChannelAccount.external_id == external_id)
    ).first()
    before = audit.snapshot(account) if account else None
    if account is None:
        account = ChannelAccount(officer_id=officer.id, channel=str(channel), external_id=external_id)  # type: ignore[arg-type]
    account.officer_id = officer.id  # type: ignore[assignment]
    account.display_name = display_name
    account.is_active = True
    account.bound_at = now
    session.add(account)
    session.flush()
    audit.record(
        session, actor=actor, action="channel_account.bound", object_type="channel_account",
        object_id=account.id, before=before, after=audit.snapshot(account),
    )
    return officer


def identify(session: Session, *, channel: Channel, external_id: str) -> Sender:
    """Who speaks from this chat address; deactivation of the officer or binding takes effect at once."""
    if channel == Channel.web:
        # The web page's address is set by the server from the login session, never by the browser.
        officer = session.get(Officer, int(external_id.removeprefix("officer:")))
        return _sender(officer) if officer is not None else Sender(status="stranger")
    # Core execution on the session's connection: no ORM machinery for a row of plain columns.
    row = session.connection().execute(_IDENTIFY, {"channel": str(channel), "external_id": external_id}).first()
    if row is None:
        return Sender(status="stranger")
    if not row.bound or not row.is_active:
        return Sender(status="inactive", officer_id=row.id)
    return Sender(status="active", officer_id=row.id, unit_id=row.unit_id, language=row.language, label=row.full_name)


# Asked for every inbound update: built once, plain columns (no ORM objects to assemble); SQLAlchemy's
# select, as sqlmodel's is typed for at most four columns.
_IDENTIFY: Select[*tuple[Any, ...]] = (
    sa_select(col(ChannelAccount.is_active).label("bound"), col(Officer.id), col(Officer.unit_id),
              col(Officer.language), col(Officer.full_name), col(Officer.is_active))
    .join(Officer, col(Officer.id) == ChannelAccount.officer_id)
    .where(col(ChannelAccount.channel) == bindparam("channel"),
           col(ChannelAccount.external_id) == bindparam("external_id"))
)


def _sender(officer: Officer) -> Sender:
    if not officer.is_active:
        return Sender(status="inactive", officer_id=officer.id)
    return Sender(
        status="active",
        officer_id=officer.id,
        unit_id=officer.unit_id,
        language=officer.language,
        label=officer.full_name,
    )


def deactivate_officer(session: Session, *, officer_id: int, actor: Actor) -> Officer:
    """Stop an officer: every chat binding and open invite stops working at once."""
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise NotFound(f"no officer {officer_id}")
    before = audit.snapshot(officer)
    now = utcnow()
    officer.is_active = False
    officer.deactivated_at = now
    session.add(officer)
    for account in session.exec(select(ChannelAccount).where(ChannelAccount.officer_id == officer_id)):
        account.is_active = False
        session.add(account)
    for invite in session.exec(
        select(Invite).where(Invite.officer_id == officer_id, col(Invite.used_at).is_(None),
                             col(Invite.revoked_at).is_(None))
    ):
        invite.revoked_at = now
        session.add(invite)
    session.flush()
    audit.record(
        session, actor=actor, action="officer.deactivated", object_type="officer", object_id=officer_id,
        before=before, after=audit.snapshot(officer),
    )
    return officer
