"""Editors' decisions on submissions: approve (making a content item), reject, request changes.

Every decision writes a Review, an audit event and an outbox notification to the officer in the
same unit of work; a decision on an item already decided is refused, so two editors approving at
once yield one decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from core.accounts import access
from core.airing import plans
from core.errors import Invalid
from core.intake.models import MediaAsset, Submission, SubtitleTrack
from core.notify import outbox as notify
from core.org.models import Officer
from core.records import audit
from core.review import locks
from core.review.models import ContentItem, ContentSearch, ContentTarget, Review
from core.review.textfold import fold
from core.types import AssetRole, Decision, Priority, SubmissionState, utcnow

# A decision may be taken on these states; `processing`/`failed` may still be rejected.
DECIDABLE = frozenset({SubmissionState.received.value, SubmissionState.ready.value,
                       SubmissionState.changes_requested.value})
REJECTABLE = DECIDABLE | {SubmissionState.processing.value, SubmissionState.failed.value}
WAITING = (SubmissionState.received.value, SubmissionState.processing.value, SubmissionState.ready.value)


@dataclass(frozen=True, slots=True)
class Approval:
    """What the approver chose: where, when, how urgent, under which title."""

    cluster_ids: list[int]
    valid_from: datetime
    valid_to: datetime
    priority: str
    title: str
    description: str | None = None
    # Advertising law: an advertisement names its advertiser (name, address) and its licence or permit.
    advertiser_name: str | None = None
    advertiser_address: str | None = None
    ad_licence_ref: str | None = None


def _fresh(session: Session, submission: Submission) -> Submission:
    """Reload with a row lock (PostgreSQL) so the state check below sees the latest decision."""
    row = session.get(Submission, submission.id, with_for_update=True, populate_existing=True)
    assert row is not None
    return row


def _check_state(submission: Submission, allowed: frozenset[str]) -> None:
    if submission.state not in allowed:
        raise Invalid("this item was already decided or is not ready for a decision", field="state")


def notify_officer(session: Session, *, submission: Submission, event: str, review: Review,
                   payload: dict[str, Any]) -> int | None:
    """One outbox row for the submitting officer about a decision (delivery belongs to notifications)."""
    if session.get(Officer, submission.officer_id) is None:
        return None
    # One message per decision: an item approved again after an edit is announced again.
    return notify.notify(session, officer_id=submission.officer_id, event=event, object_type="submission",
                         object_id=submission.id, object_key=f"{submission.id}/review/{review.id}",
                         urgent=submission.is_emergency,
                         payload={"code": submission.code, "title": submission.title, **payload})


def record_review(session: Session, *, submission: Submission, reviewer: Officer, decision: Decision,
                   reason: str | None = None, changes: dict[str, Any] | None = None) -> Review:
    """Keep one decision or correction (the accuracy record)."""
    review = Review(submission_id=submission.id, reviewer_id=reviewer.id, decision=decision.value,  # type: ignore[arg-type]
                    reason=reason, changes=changes)
    session.add(review)
    session.flush()
    return review


def _main_asset(session: Session, submission_id: int) -> MediaAsset | None:
    assets = session.exec(select(MediaAsset).where(MediaAsset.submission_id == submission_id)
                          .order_by(col(MediaAsset.position), col(MediaAsset.id))).all()
    for role in (AssetRole.normalised.value, AssetRole.original.value):
        for asset in assets:
            if asset.role == role:
                return asset
    return None


def index_item(session: Session, *, item: ContentItem) -> None:
    """Store the item's words folded (no diacritics) for the library search."""
    words = " ".join(filter(None, [item.title, item.description, item.body]))
    assert item.id is not None  # a stored item
    row = session.get(ContentSearch, item.id) or ContentSearch(content_item_id=item.id, folded="")
    row.folded = fold(words)
    session.add(row)


