"""Erasing an officer's personal data on request (Decree 13/2023, Law 91/2025): name, phone and chat
identities go; the records they made stay, attributed to a numbered, nameless officer."""

from __future__ import annotations

from sqlmodel import Session, select

from core.accounts import sessions
from core.errors import NotFound
from core.org.models import ChannelAccount, Invite, Officer
from core.records import audit
from core.types import utcnow


def erase_personal_data(session: Session, *, officer_id: int, actor: audit.Actor) -> Officer:
    """Remove the officer's personal data, deactivate the account and its chats, and audit the erasure."""
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise NotFound(f"no officer {officer_id}")
    now = utcnow()
    officer.full_name = f"#{officer.id}"
    officer.phone = None
    officer.username = None
    officer.password_hash = None
    officer.totp_secret = None
    officer.is_active = False
    officer.deactivated_at = officer.deactivated_at or now
    officer.deactivation_reason = "erased"
    session.add(officer)
    chats = session.exec(select(ChannelAccount).where(ChannelAccount.officer_id == officer_id)).all()
    for chat in chats:
        chat.external_id = f"erased-{chat.id}"
        chat.display_name = None
        chat.is_active = False
        session.add(chat)
    open_invites = select(Invite).where(Invite.officer_id == officer_id, Invite.revoked_at.is_(None))  # type: ignore[union-attr]
    for invite in session.exec(open_invites).all():
        invite.revoked_at = now
        session.add(invite)
    sessions.end_all(session, officer_id=officer_id, reason="erased")
    audit.record(session, actor=actor, action="officer.personal_data_erased", object_type="officer",
                 object_id=officer_id, after={"chat_accounts": len(chats)})
    session.flush()
    return officer
