"""The inbound-update inbox: store before answering, mark handled after the work, list what a crash left behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select, update

from core.intake.models import InboundUpdate
from core.notify.outbox import insert_ignoring_duplicates

MAX_ATTEMPTS = 5


def store(session: Session, *, channel: str, key: str, payload: dict[str, Any]) -> bool:
    """Keep one inbound update; False when the same (channel, key) was already stored (a redelivery)."""
    values = {"channel": channel, "key": key, "payload": payload, "received_at": datetime.now(UTC),
              "handled_at": None, "attempts": 0}
    return insert_ignoring_duplicates(session, InboundUpdate.__table__, values) is not None  # type: ignore[attr-defined]


def mark_handled(session: Session, *, channel: str, key: str) -> None:
    """Record that the dispatcher has finished with this update (idempotent)."""
    session.execute(
        update(InboundUpdate)
        .where(col(InboundUpdate.channel) == channel, col(InboundUpdate.key) == key,
               col(InboundUpdate.handled_at).is_(None))
        .values(handled_at=datetime.now(UTC))
    )


def pending_updates(session: Session, *, older_than: timedelta, channel: str = "telegram",
                    max_attempts: int = MAX_ATTEMPTS) -> list[InboundUpdate]:
    """Updates stored more than `older_than` ago and never handled, oldest first, that still have attempts left."""
    cutoff = datetime.now(UTC) - older_than
    rows = session.exec(
        select(InboundUpdate)
        .where(col(InboundUpdate.handled_at).is_(None), InboundUpdate.channel == channel,
               col(InboundUpdate.received_at) <= cutoff, col(InboundUpdate.attempts) < max_attempts)
        .order_by(col(InboundUpdate.id))
    )
    return list(rows.all())


def count_attempt(session: Session, *, update_id: int) -> None:
    """One more replay of this row, so a poison update stops being retried after `MAX_ATTEMPTS`."""
    session.execute(
        update(InboundUpdate).where(col(InboundUpdate.id) == update_id)
        .values(attempts=InboundUpdate.attempts + 1)
    )
