"""The review work waiting for a person (their home page): the queue's head, the next item after a
decision, translations asked, and an officer's own submissions in plain stages (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.accounts import access
from core.airing.models import Play
from core.intake.models import Submission
from core.review import queue as reviewqueue
from core.review.models import ContentItem, Review, TranslationRequest
from core.types import SubmissionState

# What the officer is told about a submission, in order of the journey (plain words, no codes).
OFFICER_STAGES = ("received", "processing", "waiting", "approved", "aired", "returned", "failed")
_STAGE_OF_STATE = {"received": "received", "processing": "processing", "ready": "waiting", "approved": "approved",
                   "rejected": "returned", "changes_requested": "returned", "failed": "failed", "cancelled": "returned"}


@dataclass(slots=True)
class Queue:
    waiting: int
    emergencies: int
    oldest: datetime | None
    first: list[reviewqueue.Row]


@dataclass(slots=True)
class OwnSubmission:
    submission: Submission
    stage: str  # one of OFFICER_STAGES
    reason: str | None = None  # why it was returned or failed
    first_aired: datetime | None = None


def review_queue(session: Session, *, scope: access.Scope, first: int = 5) -> Queue:
    """The waiting submissions the officer may see: how many, how urgent, since when, the first few."""
    where = reviewqueue.conditions(scope, reviewqueue.Filters())
    waiting = int(session.exec(select(func.count()).select_from(Submission).where(*where)).one())
    emergencies = int(session.exec(select(func.count()).select_from(Submission)
                                   .where(*where, col(Submission.is_emergency).is_(True))).one())
    oldest = session.exec(select(func.min(Submission.received_at)).where(*where)).one()
    rows, _total = reviewqueue.list_queue(session, scope=scope, filters=reviewqueue.Filters())
    return Queue(waiting=waiting, emergencies=emergencies, oldest=oldest, first=rows[:first])


def next_waiting(session: Session, *, scope: access.Scope, after: int | None = None) -> Submission | None:
    """The first waiting submission this officer may decide on, other than `after` (after a decision)."""
    rows, _total = reviewqueue.list_queue(session, scope=scope, filters=reviewqueue.Filters())
    for row in rows:
        if row.submission.id != after and row.submission.state in reviewqueue.WAITING and access.may_review(
                session, scope=scope, submission=row.submission):
            return row.submission
    return None


def translations_due(session: Session, *, officer_id: int | None = None,
                     limit: int = 10) -> list[tuple[TranslationRequest, Submission]]:
    """Open translation requests (those assigned to `officer_id`, or all of them)."""
    query = (select(TranslationRequest, Submission)
             .join(Submission, col(Submission.id) == TranslationRequest.submission_id)
             .where(TranslationRequest.state == "open").order_by(col(TranslationRequest.created_at)).limit(limit))
    if officer_id is not None:
        query = query.where(TranslationRequest.assigned_to_id == officer_id)
    return [(r, s) for r, s in session.exec(query).all()]


def own_submissions(session: Session, *, officer_id: int, limit: int = 30) -> list[OwnSubmission]:
    """The officer's submissions, newest first, each with a plain stage and the reason when returned."""
    rows = list(
        session.exec(
            select(Submission)
            .where(Submission.officer_id == officer_id, col(Submission.state) != SubmissionState.draft.value)
            .order_by(col(Submission.created_at).desc(), col(Submission.id).desc())
            .limit(limit)
        ).all()
    )
    ids = [s.id for s in rows] or [-1]
    aired = dict(
        session.exec(
            select(ContentItem.submission_id, func.min(Play.started_at))
            .join(Play, col(Play.content_item_id) == ContentItem.id)
            .where(col(ContentItem.submission_id).in_(ids))
            .group_by(col(ContentItem.submission_id))
        ).all()
    )
    reasons: dict[int, str] = {}
    for review in session.exec(
        select(Review)
        .where(col(Review.submission_id).in_(ids), col(Review.decision).in_(["rejected", "changes_requested"]))
        .order_by(col(Review.id))
    ).all():
        if review.reason:
            reasons[review.submission_id] = review.reason
    result = []
    for s in rows:
        stage = _STAGE_OF_STATE.get(s.state, "received")
        if stage == "approved" and s.id in aired:
            stage = "aired"
        reason = s.failure_reason if stage == "failed" else reasons.get(s.id) if stage == "returned" else None  # type: ignore[arg-type]
        result.append(OwnSubmission(submission=s, stage=stage, reason=reason, first_aired=aired.get(s.id)))
    return result
