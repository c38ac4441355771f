"""The intake service: drafts collect media and answers; `submit` stores, numbers and queues them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from core.airing.models import Cluster
from core.errors import Invalid, NotFound
from core.intake.models import MediaAsset, Submission
from core.intake.rules import may_mark_emergency, unit_has_duty
from core.notify import outbox as notify
from core.notify import reminders
from core.org.models import Officer, Unit
from core.queue import Queue
from core.records import audit
from core.records.audit import Actor
from core.storage import StoredObject
from core.types import (
    AssetRole,
    Category,
    Channel,
    ClusterKind,
    Duty,
    MediaKind,
    Role,
    SubmissionState,
    TargetKind,
    utcnow,
)

DEFAULT_DAYS = 7
CHOOSABLE_TARGETS = (TargetKind.own_unit, TargetKind.border_gate, TargetKind.cluster)
# Fields an officer may set on a draft (the rest belong to the system and the editors).
DRAFT_FIELDS = frozenset({"category", "target_kind", "target_cluster_id", "wished_start", "wished_end",
                          "title", "caption", "body", "is_emergency"})


@dataclass(frozen=True, slots=True)
class Previous:
    """An earlier submission holding the same content."""

    submission_id: int
    code: str | None
    received_at: datetime | None


def text_key(text: str) -> str:
    """The dedupe key of a written notice: its words, case and spacing ignored."""
    return "text:" + hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()


def open_draft(
    session: Session, *, officer: Officer, channel: Channel, kind: MediaKind, actor: Actor,
    caption: str | None = None, body: str | None = None, album_key: str | None = None,
) -> Submission:
    """Start a draft submission for the officer (nothing is numbered or queued yet)."""
    assert officer.id is not None
    draft = Submission(
        officer_id=officer.id, unit_id=officer.unit_id, channel=str(channel), state=str(SubmissionState.draft),
        kind=str(kind), caption=caption, body=body,
        dedupe_key=album_key or (text_key(body) if body else None),
    )
    session.add(draft)
    session.flush()
    audit.record(session, actor=actor, action="submission.drafted", object_type="submission",
                 object_id=draft.id, after={"kind": draft.kind, "channel": draft.channel})
    return draft


def find_album(
    session: Session, *, officer_id: int, album_key: str, within: timedelta = timedelta(hours=1)
) -> Submission | None:
    """The submission an album part belongs to (parts arrive apart, sometimes after "Gửi")."""
    return session.exec(
        select(Submission).where(
            Submission.officer_id == officer_id, Submission.dedupe_key == album_key,
            Submission.state != str(SubmissionState.cancelled), Submission.created_at > utcnow() - within,
        )
    ).first()


def attach_asset(
    session: Session, *, submission: Submission, stored: StoredObject, kind: MediaKind, actor: Actor,
    mime: str | None = None, filename: str | None = None, source_ref: str | None = None,
    order: int = 0, duration_s: float | None = None, width: int | None = None, height: int | None = None,
) -> MediaAsset | None:
    """Add an original file to the submission; the same content twice is kept once (returns None)."""
    existing = session.exec(
        select(MediaAsset).where(MediaAsset.submission_id == submission.id, MediaAsset.role == str(AssetRole.original),
                                 MediaAsset.sha256 == stored.sha256)
    ).first()
    if existing is not None:
        return None
    draft = submission.state == str(SubmissionState.draft)
    if not draft:  # numbered already: a late part goes last
        order = len(assets_of(session, submission_id=submission.id))  # type: ignore[arg-type]
    asset = MediaAsset(
        submission_id=submission.id, role=str(AssetRole.original), kind=str(kind), sha256=stored.sha256,
        size_bytes=stored.size_bytes, mime=mime, filename=filename, position=order, source_ref=source_ref,
        duration_s=duration_s, width=width, height=height,
    )
    session.add(asset)
    session.flush()
    if not draft:
        # A late album part or a large upload: the media job must see it too.
        audit.record(session, actor=actor, action="submission.asset_added", object_type="submission",
                     object_id=submission.id, after={"sha256": stored.sha256, "position": asset.position})
    return asset


def _renumber(session: Session, *, submission_id: int) -> None:
    assets = session.exec(
        select(MediaAsset).where(MediaAsset.submission_id == submission_id, MediaAsset.role == str(AssetRole.original))
        .order_by(col(MediaAsset.position), col(MediaAsset.id))
    ).all()
    # In a draft, positions hold the channel's order key (message ids): album parts arrive in any
    # order. On "Gửi" they become 0, 1, 2 …
    for index, asset in enumerate(assets):
        if asset.position != index:
            asset.position = index
            session.add(asset)
    session.flush()


def assets_of(session: Session, *, submission_id: int) -> list[MediaAsset]:
    return list(session.exec(
        select(MediaAsset).where(MediaAsset.submission_id == submission_id, MediaAsset.role == str(AssetRole.original))
        .order_by(col(MediaAsset.position))
    ).all())


def find_previous(
    session: Session, *, officer_id: int, sha256s: Sequence[str] = (), source_refs: Sequence[str | None] = (),
    dedupe_key: str | None = None, exclude_id: int | None = None,
) -> Previous | None:
    """An earlier, sent submission of the officer with the same file (hash or channel id) or text."""
    sent = col(Submission.state).not_in([str(SubmissionState.draft), str(SubmissionState.cancelled)])
    conditions = []
    if sha256s:
        conditions.append(col(MediaAsset.sha256).in_(sha256s))
    refs = [r for r in source_refs if r]
    if refs:
        conditions.append(col(MediaAsset.source_ref).in_(refs))
    row: Submission | None = None
    if conditions:
        row = session.exec(
            select(Submission).join(MediaAsset, col(MediaAsset.submission_id) == Submission.id)
            .where(Submission.officer_id == officer_id, sent, Submission.id != exclude_id, or_(*conditions))
            .order_by(col(Submission.received_at).desc())
        ).first()
    if row is None and dedupe_key:
        row = session.exec(
            select(Submission).where(Submission.officer_id == officer_id, sent, Submission.id != exclude_id,
                                     Submission.dedupe_key == dedupe_key)
            .order_by(col(Submission.received_at).desc())
        ).first()
    if row is None:
        return None
    assert row.id is not None
    return Previous(row.id, row.code, row.received_at)


def update_draft(session: Session, *, submission: Submission, actor: Actor, **changes: Any) -> Submission:
    """Set the officer's answers on a draft (category, target, period, title …), checking each."""
    if submission.state != str(SubmissionState.draft):
        raise Invalid("only a draft can be changed", field="state")
    unknown = set(changes) - DRAFT_FIELDS
    if unknown:
        raise Invalid(f"not an officer's field: {sorted(unknown)}", field=min(unknown))
    if "category" in changes and changes["category"] is not None:
        changes["category"] = str(Category(changes["category"]))
    if changes.get("is_emergency"):
        if not may_mark_emergency(session, unit_id=submission.unit_id):
            raise Invalid("this unit may not send emergencies", field="is_emergency")
        changes["category"] = str(Category.emergency)
    if "target_kind" in changes:
        kind = TargetKind(changes["target_kind"])
        if kind not in CHOOSABLE_TARGETS:
            raise Invalid("choose own unit, border gates or one cluster", field="target_kind")
        changes["target_kind"] = str(kind)
        cluster_id = changes.get("target_cluster_id")
        if kind is TargetKind.cluster:
            cluster = session.get(Cluster, cluster_id) if cluster_id else None
            if cluster is None or not cluster.is_active:
                raise NotFound("no such active cluster")
        else:
            changes["target_cluster_id"] = None
    start, end = changes.get("wished_start", submission.wished_start), changes.get("wished_end", submission.wished_end)
    if start is not None and end is not None and end <= start:
        raise Invalid("the period ends before it starts", field="wished_end")
    for name, value in changes.items():
        setattr(submission, name, value)
    submission.updated_at = utcnow()
    session.add(submission)
    session.flush()
    return submission


