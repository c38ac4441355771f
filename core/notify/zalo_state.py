"""The Zalo channel's shared state: each user's free-reply window, the OA's token pair, ZNS templates.

All in the database, so every web process and worker counts the same window and refreshes the
single-use refresh token at most once: the refresh runs with the token row locked by an UPDATE
(a row lock on PostgreSQL, the write lock on SQLite), and whoever waited finds the new pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from core.db import Database
from core.notify.models import ZaloContact, ZaloToken, ZnsTemplate
from core.notify.outbox import insert_ignoring_duplicates, insert_many_ignoring_duplicates
from core.types import utcnow

REFRESH_MARGIN = timedelta(minutes=10)  # refresh this long before the access token expires


# -- the window ---------------------------------------------------------------------------------
def _contact(session: Session, user_id: str) -> ZaloContact:
    contact = session.get(ZaloContact, user_id)
    if contact is None:  # two events of a new user at once: one row, no unique violation
        insert_many_ignoring_duplicates(session, ZaloContact.__table__, [{  # type: ignore[attr-defined]
            "user_id": user_id, "replies_used": 0, "followed": True, "choices": [], "updated_at": utcnow()}],
            returning=("user_id",))
        contact = session.get(ZaloContact, user_id)
        assert contact is not None
    return contact


def saw_user(session: Session, *, user_id: str, at: datetime, followed: bool | None = None) -> None:
    """The user wrote (or followed): the 48-hour window opens again with its message count at zero."""
    contact = _contact(session, user_id)
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    if contact.last_inbound_at is None or contact.last_inbound_at < at:  # a redelivery opens nothing
        contact.last_inbound_at, contact.replies_used = at, 0
    if followed is not None:
        contact.followed = followed
    contact.updated_at = utcnow()
    session.flush()


def unfollowed(session: Session, *, user_id: str) -> None:
    """The user stopped following the OA: no free message reaches them any more."""
    contact = _contact(session, user_id)
    contact.followed, contact.updated_at = False, utcnow()
    session.flush()


def count_reply(session: Session, *, user_id: str) -> None:
    """One more free reply spent in the user's window."""
    _contact(session, user_id)
    session.flush()
    session.execute(update(ZaloContact).where(ZaloContact.user_id == user_id)  # type: ignore[arg-type]
                    .values(replies_used=ZaloContact.replies_used + 1))


def window_open(contact: ZaloContact | None, *, now: datetime, hours: float, messages: int) -> bool:
    """Whether a free (consultation) message may go to this user now."""
    if contact is None or contact.last_inbound_at is None or not contact.followed:
        return False
    return contact.last_inbound_at > now - timedelta(hours=hours) and contact.replies_used < messages


def remember_choices(session: Session, *, user_id: str, choices: list[tuple[str, str]], ref: int | None) -> None:
    """The numbered choices just offered to the user: their answer "2" means the second."""
    contact = _contact(session, user_id)
    contact.choices, contact.choices_ref = [list(c) for c in choices], ref
    contact.updated_at = utcnow()
    session.flush()


def choice_for(session: Session, *, user_id: str, number: int) -> tuple[str, str, int | None] | None:
    """The (action, value, ref) behind the number the user typed, if they were offered one."""
    contact = session.get(ZaloContact, user_id)
    if contact is None or not 1 <= number <= len(contact.choices or []):
        return None
    action, value = contact.choices[number - 1]
    return action, value, contact.choices_ref


# -- ZNS templates ------------------------------------------------------------------------------
def templates(session: Session) -> dict[str, ZnsTemplate]:
    return {t.event: t for t in session.exec(select(ZnsTemplate).where(ZnsTemplate.is_active))}


def save_template(
    session: Session, *, event: str, template_id: str, params: dict[str, str], is_active: bool = True
) -> None:
    """Set (or replace) the approved template for an event; an empty id removes it."""
    row = session.get(ZnsTemplate, event)
    if not template_id.strip():
        if row is not None:
            session.delete(row)
        session.flush()
        return
    if row is None:
        row = ZnsTemplate(event=event, template_id=template_id.strip())
    row.template_id, row.params, row.is_active, row.updated_at = template_id.strip(), dict(params), is_active, utcnow()
    session.add(row)
    session.flush()


def template_data(template: ZnsTemplate, payload: dict[str, Any]) -> dict[str, str]:
    """The template's parameters filled from the event's payload (ZNS takes strings)."""
    return {name: str(payload.get(key, "")) for name, key in (template.params or {}).items()}


# -- tokens -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: float | None = None  # seconds
    refresh_expires_in: float | None = None


class TokenUnavailable(Exception):
    """No usable token: none configured, or the refresh chain broke (an administrator pastes a new code)."""


def current_token(db: Database, *, seed: TokenPair | None) -> ZaloToken | None:
    """The stored pair, seeded once from the settings' pair when the table is empty."""
    with db.reading() as session:
        row = session.get(ZaloToken, 1)
        if row is not None:
            session.expunge(row)
            return row
    if seed is None:
        return None
    with db.unit_of_work() as session:  # several processes may seed at once: the first row wins
        insert_ignoring_duplicates(
            session,
            ZaloToken.__table__,  # type: ignore[attr-defined]  # SQLModel does not declare __table__
            {
                "id": 1,
                "access_token": seed.access_token,
                "refresh_token": seed.refresh_token,
                "generation": 0,
            },
        )
    return current_token(db, seed=None)


def needs_refresh(row: ZaloToken, *, now: datetime) -> bool:
    return row.access_expires_at is not None and row.access_expires_at - REFRESH_MARGIN <= now


def store_pair(session: Session, *, pair: TokenPair, now: datetime) -> ZaloToken:
    """Keep a new pair (from a refresh or a pasted authorization code) in place of the old one."""
    row = session.get(ZaloToken, 1)
    if row is None:
        row = ZaloToken(id=1, access_token=pair.access_token, refresh_token=pair.refresh_token)
    row.access_token, row.refresh_token = pair.access_token, pair.refresh_token
    row.access_expires_at = now + timedelta(seconds=pair.expires_in) if pair.expires_in else None
    row.refresh_expires_at = now + timedelta(seconds=pair.refresh_expires_in) if pair.refresh_expires_in else None
    row.generation = (row.generation or 0) + 1
    row.refreshed_at, row.broken = now, None
    session.add(row)
    session.flush()
    return row


def refresh_locked(db: Database, *, seen_generation: int, exchange: Callable[[str], TokenPair]) -> str:
    """Refresh the pair once across every process; returns the access token to use now.

    `exchange(refresh_token)` asks Zalo for a new pair (it may raise). The row is locked first;
    if its generation moved while we waited, another worker already refreshed: use its token and
    never spend the (now dead) refresh token we had read.
    """
    with db.unit_of_work() as session:
        # The lock: an UPDATE that changes nothing takes the row (PostgreSQL) or the database (SQLite).
        session.execute(update(ZaloToken).where(ZaloToken.id == 1).values(generation=ZaloToken.generation))  # type: ignore[arg-type]
        row = session.exec(select(ZaloToken).where(ZaloToken.id == 1)).first()
        if row is None:
            raise TokenUnavailable(
                "no Zalo token stored: set BANGTIN_ZALO_OA_ACCESS_TOKEN or paste an authorization code"
            )
        if row.generation != seen_generation:
            return row.access_token
        try:
            pair = exchange(row.refresh_token)
        except TokenUnavailable as exc:
            row.broken = str(exc)[:500]
            session.add(row)
            session.commit()  # keep the reason for the admin page; the caller gets the error
            raise
        return store_pair(session, pair=pair, now=utcnow()).access_token
