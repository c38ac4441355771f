"""Editors' corrections of a submission (title, text, category, language, subtitles), kept as reviews.

Each saved correction is a Review with decision `correction` and `changes` {field: [before, after]},
so the accuracy of the officer's answers and of the automatic tags can be measured later.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from core.accounts import access
from core.errors import Invalid
from core.intake.models import Submission, SubtitleTrack
from core.records import audit
from core.review import locks, vtt
from core.review import service as review
from core.types import Category, Decision, utcnow

EDITABLE = ("title", "caption", "body", "category", "language")
# The codes of media/langtag.py: Mông hmn, Thái blt, Dao ium, Hà Nhì hni; und = undetermined; then the
# other resident languages of Lai Châu (REQUIREMENTS.md) by their ISO 639-3 codes, which no detector
# writes: an editor chooses them. Names are the groups' own names, the same in every interface language.
LANGUAGE_NAMES = {
    "vi": "Tiếng Việt", "en": "English", "zh": "中文", "hmn": "Mông", "blt": "Thái (Thái Đen)", "ium": "Dao",
    "hni": "Hà Nhì", "th": "ภาษาไทย", "lo": "Lào", "twh": "Thái Trắng", "pcc": "Giáy", "khb": "Lự", "zng": "Mảng",
    "kjm": "Kháng", "kjg": "Khơ Mú", "lhu": "La Hủ", "cnc": "Cống", "slt": "Si La", "und": "?",
}
LANGUAGE_CODES = tuple(LANGUAGE_NAMES)


def correct(session: Session, *, scope: access.Scope, submission: Submission, values: dict[str, str | None],
            actor: audit.Actor) -> dict[str, list[Any]]:
    """Apply the editor's corrections; returns the changes (empty when nothing differed)."""
    locks.acquire(session, submission_id=submission.id, officer=scope.officer)  # type: ignore[arg-type]
    changes: dict[str, list[Any]] = {}
    for name in EDITABLE:
        if name not in values:
            continue
        new = (values[name] or "").strip() or None
        if name == "category" and new is not None and new not in {c.value for c in Category}:
            raise Invalid("unknown category", field="category")
        if name == "language" and new is not None and new not in LANGUAGE_CODES:
            raise Invalid("unknown language", field="language")
        if name == "title" and new and len(new) > 300:
            raise Invalid("the title is longer than 300 characters", field="title")
        old = getattr(submission, name)
        if new != old:
            changes[name] = [old, new]
            setattr(submission, name, new)
    if not changes:
        return changes
    if "language" in changes:
        submission.language_needs_review = False
    submission.updated_at = utcnow()
    session.add(submission)
    review.record_review(session, submission=submission, reviewer=scope.officer, decision=Decision.correction,
                          changes=changes)
    audit.record(session, actor=actor, action="review.corrected", object_type="submission", object_id=submission.id,
                 after={"changes": changes})
    review.reopen_if_approved(session, submission=submission, actor=actor, reason="corrected")
    return changes


def track(session: Session, *, submission_id: int, language: str, kind: str = "transcript") -> SubtitleTrack | None:
    return session.exec(select(SubtitleTrack).where(SubtitleTrack.submission_id == submission_id,
                                                    SubtitleTrack.language == language,
                                                    SubtitleTrack.kind == kind)).first()


def save_track(session: Session, *, submission: Submission, language: str, kind: str, text: str,
               author_id: int | None) -> tuple[SubtitleTrack, str | None]:
    """Create or replace one subtitle track; returns it and the text it replaced."""
    row = track(session, submission_id=submission.id, language=language, kind=kind)  # type: ignore[arg-type]
    before = row.vtt if row else None
    row = row or SubtitleTrack(submission_id=submission.id, language=language, kind=kind, vtt=text)  # type: ignore[arg-type]
    row.vtt, row.updated_at, row.created_by_id = text, utcnow(), author_id
    session.add(row)
    session.flush()
    return row, before


def save_subtitles(session: Session, *, scope: access.Scope, submission: Submission, language: str,
                   segments: list[dict[str, Any]], actor: audit.Actor) -> SubtitleTrack:
    """Save the edited segments as the submission's subtitle track for `language`, as a correction."""
    if language not in LANGUAGE_CODES:
        raise Invalid("unknown language", field="language")
    vtt.check_segments(segments)
    locks.acquire(session, submission_id=submission.id, officer=scope.officer)  # type: ignore[arg-type]
    text = vtt.to_vtt(segments, language=language)
    row, before = save_track(session, submission=submission, language=language, kind="transcript", text=text,
                             author_id=scope.officer.id)
    if before != text:
        review.record_review(session, submission=submission, reviewer=scope.officer, decision=Decision.correction,
                              changes={f"subtitles.{language}": [before, text]})
        audit.record(session, actor=actor, action="review.subtitles_corrected", object_type="submission",
                     object_id=submission.id, after={"language": language, "cues": len(segments)})
        # Not a substantive edit: the approved subtitles keep airing until this change is approved.
    return row
