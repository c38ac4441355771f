"""The outbox writer: the one way any service tells a person something.

A row is written in the caller's unit of work, so a rolled-back change tells nobody. The dedupe
key "<event>:<object_type>:<object_id>:<officer_id>" and its unique constraint make it one
notification per event per person, ever, even when two workers race (INSERT … ON CONFLICT DO
NOTHING on both SQLite and PostgreSQL). Delivery happens later, in `core.notify.delivery`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from core.db import queue_of
from core.notify.models import Notification
from core.org.models import Officer
from core.types import NotificationState, utcnow

DELIVER_TASK = "notify.deliver"


def dedupe_key(*, event: str, object_type: str | None, object_id: int | None, officer_id: int,
               object_key: str | None = None) -> str:
    """The once-per-event-per-person key of an outbox row (`object_key` names a composite object)."""
    obj = object_key if object_key is not None else (object_id if object_id is not None else "-")
    return f"{event}:{object_type or '-'}:{obj}:{officer_id}"


def insert_ignoring_duplicates(session: Session, table: Any, values: dict[str, Any]) -> int | None:
    """INSERT a row unless a unique constraint already holds one; the new id, or None when it existed."""
    rows = insert_many_ignoring_duplicates(session, table, [values])
    return rows[0][0] if rows else None


def insert_many_ignoring_duplicates(session: Session, table: Any, rows: list[dict[str, Any]],
                                    returning: tuple[str, ...] = ("id",)) -> list[tuple[Any, ...]]:
    """One multi-row INSERT … ON CONFLICT DO NOTHING; the `returning` columns of the rows actually inserted."""
    if not rows:
        return []
    maker = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = maker(table).values(rows).on_conflict_do_nothing().returning(*(table.c[c] for c in returning))
    # Core, not the ORM: nothing to synchronise, and far cheaper for thousands of rows.
    return [tuple(r) for r in session.connection().execute(statement).all()]


def notify(
    session: Session,
    *,
    officer_id: int,
    event: str,
    object_type: str | None,
    object_id: int | None,
    payload: dict[str, Any],
    urgent: bool = False,
    object_key: str | None = None,
) -> int | None:
    """Queue one message for one officer about one event; returns the new row's id, None if already queued."""
    made = notify_many(session, officer_ids=[officer_id], event=event, object_type=object_type, object_id=object_id,
                       payload=payload, urgent=urgent, object_key=object_key)
    return made[0] if made else None


def notify_many(
    session: Session,
    *,
    officer_ids: Iterable[int],
    event: str,
    object_type: str | None,
    object_id: int | None,
    payload: dict[str, Any],
    urgent: bool = False,
    object_key: str | None = None,
) -> list[int]:
    """`notify` for several officers (e.g. every registered officer of a unit) in one INSERT; the ids of new rows."""
    wanted = list(dict.fromkeys(officer_ids))
    if not wanted:
        return []
    languages = dict(session.exec(select(Officer.id, Officer.language).where(col(Officer.id).in_(wanted))).all())
    missing = [o for o in wanted if o not in languages]
    if missing:
        raise ValueError(f"no officer {missing[0]}")
    now = utcnow()
    rows = [{"dedupe_key": dedupe_key(event=event, object_type=object_type, object_id=object_id, officer_id=o,
                                      object_key=object_key),
             "officer_id": o, "event": event, "object_type": object_type, "object_id": object_id,
             "language": languages[o] or "vi", "payload": payload, "urgent": urgent,
             "state": NotificationState.queued.value, "attempts": 0, "created_at": now} for o in wanted]
    made = [r[0] for r in insert_many_ignoring_duplicates(session, Notification.__table__, rows)]  # type: ignore[attr-defined]
    if made:
        _kick_delivery(session)
    return sorted(made)


def _kick_delivery(session: Session) -> None:
    """Ask for one delivery pass once this unit of work commits (once per unit of work, not per row).

    Only a process whose task registry has a delivery task (one with a chat channel) kicks; the
    others leave the rows to the worker's minute sweep.
    """
    if session.info.get("notify_kicked"):
        return
    queue = queue_of(session)
    if DELIVER_TASK not in getattr(queue, "names", ()):
        return
    session.info["notify_kicked"] = True
    queue.defer(session, DELIVER_TASK)


def rows_for(session: Session, *, officer_id: int | None = None, event: str | None = None) -> list[Notification]:
    """Outbox rows, newest first (for views and tests)."""
    query = select(Notification).order_by(col(Notification.id).desc())
    if officer_id is not None:
        query = query.where(Notification.officer_id == officer_id)
    if event is not None:
        query = query.where(Notification.event == event)
    return list(session.exec(query).all())


def deliveries(session: Session, *, state: str | None = None, limit: int = 300) -> list[tuple[Notification, Officer]]:
    """Outbox rows with their officer, newest first, optionally of one state (for the admin view)."""
    query = select(Notification, Officer).join(Officer, col(Officer.id) == Notification.officer_id)
    if state:
        query = query.where(Notification.state == state)
    return [(n, o) for n, o in session.exec(query.order_by(col(Notification.id).desc()).limit(limit)).all()]


def state_counts(session: Session) -> dict[str, int]:
    """How many outbox rows are in each state."""
    from sqlalchemy import func

    rows = session.exec(select(Notification.state, func.count()).group_by(Notification.state)).all()
    return {state: count for state, count in rows}
