"""Translation requests (Điều 13.4): an editor asks a translator, who returns a subtitle track."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core.accounts import access
from core.errors import Invalid, NotFound
from core.intake.models import Submission
from core.notify import outbox as notify
from core.org.models import Officer
from core.records import audit
from core.review import corrections, vtt
from core.review import service as review
from core.review.models import TranslationRequest
from core.types import Decision, Role, utcnow

TARGET_LANGUAGES = ("en", "zh", "vi", "hmn", "blt", "ium", "hni")  # codes of media/langtag.py


def translators(session: Session) -> list[Officer]:
    """Active officers with the translator role, by name."""
    return list(session.exec(select(Officer).where(Officer.role == Role.translator.value, Officer.is_active)
                             .order_by(col(Officer.full_name))).all())


def _notify(session: Session, *, officer_id: int, event: str, request: TranslationRequest,
            payload: dict[str, Any]) -> None:
    if session.get(Officer, officer_id) is None:
        return
    notify.notify(session, officer_id=officer_id, event=event, object_type="translation_request",
                  object_id=request.id, payload=payload)


def request(session: Session, *, scope: access.Scope, submission: Submission, language: str, translator_id: int,
            note: str | None, actor: audit.Actor) -> TranslationRequest:
    """Ask a translator for a track in `language`; they are told through the outbox."""
    if language not in TARGET_LANGUAGES:
        raise Invalid("unknown language", field="language")
    if translator_id not in {t.id for t in translators(session)}:
        raise Invalid("choose a translator", field="translator")
    row = TranslationRequest(submission_id=submission.id, language=language, assigned_to_id=translator_id,  # type: ignore[arg-type]
                             requested_by_id=scope.officer.id, note=(note or "").strip() or None)  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    review.record_review(
        session,
        submission=submission,
        reviewer=scope.officer,
        decision=Decision.translation_requested,
        reason=row.note,
        changes={"language": [None, language]},
    )
    audit.record(session, actor=actor, action="translation.requested", object_type="translation_request",
                 object_id=row.id, after=audit.snapshot(row))
    _notify(session, officer_id=translator_id, event="translation.requested", request=row,
            payload={"code": submission.code, "language": language, "note": row.note})
    return row


def open_for(session: Session, *, officer_id: int) -> list[tuple[TranslationRequest, Submission]]:
    """A translator's open requests, oldest first."""
    rows = session.exec(select(TranslationRequest, Submission)
                        .join(Submission, col(Submission.id) == TranslationRequest.submission_id)
                        .where(TranslationRequest.assigned_to_id == officer_id, TranslationRequest.state == "open")
                        .order_by(col(TranslationRequest.created_at))).all()
    return [(r, s) for r, s in rows]


def of_submission(session: Session, *, submission_id: int) -> list[TranslationRequest]:
    return list(session.exec(select(TranslationRequest).where(TranslationRequest.submission_id == submission_id)
                             .order_by(col(TranslationRequest.id))).all())


def complete(
    session: Session, *, officer: Officer, request_id: int, text: str, actor: audit.Actor
) -> TranslationRequest:
    """The translator returns a WebVTT track; an approved item goes back for approval with it."""
    row = session.get(TranslationRequest, request_id)
    if row is None or row.assigned_to_id != officer.id:
        raise NotFound("not found")
    if row.state != "open":
        raise Invalid("this request is already closed", field="vtt")
    segments = vtt.parse(text)
    if not segments:
        raise Invalid("the track has no cues", field="vtt")
    vtt.check_segments(segments)
    submission = session.get(Submission, row.submission_id)
    assert submission is not None
    track, _before = corrections.save_track(session, submission=submission, language=row.language, kind="translation",
                                            text=vtt.to_vtt(segments, language=row.language), author_id=officer.id)
    row.state, row.done_at, row.subtitle_track_id = "done", utcnow(), track.id
    session.add(row)
    audit.record(session, actor=actor, action="translation.completed", object_type="translation_request",
                 object_id=row.id, after={"subtitle_track_id": track.id, "cues": len(segments)})
    _notify(session, officer_id=row.requested_by_id, event="translation.completed", request=row,
            payload={"code": submission.code, "language": row.language})
    review.reopen_if_approved(session, submission=submission, actor=actor, reason="translation")
    return row
