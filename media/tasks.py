"""Media tasks: `media.process` (one idempotent job per submission) and `media.resume` (the sweep).

The heavy work runs outside any transaction; each result is written in one short unit of work.
A job killed mid-way leaves the submission in `processing` with an old `updated_at` (every step
and every transcribed segment refreshes it); `media.resume` finds those and enqueues them again,
and the new job skips the originals whose derived files were already committed.
"""

from __future__ import annotations

import errno
import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from huey import crontab
from sqlalchemy import and_, or_
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from core import runtime
from core.intake.models import MediaAsset, Submission, SubtitleTrack, Transcript
from core.notify import outbox as notify
from core.notify import reminders
from core.org.models import Officer
from core.queue import task
from core.types import AssetRole, SubmissionState, utcnow
from media.errors import MediaRejected, TransientMediaError
from media.langtag import LanguageTag, tag_audio, tag_text

log = logging.getLogger("media.tasks")
# A running job holds its submission by a lease it renews every LEASE_RENEW (a thread beside the
# pipeline, so a long step renews it too); a lease older than STALE_AFTER belongs to a dead job and
# the minutely media.resume sweep hands the submission to another worker: about a minute after a kill.
LEASE_RENEW = timedelta(seconds=10)
STALE_AFTER = timedelta(seconds=45)
NEVER_SENT_AFTER = timedelta(minutes=10)
RETRY_WAIT = "retry_wait"
_TRANSIENT_ERRNOS = {errno.ENOSPC, errno.EAGAIN, errno.EIO, errno.ENOMEM, errno.EMFILE}
PROGRESS_EVERY = 5.0  # seconds between two edits of the officer's progress message


def gettext(language: str | None, message: str, **values: Any) -> str:
    # Imported when a message is made, not when the queue imports this module for registration.
    from i18n import gettext as translate

    return translate(language, message, **values)


def progress_text(step: str | None, percent: int, language: str | None = "vi") -> str:
    """What the bot shows the officer, e.g. 'Đang xử lý video… 60 %'."""
    from bot.texts import progress_text as text

    return text(language or "vi", step, percent)


def _officer_language(session: Session, submission: Submission) -> str:
    officer = session.get(Officer, submission.officer_id)
    return officer.language if officer is not None else "vi"


def _unit_sends_vietnamese(session: Session, submission: Submission) -> bool:
    """The unit's last reviewed or ready items were Vietnamese (at least 3, 80 %): Vietnamese is likely."""
    languages = session.exec(
        select(Submission.language).where(
            Submission.unit_id == submission.unit_id, Submission.id != submission.id,
            col(Submission.language).is_not(None),
            col(Submission.state).in_([SubmissionState.ready, SubmissionState.approved]))
        .order_by(col(Submission.id).desc()).limit(20)).all()
    return len(languages) >= 3 and sum(language == "vi" for language in languages) >= 0.8 * len(languages)


def _screen(resolution: str | None) -> tuple[int, int] | None:
    width, _, height = (resolution or "").lower().replace("×", "x").partition("x")
    return (int(width), int(height)) if width.strip().isdigit() and height.strip().isdigit() else None


def board_size(session: Session, submission: Submission) -> tuple[int, int] | None:
    """The largest screen among the boards the submission is meant for (None: none known, use 1080p).

    LED boards are often far below 1080p; a clip encoded no larger than its biggest screen is smaller
    and faster to make. Targets chosen later by an editor are not known yet: the wished ones count."""
    from core.airing.models import Board, Cluster
    from core.types import TargetKind

    query = select(Board.resolution).join(Cluster, col(Board.cluster_id) == col(Cluster.id))
    kind = submission.target_kind
    if kind == TargetKind.cluster and submission.target_cluster_id:
        query = query.where(Cluster.id == submission.target_cluster_id)
    elif kind == TargetKind.own_unit:
        query = query.where((Cluster.operator_unit_id == submission.unit_id)
                            | (Cluster.commune_unit_id == submission.unit_id))
    elif kind == TargetKind.border_gate:
        query = query.where(Cluster.kind == "border_gate")
    screens = [size for size in map(_screen, session.exec(query).all()) if size is not None]
    if not screens:
        return None
    return max(w for w, _ in screens), max(h for _, h in screens)


