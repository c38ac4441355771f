"""The weekly airing summary: each officer hears how often their aired items played last week (issue 7.3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.airing.models import Play
from core.intake.models import Submission
from core.notify.outbox import notify
from core.review.models import ContentItem

EVENT = "airing.weekly"


def week_bounds(*, week_start: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight on `week_start` and seven days later."""
    start = datetime.combine(week_start, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(week_start + timedelta(days=7), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def previous_week_start(*, now: datetime, tz: tzinfo) -> date:
    """The local Monday that starts the last full week before `now`."""
    today = now.astimezone(tz).date()
    return today - timedelta(days=today.weekday() + 7)


def weekly_summaries(session: Session, *, week_start: date, tz: tzinfo) -> int:
    """Queue one `airing.weekly` message per officer whose items aired in the local week; the number of new rows."""
    start, end = week_bounds(week_start=week_start, tz=tz)
    plays = func.count(col(Play.id))
    rows = session.exec(
        select(Submission.officer_id, Submission.code, ContentItem.id, plays)
        .join(ContentItem, col(ContentItem.id) == col(Play.content_item_id))
        .join(Submission, col(Submission.id) == col(ContentItem.submission_id))
        .where(col(Play.started_at) >= start, col(Play.started_at) < end)
        .group_by(col(Submission.officer_id), col(Submission.code), col(ContentItem.id))
    ).all()
    per_officer: dict[int, list[dict[str, str | int]]] = {}
    for officer_id, code, item_id, n in rows:
        per_officer.setdefault(officer_id, []).append({"code": code or f"#{item_id}", "plays": int(n)})
    made = 0
    week_end = (week_start + timedelta(days=6)).isoformat()
    for officer_id in sorted(per_officer):
        # Most-aired first: the renderer shows only the first twenty.
        items = sorted(per_officer[officer_id], key=lambda i: (-int(i["plays"]), str(i["code"])))
        new = notify(session, officer_id=officer_id, event=EVENT, object_type="week", object_id=None,
                     object_key=week_start.isoformat(),
                     payload={"week_start": week_start.isoformat(), "week_end": week_end, "items": items})
        made += new is not None
    session.flush()
    return made
