"""The /gui inbox: notifications the web lane carried to an officer, their unread count, marking them read."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from core.notify.models import Notification
from core.types import NotificationState, utcnow


def _mine(officer_id: int):  # type: ignore[no-untyped-def]
    return (Notification.officer_id == officer_id, Notification.channel == "web",
            Notification.state == NotificationState.sent.value)


def messages(session: Session, *, officer_id: int, limit: int = 30) -> list[Notification]:
    """The officer's inbox, newest first."""
    query = select(Notification).where(*_mine(officer_id)).order_by(col(Notification.id).desc()).limit(limit)
    return list(session.exec(query).all())


def unread_count(session: Session, *, officer_id: int) -> int:
    """How many inbox messages the officer has not marked as read."""
    query = (
        select(func.count()).select_from(Notification).where(*_mine(officer_id), col(Notification.read_at).is_(None))
    )
    return int(session.exec(query).one())


def mark_read(session: Session, *, officer_id: int, notification_id: int | None = None) -> int:
    """Mark one message (or, with no id, all) of this officer's inbox as read; how many changed."""
    stmt = update(Notification).where(*_mine(officer_id), col(Notification.read_at).is_(None))
    if notification_id is not None:
        stmt = stmt.where(col(Notification.id) == notification_id)
    return int(session.execute(stmt.values(read_at=utcnow())).rowcount)  # type: ignore[attr-defined]
