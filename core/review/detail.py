"""Everything the item page shows about one submission, gathered in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from core.accounts import access
from core.airing.models import Cluster
from core.intake.models import MediaAsset, Submission, SubtitleTrack, Transcript
from core.org.models import Officer, Unit
from core.review import locks, translations, vtt
from core.review import service as review
from core.review.models import ContentItem, EditLock, Review, TranslationRequest
from core.types import AssetRole


@dataclass(slots=True)
class Detail:
    submission: Submission
    officer: Officer | None
    unit: Unit | None
    target_cluster: Cluster | None
    assets: list[MediaAsset]
    main: MediaAsset | None  # what the player shows: the normalised file, else the original
    original: MediaAsset | None
    poster: MediaAsset | None
    transcript: Transcript | None
    segments: list[dict[str, Any]]
    tracks: list[SubtitleTrack]
    history: list[tuple[Review, Officer | None]]
    item: ContentItem | None
    item_cluster_ids: list[int]
    may_review: bool
    lock: EditLock | None
    lock_holder: Officer | None
    may_break_lock: bool
    approvable: list[Cluster] = field(default_factory=list)
    requests: list[TranslationRequest] = field(default_factory=list)
    translators: list[Officer] = field(default_factory=list)


def _pick(assets: list[MediaAsset], role: AssetRole) -> MediaAsset | None:
    return next((a for a in assets if a.role == role.value), None)


def gather(session: Session, *, scope: access.Scope, submission: Submission) -> Detail:
    """The item page's data; `may_review` decides whether editing controls are offered."""
    assets = list(session.exec(select(MediaAsset).where(MediaAsset.submission_id == submission.id)
                               .order_by(col(MediaAsset.position), col(MediaAsset.id))).all())
    main = _pick(assets, AssetRole.normalised) or _pick(assets, AssetRole.original)
    original = _pick(assets, AssetRole.original)
    transcript = None
    if main is not None:
        ids = [
            a.id
            for a in assets
            if a.role in {AssetRole.original.value, AssetRole.normalised.value, AssetRole.audio.value}
        ]
        transcript = session.exec(select(Transcript).where(col(Transcript.asset_id).in_(ids))
                                  .order_by(col(Transcript.id).desc())).first()
    tracks = list(session.exec(select(SubtitleTrack).where(SubtitleTrack.submission_id == submission.id)
                               .order_by(col(SubtitleTrack.kind), col(SubtitleTrack.language))).all())
    own = next((t for t in tracks if t.kind == "transcript" and t.language == (submission.language or "vi")), None)
    segments = vtt.parse(own.vtt) if own else list((transcript.segments or []) if transcript else [])
    item = session.exec(select(ContentItem).where(ContentItem.submission_id == submission.id)).first()
    item_clusters: list[int] = []
    if item is not None:
        from core.review.models import ContentTarget

        item_clusters = [t.cluster_id for t in session.exec(select(ContentTarget)
                         .where(ContentTarget.content_item_id == item.id)).all() if t.cluster_id]
    reviewable = access.may_review(session, scope=scope, submission=submission)
    lock = locks.holder(session, submission_id=submission.id)  # type: ignore[arg-type]
    return Detail(
        submission=submission,
        officer=session.get(Officer, submission.officer_id),
        unit=session.get(Unit, submission.unit_id),
        target_cluster=session.get(Cluster, submission.target_cluster_id) if submission.target_cluster_id else None,
        assets=assets,
        main=main,
        original=original,
        poster=_pick(assets, AssetRole.poster) or _pick(assets, AssetRole.thumbnail),
        transcript=transcript,
        segments=segments,
        tracks=tracks,
        history=review.history(session, submission_id=submission.id),  # type: ignore[arg-type]
        item=item,
        item_cluster_ids=item_clusters,
        may_review=reviewable,
        lock=lock,
        lock_holder=session.get(Officer, lock.officer_id) if lock else None,
        may_break_lock=access.may_break_lock(scope),
        approvable=access.approvable_clusters(session, scope=scope) if reviewable else [],
        requests=translations.of_submission(session, submission_id=submission.id),  # type: ignore[arg-type]
        translators=translations.translators(session) if reviewable else [],
    )