def approve(session: Session, *, scope: access.Scope, submission: Submission, choice: Approval,
            actor: audit.Actor) -> ContentItem:
    """Approve for the chosen clusters and period: create (or renew) the content item, notify the officer."""
    submission = _fresh(session, submission)
    _check_state(submission, DECIDABLE)
    locks.acquire(session, submission_id=submission.id, officer=scope.officer)  # type: ignore[arg-type]
    allowed = {c.id for c in access.approvable_clusters(session, scope=scope)}
    if not choice.cluster_ids:
        raise Invalid("choose at least one cluster", field="clusters")
    if not set(choice.cluster_ids) <= allowed:
        raise Invalid("you may not approve for one of these clusters", field="clusters")
    if choice.valid_to <= choice.valid_from:
        raise Invalid("the airing period ends before it starts", field="valid_to")
    if choice.priority not in {p.value for p in Priority}:
        raise Invalid("unknown priority", field="priority")
    title = " ".join(choice.title.split()) or submission.title or submission.code or ""
    if not title:
        raise Invalid("the title is empty", field="title")
    if not submission.category:
        raise Invalid("choose a category", field="category")
    advertiser = [" ".join((v or "").split()) or None
                  for v in (choice.advertiser_name, choice.advertiser_address, choice.ad_licence_ref)]
    if submission.category == "5" and not all(advertiser):
        raise Invalid("an advertisement needs the advertiser's name and address and its licence reference",
                      field="advertiser_name")
    asset = _main_asset(session, submission.id)  # type: ignore[arg-type]
    item = session.exec(select(ContentItem).where(ContentItem.submission_id == submission.id)).first()
    before_item = audit.snapshot(item) if item else None
    item = item or ContentItem(submission_id=submission.id, unit_id=submission.unit_id, title=title, kind="text",
                               category=submission.category, valid_from=choice.valid_from, valid_to=choice.valid_to)
    track_rows = session.exec(select(SubtitleTrack).where(SubtitleTrack.submission_id == submission.id)).all()
    tracks = [t.language for t in track_rows]
    for track in track_rows:  # the approved item airs its tracks as they are now
        track.aired_vtt = track.vtt
        session.add(track)
    item.title, item.description, item.body = title, choice.description or submission.caption, submission.body
    item.kind = submission.kind or (asset.kind if asset and asset.kind else "text")
    item.category, item.priority = submission.category, choice.priority
    item.languages = sorted({*(t for t in tracks), *([submission.language] if submission.language else [])})
    item.media_asset_id = asset.id if asset else None
    item.duration_s = asset.duration_s if asset else None
    item.valid_from, item.valid_to, item.is_active = choice.valid_from, choice.valid_to, True
    item.approved_by_id, item.approved_at = scope.officer.id, utcnow()
    item.advertiser_name, item.advertiser_address, item.ad_licence_ref = (
        advertiser if submission.category == "5" else (None, None, None))
    session.add(item)
    session.flush()
    for old in session.exec(select(ContentTarget).where(ContentTarget.content_item_id == item.id)).all():
        session.delete(old)
    for cluster_id in sorted(set(choice.cluster_ids)):
        session.add(ContentTarget(content_item_id=item.id, target_kind="cluster", cluster_id=cluster_id))  # type: ignore[arg-type]
    index_item(session, item=item)
    before = audit.snapshot(submission)
    submission.state, submission.updated_at = SubmissionState.approved.value, utcnow()
    session.add(submission)
    review = record_review(session, submission=submission, reviewer=scope.officer, decision=Decision.approved)
    audit.record(session, actor=actor, action="review.approved", object_type="submission", object_id=submission.id,
                 before=before, after={**audit.snapshot(submission), "content_item": audit.snapshot(item),
                                       "clusters": sorted(choice.cluster_ids), "previous_item": before_item})
    notify_officer(session, submission=submission, event="review.approved", review=review,
                   payload={"content_item_id": item.id, "valid_from": item.valid_from.isoformat(),
                            "valid_to": item.valid_to.isoformat()})
    locks.release(session, submission_id=submission.id, officer=scope.officer)  # type: ignore[arg-type]
    plans.request_rebuild(session, reason="review.approved")
    return item


def _withdraw_item(session: Session, submission_id: int, *, actor: audit.Actor) -> None:
    """The approved item leaves the boards; a monthly supply it counted for reopens if it no longer makes the count."""
    from core.notify import reminders

    item = session.exec(select(ContentItem).where(ContentItem.submission_id == submission_id)).first()
    if item is not None and item.is_active:
        plans.request_rebuild(session, reason="content.withdrawn")
        item.is_active = False
        session.add(item)
        session.flush()
        for obligation_id in reminders.unfulfil_withdrawn(session, approved_by_id=item.approved_by_id,
                                                          approved_at=item.approved_at):
            audit.record(session, actor=actor, action="obligation.reopened", object_type="obligation",
                         object_id=obligation_id, after={"withdrawn_item_id": item.id})


