"""Edit locks: one officer works on a submission at a time; locks expire and a senior editor may break them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.accounts import access
from core.errors import Invalid, NotFound
from core.org.models import Officer
from core.records import audit
from core.review.models import EditLock
from core.types import utcnow

LOCK_MINUTES = 10


class Locked(Invalid):
    """Someone else holds the submission's lock; `holder_id` says who."""

    def __init__(self, holder_id: int) -> None:
        super().__init__("another officer is working on this item", field="lock")
        self.holder_id = holder_id


def holder(session: Session, *, submission_id: int) -> EditLock | None:
    """The live lock on the submission, if any (an expired lock counts as none)."""
    lock = session.get(EditLock, submission_id)
    return lock if lock is not None and lock.expires_at > utcnow() else None


def acquire(session: Session, *, submission_id: int, officer: Officer) -> EditLock:
    """Take or extend the lock; raise Locked when another officer holds a live one."""
    now = utcnow()
    lock = session.get(EditLock, submission_id, with_for_update=True)
    if lock is not None and lock.officer_id != officer.id and lock.expires_at > now:
        raise Locked(lock.officer_id)
    if lock is None:
        lock = EditLock(submission_id=submission_id, officer_id=officer.id, expires_at=now)  # type: ignore[arg-type]
        try:
            with session.begin_nested():
                session.add(lock)
                session.flush()
        except IntegrityError:  # another process inserted it first (PostgreSQL): theirs wins
            taken = session.get(EditLock, submission_id, populate_existing=True)
            raise Locked(taken.officer_id if taken else 0) from None
    lock.officer_id, lock.acquired_at = officer.id, lock.acquired_at if lock.officer_id == officer.id else now  # type: ignore[assignment]
    lock.expires_at = now + timedelta(minutes=LOCK_MINUTES)
    session.add(lock)
    session.flush()
    return lock


def release(session: Session, *, submission_id: int, officer: Officer) -> None:
    """Drop the officer's own lock (after a decision); someone else's stays."""
    lock = session.get(EditLock, submission_id)
    if lock is not None and lock.officer_id == officer.id:
        session.delete(lock)
        session.flush()


def break_lock(session: Session, *, scope: access.Scope, submission_id: int, actor: audit.Actor) -> EditLock:
    """A senior editor takes over another officer's lock; the takeover is audited."""
    if not access.may_break_lock(scope):
        raise NotFound("not found")
    lock = session.get(EditLock, submission_id)
    before = {"officer_id": lock.officer_id, "expires_at": lock.expires_at} if lock else None
    if lock is not None:
        session.delete(lock)
        session.flush()
    taken = acquire(session, submission_id=submission_id, officer=scope.officer)
    audit.record(session, actor=actor, action="review.lock_broken", object_type="submission", object_id=submission_id,
                 before=before, after={"officer_id": taken.officer_id})
    return taken