def _claim(submission_id: int) -> tuple[list[int], str, bool, tuple[int, int] | None] | None:
    """Mark the submission processing; None when it is done, gone, or another worker is on it."""
    rt = runtime.current()
    with rt.db.unit_of_work() as session:
        sub = session.get(Submission, submission_id)
        if sub is None or sub.state not in (SubmissionState.received, SubmissionState.processing):
            return None
        fresh = utcnow() - sub.updated_at < STALE_AFTER
        if sub.state == SubmissionState.processing and fresh and sub.progress_step != RETRY_WAIT:
            return None  # a live job refreshed it lately; the sweep will catch it if it dies
        sub.state, sub.progress_step, sub.failure_reason, sub.updated_at = (
            SubmissionState.processing, "probe", None, utcnow())
        # NOT IN meets no NULL here: only this submission's derived rows, which all name their source.
        done = select(MediaAsset.derived_from_id).where(
            MediaAsset.submission_id == submission_id, MediaAsset.role == AssetRole.normalised,
            col(MediaAsset.derived_from_id).is_not(None))
        originals = session.exec(
            select(MediaAsset.id)
            .where(MediaAsset.submission_id == submission_id, MediaAsset.role == AssetRole.original)
            .where(col(MediaAsset.id).not_in(done))
            .order_by(col(MediaAsset.position), col(MediaAsset.id))
        ).all()
        return ([i for i in originals if i is not None], " ".join(filter(None, [sub.caption, sub.body])),
                _unit_sends_vietnamese(session, sub), board_size(session, sub))


