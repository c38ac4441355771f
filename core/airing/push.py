"""The change signal behind the push channel: one growing number in the database, so any web
process (on any machine) notices a new plan or an emergency within its polling interval."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.airing.models import AiringSignal
from core.types import utcnow


def bump(session: Session) -> None:
    """Grow the signal inside the caller's unit of work (seen by others once it commits)."""
    result = session.execute(
        update(AiringSignal).where(col(AiringSignal.id) == 1).values(seq=col(AiringSignal.seq) + 1, changed_at=utcnow())
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]  # a DML statement gives a CursorResult
        session.add(AiringSignal(id=1, seq=1))
        session.flush()


def current(session: Session) -> int:
    """The signal's value now (0 before the first change)."""
    return session.exec(select(AiringSignal.seq).where(AiringSignal.id == 1)).first() or 0
