"""Outbox rows for airing events (delivery is the notifier's job): once per event, object and officer."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core.airing.models import Cluster
from core.notify import outbox as notify
from core.org.models import Officer
from core.types import Role


def operators_of(session: Session, *, cluster: Cluster) -> list[Officer]:
    """The active operators (or, failing those, editors) of the unit that runs the cluster."""
    officers = session.exec(
        select(Officer).where(Officer.unit_id == cluster.operator_unit_id, col(Officer.is_active),
                              col(Officer.role).in_([Role.operator.value, Role.editor.value]))
        .order_by(col(Officer.id))
    ).all()
    operators = [o for o in officers if o.role == Role.operator.value]
    return operators or list(officers)


def notify_once(
    session: Session,
    *,
    event: str,
    object_key: str,
    officer: Officer,
    payload: dict[str, Any],
    object_type: str | None = None,
    object_id: int | None = None,
    urgent: bool = False,
) -> bool:
    """Queue one notification unless this event already told this officer about this object."""
    assert officer.id is not None
    made = notify.notify(session, officer_id=officer.id, event=event, object_type=object_type, object_id=object_id,
                         object_key=object_key, payload=payload, urgent=urgent)
    return made is not None
