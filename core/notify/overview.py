"""Deadlines and messages for a person's home page (issue 15)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from core.notify.models import DeadlineRule, Notification, Obligation


def deadlines_of_month(
    session: Session, *, today: date, unit_id: int | None = None
) -> list[tuple[Obligation, DeadlineRule]]:
    """Obligations falling due this month (or overdue), the unit's own when `unit_id` is given."""
    after = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    query = (
        select(Obligation, DeadlineRule)
        .join(DeadlineRule, col(DeadlineRule.id) == Obligation.rule_id)
        .where(col(Obligation.status).in_(["open", "overdue"]), Obligation.due_on < after)
        .order_by(col(Obligation.due_on))
        .limit(20)
    )
    if unit_id is not None:
        query = query.where(Obligation.unit_id == unit_id)
    return [(o, r) for o, r in session.exec(query).all()]


def notifications_of(session: Session, *, officer_id: int, limit: int = 10) -> list[Notification]:
    """The latest messages queued for the officer, newest first."""
    return list(
        session.exec(
            select(Notification)
            .where(Notification.officer_id == officer_id)
            .order_by(col(Notification.created_at).desc())
            .limit(limit)
        ).all()
    )
