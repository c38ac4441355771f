"""Accounts unused for ACCOUNT_IDLE_DAYS (45 by the level-2 rules) are disabled, and their owners told."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.accounts import sessions
from core.notify import outbox
from core.org.models import Officer
from core.records import audit

IDLE_EVENT = "account.disabled_idle"


def disable_idle(session: Session, *, now: datetime, idle_days: int) -> list[int]:
    """Disable every active web account whose last login (or creation) is older than `idle_days`."""
    cutoff = now - timedelta(days=idle_days)
    last_use = func.coalesce(col(Officer.last_login_at), col(Officer.created_at))
    idle = session.exec(select(Officer).where(col(Officer.username).is_not(None), col(Officer.is_active),
                                              last_use < cutoff).order_by(col(Officer.id))).all()
    for officer in idle:
        officer.is_active, officer.deactivated_at, officer.deactivation_reason = False, now, "idle"
        session.add(officer)
        sessions.end_all(session, officer_id=officer.id or 0, reason="idle")
        audit.record(session, actor=audit.SYSTEM, action="officer.disabled_idle", object_type="officer",
                     object_id=officer.id, after={"idle_days": idle_days})
        # Told in the chat (when one is bound): an account that just stops working is a riddle.
        outbox.notify(session, officer_id=officer.id or 0, event=IDLE_EVENT, object_type="officer",
                      object_id=officer.id, payload={"days": idle_days})
    session.flush()
    return [o.id for o in idle if o.id is not None]