def default_period(*, now: datetime | None = None, days: int = DEFAULT_DAYS) -> tuple[datetime, datetime]:
    """As soon as possible, for `days` days."""
    now = now or utcnow()
    return now, now + timedelta(days=days)


def _next_code(session: Session, *, when: datetime, tz: ZoneInfo) -> str:
    prefix = "BT-" + when.astimezone(tz).strftime("%y%m") + "-"
    codes = session.exec(select(Submission.code).where(col(Submission.code).like(prefix + "%"))).all()
    numbers = [int(c[len(prefix):]) for c in codes if c and c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def submit(session: Session, *, submission: Submission, actor: Actor, queue: Queue, tz: ZoneInfo) -> Submission:
    """Receive a complete draft: give it its code, audit it, queue its media, alert on emergencies."""
    if submission.state != str(SubmissionState.draft):
        return submission  # a second "Gửi" (double tap, redelivery) changes nothing
    missing = [n for n in ("category", "target_kind", "wished_start", "wished_end") if getattr(submission, n) is None]
    if missing:
        raise Invalid(f"missing {', '.join(missing)}", field=missing[0])
    assets = assets_of(session, submission_id=submission.id)  # type: ignore[arg-type]
    if not assets and not submission.body and not _has_pending_upload(session, submission.id):
        raise Invalid("nothing to send", field="media")
    _renumber(session, submission_id=submission.id)  # type: ignore[arg-type]
    before = audit.snapshot(submission)
    now = utcnow()
    for _attempt in range(5):
        submission.code = _next_code(session, when=now, tz=tz)
        try:
            with session.begin_nested():
                session.add(submission)
                session.flush()
            break
        except IntegrityError:  # another process took the number (PostgreSQL); take the next
            continue
    submission.state = str(SubmissionState.received)
    submission.received_at = now
    submission.updated_at = now
    session.add(submission)
    session.flush()
    audit.record(session, actor=actor, action="submission.received", object_type="submission",
                 object_id=submission.id, before=before, after=audit.snapshot(submission))
    if assets:
        queue.defer(session, "media.process", submission_id=submission.id)
    if submission.is_emergency:
        alert_editors(session, submission=submission)
    # A qualifying submission fulfils its unit's open deadline obligations (Điều 10.1.b/c) at once.
    reminders.fulfil_from_submission(session, submission_id=submission.id, tz=tz)  # type: ignore[arg-type]
    return submission


def _has_pending_upload(session: Session, submission_id: int | None) -> bool:
    from core.intake.models import UploadSession

    return (
        session.exec(select(UploadSession.id).where(UploadSession.submission_id == submission_id)).first() is not None
    )


def alert_editors(session: Session, *, submission: Submission) -> list[int]:
    """An urgent outbox row for every active editor of the units holding the provincial editor duty."""
    unit_ids = [u for u in session.exec(select(Unit.id)).all()
                if u is not None and unit_has_duty(session, unit_id=u, duty=str(Duty.provincial_editor))]
    editors = session.exec(
        select(Officer.id).where(col(Officer.unit_id).in_(unit_ids), Officer.is_active,
                                 col(Officer.role).in_([str(Role.editor), str(Role.administrator)]))
    ).all() if unit_ids else []
    unit = session.get(Unit, submission.unit_id)
    payload = {"code": submission.code, "unit": unit.name if unit else None, "title": submission.title,
               "category": submission.category}
    return notify.notify_many(session, officer_ids=[e for e in editors if e is not None], event="submission.emergency",
                              object_type="submission", object_id=submission.id, payload=payload, urgent=True)


def cancel(session: Session, *, submission: Submission, actor: Actor) -> Submission:
    """Cancel a draft (a sent submission is withdrawn by editors, not here)."""
    if submission.state != str(SubmissionState.draft):
        raise Invalid("only a draft can be cancelled", field="state")
    submission.state = str(SubmissionState.cancelled)
    submission.updated_at = utcnow()
    session.add(submission)
    session.flush()
    audit.record(session, actor=actor, action="submission.cancelled", object_type="submission", object_id=submission.id)
    return submission


def recent(session: Session, *, officer_id: int, limit: int = 5) -> list[Submission]:
    """The officer's last sent submissions, newest first."""
    return list(
        session.exec(
            select(Submission)
            .where(
                Submission.officer_id == officer_id,
                col(Submission.state).not_in([str(SubmissionState.draft), str(SubmissionState.cancelled)]),
            )
            .order_by(col(Submission.received_at).desc())
            .limit(limit)
        ).all()
    )


def clusters_for(session: Session, *, unit_id: int, limit: int = 12) -> list[Cluster]:
    """Clusters an officer may choose: their own unit's first, then the others, border gates last."""
    rows = session.exec(select(Cluster).where(Cluster.is_active).order_by(col(Cluster.name))).all()
    rows = sorted(rows, key=lambda c: (c.operator_unit_id != unit_id and c.commune_unit_id != unit_id,
                                       c.kind == str(ClusterKind.border_gate), c.name))
    return list(rows[:limit])


def as_utc(day_start: datetime) -> datetime:
    return day_start.astimezone(UTC)