class _Chat:
    """Shows the officer the job's progress as one chat message, edited at most every PROGRESS_EVERY seconds."""

    def __init__(self, submission_id: int) -> None:
        self.submission_id = submission_id
        self.last = float("-inf")

    def __call__(self, step: str, percent: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        try:
            from bot.notify import progress
        except ImportError:  # a worker without the chat layer
            return
        progress.show(runtime.current(), submission_id=self.submission_id, step=step, percent=percent)


class _Reporter:
    """Writes progress in its own short transactions, at most every few seconds (a heartbeat too)."""

    def __init__(self, submission_id: int, share: tuple[float, float], chat: _Chat | None = None) -> None:
        self.submission_id, self.share, self.chat = submission_id, share, chat
        self.last = (-1, "", 0.0)

    def __call__(self, percent: int, step: str) -> None:
        low, high = self.share
        overall = int(low + (high - low) * percent / 100)
        now = time.monotonic()
        if step == self.last[1] and overall - self.last[0] < 5 and now - self.last[2] < 20:
            return
        self.last = (overall, step, now)
        with runtime.current().db.unit_of_work() as session:
            sub = session.get(Submission, self.submission_id)
            if sub is not None:
                sub.progress, sub.progress_step, sub.updated_at = min(99, overall), step, utcnow()
        if self.chat is not None:
            self.chat(step, min(99, overall))


def _save(submission_id: int, original_id: int, result: object) -> None:
    """Store the derived files (outside the transaction), then record everything in one unit of work."""
    from media.pipeline import PipelineResult

    assert isinstance(result, PipelineResult)
    rt = runtime.current()
    stored = [(item, rt.store.put_file(item.path)) for item in result.derived]
    with rt.db.unit_of_work() as session:
        original = session.get(MediaAsset, original_id)
        assert original is not None
        probe = result.probe
        original.kind, original.probe, original.duration_s = probe.kind, probe.to_dict(), probe.duration_s
        original.width, original.height = probe.width, probe.height
        for item, obj in stored:
            session.add(MediaAsset(
                submission_id=submission_id, derived_from_id=original_id, role=item.role, kind=item.kind,
                sha256=obj.sha256, size_bytes=obj.size_bytes, mime=item.mime, filename=item.path.name,
                position=original.position, width=item.width, height=item.height, duration_s=item.duration_s,
            ))
        if result.transcript is not None:
            t = result.transcript
            session.add(Transcript(
                asset_id=original_id, status=t.status, model=t.model, language=t.language,
                language_probability=t.language_probability, text=t.text, segments=t.segments, detail=t.detail,
                path=t.path if t.status in ("done", "draft") else None,
            ))
        if result.vtt:
            language = result.language.language if result.language else "und"
            track = session.exec(select(SubtitleTrack).where(
                SubtitleTrack.submission_id == submission_id, SubtitleTrack.language == language,
                SubtitleTrack.kind == "transcript")).first()
            if track is None:
                session.add(SubtitleTrack(submission_id=submission_id, language=language, vtt=result.vtt))
            else:
                track.vtt, track.updated_at = result.vtt, utcnow()


def _submission_tag(session: Session, submission: Submission) -> LanguageTag | None:
    """Speech of the first original with a detected language; else the caption or notice text."""
    rows = session.exec(
        select(Transcript).join(MediaAsset, col(Transcript.asset_id) == col(MediaAsset.id))
        .where(MediaAsset.submission_id == submission.id, col(Transcript.status).in_(["done", "draft"]))
        .order_by(col(MediaAsset.position), col(MediaAsset.id))
    ).all()
    for row in rows:
        if row.language:
            return tag_audio(row.language, row.language_probability, None, row.text, path=row.path or "detected")
    text = " ".join(filter(None, [submission.caption, submission.body]))
    return tag_text(text) if text.strip() else None


def _finish(submission_id: int) -> None:
    with runtime.current().db.unit_of_work() as session:
        sub = session.get(Submission, submission_id)
        assert sub is not None
        first = session.exec(select(MediaAsset).where(
            MediaAsset.submission_id == submission_id, MediaAsset.role == AssetRole.original)
            .order_by(col(MediaAsset.position), col(MediaAsset.id))).first()
        sub.kind = (first.kind if first is not None else None) or sub.kind or ("text" if sub.body else None)
        tag = _submission_tag(session, sub)
        if tag is not None:
            sub.language, sub.language_confidence, sub.language_needs_review = (
                tag.language, tag.confidence, tag.needs_review)
        sub.state, sub.progress, sub.progress_step, sub.updated_at = SubmissionState.ready, 100, "done", utcnow()
        session.add(sub)
        session.flush()
        _tell_officer_ready(session, sub)
        # Its kind is known now (a video?): deadline obligations that wanted one are fulfilled.
        reminders.fulfil_from_submission(session, submission_id=submission_id, tz=runtime.current().settings.tz)


def _tell_officer_ready(session: Session, sub: Submission) -> None:
    """The officer hears that the item waits for the editors, with the transcript's first lines and language."""
    first = session.exec(
        select(Transcript).join(MediaAsset, col(Transcript.asset_id) == col(MediaAsset.id))
        .where(MediaAsset.submission_id == sub.id, Transcript.status == "done")
        .order_by(col(MediaAsset.position), col(MediaAsset.id))).first()
    lines = (first.text or "").strip()[:280] if first is not None else ""
    notify.notify(session, officer_id=sub.officer_id, event="submission.ready", object_type="submission",
                  object_id=sub.id, payload={"code": sub.code, "language": sub.language, "transcript": lines,
                                             "submission_id": sub.id})


def _fail(submission_id: int, error: MediaRejected | None) -> None:
    with runtime.current().db.unit_of_work() as session:
        sub = session.get(Submission, submission_id)
        if sub is None:
            return
        language = _officer_language(session, sub)
        sub.failure_reason = (error.reason(language) if error is not None else gettext(
            language, "The file could not be processed; the operators have been told."))
        sub.state, sub.progress_step, sub.updated_at = SubmissionState.failed, "failed", utcnow()
        session.add(sub)
        session.flush()
        notify.notify(session, officer_id=sub.officer_id, event="submission.failed", object_type="submission",
                      object_id=sub.id, payload={"code": sub.code, "reason": sub.failure_reason})


@contextmanager
def _lease(submission_id: int) -> Iterator[None]:
    """Renew the submission's lease (updated_at) every LEASE_RENEW while the block runs."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(LEASE_RENEW.total_seconds()):
            try:
                with runtime.current().db.unit_of_work() as session:
                    sub = session.get(Submission, submission_id)
                    if sub is None or sub.state != SubmissionState.processing:
                        return
                    sub.updated_at = utcnow()
            except OperationalError:  # a busy database: the next beat tries again
                log.warning("media.lease_renew_failed", extra={"submission_id": submission_id})

    beat = threading.Thread(target=renew, name=f"lease-{submission_id}", daemon=True)
    beat.start()
    try:
        yield
    finally:
        done.set()
        beat.join(timeout=5)


def _mark_retry(submission_id: int) -> None:
    with runtime.current().db.unit_of_work() as session:
        sub = session.get(Submission, submission_id)
        if sub is not None and sub.state == SubmissionState.processing:
            sub.progress_step, sub.updated_at = RETRY_WAIT, utcnow()


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (TransientMediaError, OperationalError, TimeoutError, MemoryError)):
        return True
    return isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS


@task("media.process", retries=3, retry_delay=30, retry_backoff=2.0)
def process(*, submission_id: int) -> str:
    """Probe, normalise, transcribe and tag every original of a submission; safe to run twice."""
    from media import pipeline

    claim = _claim(submission_id)
    if claim is None:
        return "skipped"
    originals, text, likely_vietnamese, screen = claim
    rt = runtime.current()
    work_root = rt.settings.data_path / "tmp"
    work_root.mkdir(parents=True, exist_ok=True)
    chat = _Chat(submission_id)
    try:
        with _lease(submission_id):
            for number, original_id in enumerate(originals):
                with rt.db.reading() as session:
                    asset = session.get(MediaAsset, original_id)
                    assert asset is not None
                    source = rt.store.local_path(asset.sha256)
                share = (100 * number / len(originals), 100 * (number + 1) / len(originals))
                with tempfile.TemporaryDirectory(dir=work_root, prefix=f"media-{submission_id}-") as tmp:
                    result = pipeline.run(source, Path(tmp), settings=rt.settings, text=text,
                                          progress=_Reporter(submission_id, share, chat),
                                          likely_vietnamese=likely_vietnamese, board_size=screen)
                    _save(submission_id, original_id, result)
            _finish(submission_id)
            chat("done", 100, final=True)  # the last edit: 100 %, then the outbox brings the "ready" message
    except MediaRejected as exc:
        _fail(submission_id, exc)
        return "failed"
    except Exception as exc:  # a kill (SystemExit, KeyboardInterrupt) leaves the row for media.resume
        if _is_transient(exc):
            _mark_retry(submission_id)
            raise
        log.exception("media.process_failed", extra={"submission_id": submission_id})
        _fail(submission_id, None)
        raise
    return "done"


@task("media.resume", retries=0, schedule=crontab(minute="*"))
def resume(*, stale_minutes: float | None = None) -> list[int]:
    """Re-enqueue submissions whose job died (processing, silent too long) or was never sent."""
    rt = runtime.current()
    cutoff = utcnow() - (timedelta(minutes=stale_minutes) if stale_minutes is not None else STALE_AFTER)
    # A received submission may just wait in a long queue: it is sent again only after NEVER_SENT_AFTER.
    unsent = utcnow() - (timedelta(minutes=stale_minutes) if stale_minutes is not None else NEVER_SENT_AFTER)
    with rt.db.reading() as session:
        ids = session.exec(select(Submission.id).where(or_(
            and_(col(Submission.state) == SubmissionState.processing, col(Submission.updated_at) <= cutoff),
            and_(col(Submission.state) == SubmissionState.received, col(Submission.updated_at) <= unsent),
        )).order_by(col(Submission.id))).all()
    for submission_id in ids:
        rt.queue.enqueue("media.process", submission_id=submission_id)
    if ids:
        log.info("media.resumed", extra={"submission_ids": ids})
    return [i for i in ids if i is not None]
