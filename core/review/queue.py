"""The review queue: waiting submissions in scope, emergencies first, then oldest first, with filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from core.accounts import access
from core.intake.models import MediaAsset, Submission
from core.org.models import Officer, Unit
from core.review.models import EditLock
from core.types import AssetRole, SubmissionState, utcnow

WAITING = (SubmissionState.received.value, SubmissionState.processing.value, SubmissionState.ready.value)
PAGE = 50


@dataclass(frozen=True, slots=True)
class Filters:
    """What the queue page asks for; empty strings mean "any"."""

    state: str = "waiting"
    category: str = ""
    language: str = ""
    unit_id: int | None = None
    channel: str = ""
    needs_review: bool = False
    page: int = 1


@dataclass(slots=True)
class Row:
    submission: Submission
    officer_name: str
    unit_name: str
    thumbnail_id: int | None = None
    locked_by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def conditions(scope: access.Scope, filters: Filters) -> list[Any]:
    """SQL conditions of the queue's scope and filters (shared with the API)."""
    s = Submission
    conditions: list[Any] = [access.visible_submission_clause(scope)]
    if filters.state == "waiting":
        conditions.append(col(s.state).in_(WAITING))
    elif filters.state:
        conditions.append(s.state == filters.state)
    else:
        conditions.append(col(s.state).not_in([SubmissionState.draft.value, SubmissionState.cancelled.value]))
    if filters.category:
        conditions.append(s.category == filters.category)
    if filters.language:
        conditions.append(s.language == filters.language)
    if filters.unit_id:
        conditions.append(s.unit_id == filters.unit_id)
    if filters.channel:
        conditions.append(s.channel == filters.channel)
    if filters.needs_review:
        conditions.append(col(s.language_needs_review).is_(True))
    return conditions


def count_waiting(session: Session, *, scope: access.Scope) -> int:
    """How many submissions in scope wait for a decision (the live counter)."""
    query = select(func.count()).select_from(Submission).where(*conditions(scope, Filters()))
    return int(session.exec(query).one())


def list_queue(session: Session, *, scope: access.Scope, filters: Filters) -> tuple[list[Row], int]:
    """One page of the queue and the total matching the filters."""
    where = conditions(scope, filters)
    total = int(session.exec(select(func.count()).select_from(Submission).where(*where)).one())
    # Submissions first (the queue index serves filter and order), names after: joining first lets
    # the planner start from the small tables and sort the whole queue.
    # CASE instead of the bare column: otherwise SQLite walks the whole table along the is_emergency
    # index to avoid a sort, instead of reading only the waiting rows through ix_submission_queue.
    urgent_first = case((col(Submission.is_emergency), 1), else_=0).desc()
    # Sort narrow rows (ids and keys), then load the 50 full rows: sorting whole rows costs more.
    page_ids = list(session.exec(select(Submission.id).where(*where)
                                 .order_by(urgent_first, col(Submission.received_at), col(Submission.id))
                                 .offset((max(filters.page, 1) - 1) * PAGE).limit(PAGE)).all())
    by_id = {s.id: s for s in session.exec(select(Submission).where(col(Submission.id).in_(page_ids))).all()}
    found = [by_id[i] for i in page_ids]
    officers = dict(session.exec(select(Officer.id, Officer.full_name)
                                 .where(col(Officer.id).in_({s.officer_id for s in found}))).all())
    units = dict(session.exec(select(Unit.id, Unit.name).where(col(Unit.id).in_({s.unit_id for s in found}))).all())
    rows = [Row(submission=s, officer_name=officers.get(s.officer_id, ""), unit_name=units.get(s.unit_id, ""))
            for s in found]
    ids = [r.submission.id for r in rows]
    if ids:
        thumbs: dict[int | None, int | None]
        thumbs = dict(session.exec(select(MediaAsset.submission_id, func.min(MediaAsset.id))
                                   .where(col(MediaAsset.submission_id).in_(ids),
                                          col(MediaAsset.role).in_([AssetRole.thumbnail.value, AssetRole.poster.value]))
                                   .group_by(col(MediaAsset.submission_id))).all())
        holders: dict[int | None, str] = dict(session.exec(select(EditLock.submission_id, Officer.full_name)
                                    .join(Officer, col(Officer.id) == EditLock.officer_id)
                                    .where(col(EditLock.submission_id).in_(ids), EditLock.expires_at > utcnow())).all())
        for row in rows:
            row.thumbnail_id = thumbs.get(row.submission.id)
            row.locked_by = holders.get(row.submission.id)
    return rows, total


def page(session: Session, *, scope: access.Scope, filters: Filters, offset: int,
         limit: int) -> tuple[int, list[Submission]]:
    """(total, one page of submissions) in `scope` matching `filters`, newest first (the JSON API's list)."""
    where = conditions(scope, filters)
    total = session.exec(select(func.count()).select_from(Submission).where(*where)).one()
    rows = session.exec(select(Submission).where(*where).order_by(col(Submission.id).desc())
                        .offset(offset).limit(limit)).all()
    return total, list(rows)
