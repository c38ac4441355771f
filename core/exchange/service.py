"""The outbox to the source information system: documents queued in the caller's unit of work, delivered
later through the port, retried with backoff, each `doc_id` delivered once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, exists, func, or_, update
from sqlmodel import Session, col, select

from core.exchange import documents
from core.exchange.models import ExchangeDocument
from core.exchange.port import DeliveryFailed, Document, SourceSystem
from core.notify.outbox import insert_ignoring_duplicates
from core.review.models import ContentItem
from core.types import utcnow

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 20  # then `failed`: the operator sees why and may retry from the page
BATCH = 100
RECENT = timedelta(days=1)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to 6 h between attempts."""
    return min(BACKOFF_FIRST * (1 << max(attempts - 1, 0)), BACKOFF_MAX)


def queue_document(session: Session, *, document: Document, object_key: str, now: datetime | None = None) -> bool:
    """Queue a document unless its `doc_id` is already queued or sent; True when new."""
    made = insert_ignoring_duplicates(
        session,
        ExchangeDocument.__table__,  # type: ignore[attr-defined]
        {
            "doc_id": document.doc_id,
            "kind": document.kind,
            "object_key": object_key,
            "payload": document.payload,
            "media": document.media,
            "state": "waiting",
            "attempts": 0,
            "next_attempt_at": now or utcnow(),
            "created_at": now or utcnow(),
        },
    )
    return made is not None


def queue_items(session: Session, *, base_url: str, now: datetime | None = None) -> int:
    """A document for every approved item whose current content has not been queued yet (new or changed).

    Items that ended more than a day ago are looked at only until their first document: a change to an old
    item (e.g. withdrawn long after) is still sent while it is recent, and the scan stays small.
    """
    now = now or utcnow()
    never_sent = ~exists().where(
        col(ExchangeDocument.kind) == "content_item", col(ExchangeDocument.object_key) == cast(ContentItem.id, String)
    )
    made = 0
    for item in session.exec(
        select(ContentItem)
        .where(col(ContentItem.approved_at).is_not(None), or_(col(ContentItem.valid_to) >= now - RECENT, never_sent))
        .order_by(col(ContentItem.id))
    ).all():
        made += queue_document(
            session, document=documents.item_document(session, item=item, base_url=base_url), object_key=str(item.id)
        )
    return made


def queue_figures(session: Session, *, day: date, settings: Any) -> bool:
    """The day's airing figures per board (once per day)."""
    return queue_document(
        session, document=documents.figures_document(session, day=day, settings=settings), object_key=day.isoformat()
    )


def due(session: Session, *, now: datetime, limit: int = BATCH) -> list[int]:
    rows = session.exec(
        select(ExchangeDocument.id)
        .where(ExchangeDocument.state == "waiting", col(ExchangeDocument.next_attempt_at) <= now)
        .order_by(col(ExchangeDocument.id))
        .limit(limit)
    ).all()
    return [i for i in rows if i is not None]


LEASE = timedelta(minutes=5)  # a claimed document is not claimed again for this long (a worker died mid-send)


@dataclass(frozen=True, slots=True)
class Attempt:
    doc_id: str
    ok: bool
    reason: str | None = None


def claim(session: Session, *, document_id: int, now: datetime) -> Document | None:
    """Take a due document for one delivery (no other worker gets it until the lease ends); None if not due."""
    taken = session.execute(
        update(ExchangeDocument)
        .where(
            col(ExchangeDocument.id) == document_id,
            col(ExchangeDocument.state) == "waiting",
            col(ExchangeDocument.next_attempt_at) <= now,
        )
        .values(next_attempt_at=now + LEASE, attempts=col(ExchangeDocument.attempts) + 1)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.get(ExchangeDocument, document_id)
    assert row is not None
    session.refresh(row)
    return Document(row.doc_id, row.kind, row.payload, list(row.media))


def finish(
    session: Session, *, document_id: int, port_name: str, failure: DeliveryFailed | None, now: datetime
) -> Attempt:
    """Record what one delivery did: sent, or failed with the reason and the next attempt's time."""
    row = session.get(ExchangeDocument, document_id)
    assert row is not None
    if failure is None:
        row.state, row.sent_at, row.last_error = "sent", now, None
    else:
        row.last_error = f"{port_name}: {failure.reason}"[:2000]
        if failure.permanent or row.attempts >= MAX_ATTEMPTS:
            row.state = "failed"
        else:
            row.next_attempt_at = now + backoff(row.attempts)
    session.add(row)
    session.flush()
    return Attempt(row.doc_id, failure is None, row.last_error)


def deliver_due(db: Any, *, port: SourceSystem, now: datetime | None = None) -> list[Attempt]:
    """Every due document through the port: claimed and recorded in short units of work, sent between them."""
    now = now or utcnow()
    with db.reading() as session:
        ids = due(session, now=now)
    done = []
    for document_id in ids:
        with db.unit_of_work() as session:
            document = claim(session, document_id=document_id, now=now)
        if document is None:
            continue
        failure = None
        try:
            port.deliver(document)
        except DeliveryFailed as exc:
            failure = exc
        with db.unit_of_work() as session:
            done.append(finish(session, document_id=document_id, port_name=port.name, failure=failure, now=utcnow()))
    return done


def retry(session: Session, *, document_id: int, now: datetime | None = None) -> ExchangeDocument | None:
    """Put a failed document back in the queue now (the operator fixed the cause)."""
    row = session.get(ExchangeDocument, document_id)
    if row is None or row.state != "failed":
        return row
    row.state, row.next_attempt_at, row.attempts = "waiting", now or utcnow(), 0
    session.add(row)
    session.flush()
    return row


def counts(session: Session) -> dict[str, int]:
    return dict(
        Counter(
            {
                state: n
                for state, n in session.exec(
                    select(ExchangeDocument.state, func.count()).group_by(ExchangeDocument.state)
                ).all()
            }
        )
    )


def listing(session: Session, *, state: str = "", limit: int = 200) -> list[ExchangeDocument]:
    query = select(ExchangeDocument).order_by(col(ExchangeDocument.id).desc()).limit(limit)
    if state:
        query = query.where(ExchangeDocument.state == state)
    return list(session.exec(query).all())