def _close(session: Session, *, scope: access.Scope, submission: Submission, decision: Decision, state: str,
           text: str, field: str, actor: audit.Actor, allowed: frozenset[str]) -> Review:
    submission = _fresh(session, submission)
    _check_state(submission, allowed)
    text = text.strip()
    if not text:
        raise Invalid("say why: the officer reads this", field=field)
    locks.acquire(session, submission_id=submission.id, officer=scope.officer)  # type: ignore[arg-type]
    before = audit.snapshot(submission)
    submission.state, submission.updated_at = state, utcnow()
    session.add(submission)
    _withdraw_item(session, submission.id, actor=actor)  # type: ignore[arg-type]
    review = record_review(session, submission=submission, reviewer=scope.officer, decision=decision, reason=text)
    audit.record(session, actor=actor, action=f"review.{decision.value}", object_type="submission",
                 object_id=submission.id, before=before, after={**audit.snapshot(submission), "reason": text})
    notify_officer(session, submission=submission, event=f"review.{decision.value}", review=review,
                   payload={"reason": text})
    locks.release(session, submission_id=submission.id, officer=scope.officer)  # type: ignore[arg-type]
    return review


def reject(session: Session, *, scope: access.Scope, submission: Submission, reason: str, actor: audit.Actor) -> Review:
    """Refuse the submission with a reason the officer is told; an obligation it fulfilled reopens (issue 13.8)."""
    from core.notify import reminders

    review = _close(session, scope=scope, submission=submission, decision=Decision.rejected,
                    state=SubmissionState.rejected.value, text=reason, field="reason", actor=actor, allowed=REJECTABLE)
    for obligation_id in reminders.unfulfil_rejected(session, submission_id=submission.id):  # type: ignore[arg-type]
        audit.record(session, actor=actor, action="obligation.reopened", object_type="obligation",
                     object_id=obligation_id, after={"rejected_submission_id": submission.id})
    return review


def request_changes(session: Session, *, scope: access.Scope, submission: Submission, note: str,
                    actor: audit.Actor) -> Review:
    """Send the submission back to the officer with a note of what to change."""
    return _close(session, scope=scope, submission=submission, decision=Decision.changes_requested,
                  state=SubmissionState.changes_requested.value, text=note, field="note", actor=actor,
                  allowed=DECIDABLE)


def approve_tracks(session: Session, *, scope: access.Scope, submission: Submission, actor: audit.Actor) -> int:
    """Put the changed subtitle tracks of an approved item on the air (a correction or a translation
    made after approval); returns how many changed. Until then the approved versions keep airing."""
    if not access.may_review(session, scope=scope, submission=submission):
        raise Invalid("this item was already decided or is not ready for a decision", field="state")
    changed = 0
    for track in session.exec(select(SubtitleTrack).where(SubtitleTrack.submission_id == submission.id)).all():
        if track.aired_vtt != track.vtt:
            track.aired_vtt, changed = track.vtt, changed + 1
            session.add(track)
    if changed:
        item = session.exec(select(ContentItem).where(ContentItem.submission_id == submission.id)).first()
        if item is not None:
            langs = session.exec(
                select(SubtitleTrack.language).where(SubtitleTrack.submission_id == submission.id)
            ).all()
            item.languages = sorted({*langs, *([submission.language] if submission.language else [])})
            session.add(item)
        record_review(
            session,
            submission=submission,
            reviewer=scope.officer,
            decision=Decision.correction,
            changes={"subtitles.approved": [None, str(changed)]},
        )
        audit.record(
            session,
            actor=actor,
            action="review.subtitles_approved",
            object_type="submission",
            object_id=submission.id,
            after={"tracks": changed},
        )
        plans.request_rebuild(session, reason="review.subtitles_approved")
    return changed


def pending_tracks(session: Session, *, submission_id: int) -> list[SubtitleTrack]:
    """Tracks whose latest text is not the one on the air (changed, or never approved)."""
    return [
        t
        for t in session.exec(select(SubtitleTrack).where(SubtitleTrack.submission_id == submission_id)).all()
        if t.aired_vtt != t.vtt
    ]


def reopen_if_approved(session: Session, *, submission: Submission, actor: audit.Actor, reason: str) -> bool:
    """A substantive edit after approval sends the item back for approval and takes it off the air."""
    if submission.state != SubmissionState.approved.value:
        return False
    submission.state, submission.updated_at = SubmissionState.ready.value, utcnow()
    session.add(submission)
    _withdraw_item(session, submission.id, actor=actor)  # type: ignore[arg-type]
    audit.record(
        session,
        actor=actor,
        action="review.reopened",
        object_type="submission",
        object_id=submission.id,
        after={"reason": reason},
    )
    return True


def history(session: Session, *, submission_id: int) -> list[tuple[Review, Officer | None]]:
    """Every review of the submission, oldest first, with its reviewer."""
    rows = session.exec(select(Review).where(Review.submission_id == submission_id).order_by(col(Review.id))).all()
    return [(r, session.get(Officer, r.reviewer_id)) for r in rows]
