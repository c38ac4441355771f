"""The officer's answer to "is the detected language right?" on a ready submission, kept as a correction.

Each answer is a Review with decision `correction` (reviewer: the officer), so the detector's accuracy
can be measured later next to the editors' corrections.
"""

from __future__ import annotations

from sqlmodel import Session

from core.errors import BangtinError, Invalid, NotFound
from core.intake.models import Submission
from core.org.models import Officer
from core.records import audit
from core.records.audit import Actor
from core.review import service as review
from core.types import Decision, SubmissionState, utcnow

# The codes the language detector writes (media/langtag.py): ISO 639-3 for the ethnic languages.
OFFICER_LANGUAGES = ("vi", "en", "zh", "hmn", "blt", "ium", "hni", "und")
# Once an editor has decided, the officer's word on the language no longer changes anything.
OPEN_STATES = frozenset({SubmissionState.received, SubmissionState.processing, SubmissionState.ready,
                         SubmissionState.changes_requested})


class NotOpen(BangtinError):
    """The submission was already decided (or cancelled): its language is the editors' now."""


def ensure_open(session: Session, *, officer: Officer, submission_id: int) -> Submission:
    """The officer's own submission, still open; NotFound (not theirs or absent) or NotOpen otherwise."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.officer_id != officer.id:
        raise NotFound("no such submission of this officer")  # another officer's item looks absent
    if sub.state not in OPEN_STATES:
        raise NotOpen(sub.state)
    return sub


def confirm(session: Session, *, officer: Officer, submission_id: int, actor: Actor) -> Submission:
    """The officer says the detected language is right: kept as a correction, the review flag cleared."""
    sub = ensure_open(session, officer=officer, submission_id=submission_id)
    lang = sub.language
    review.record_review(session, submission=sub, reviewer=officer, decision=Decision.correction,
                         changes={"language_confirmed_by_officer": [lang, lang]})
    before = sub.language_needs_review
    sub.language_needs_review = False
    sub.updated_at = utcnow()
    session.add(sub)
    session.flush()
    audit.record(session, actor=actor, action="submission.language_confirmed", object_type="submission",
                 object_id=sub.id, before={"language_needs_review": before},
                 after={"language": lang, "language_needs_review": False})
    return sub


def correct(session: Session, *, officer: Officer, submission_id: int, language: str, actor: Actor) -> Submission:
    """The officer names the right language: stored, still flagged for the editors, kept as a correction."""
    if language not in OFFICER_LANGUAGES:
        raise Invalid("unknown language", field="language")
    sub = ensure_open(session, officer=officer, submission_id=submission_id)
    old = sub.language
    review.record_review(session, submission=sub, reviewer=officer, decision=Decision.correction,
                         changes={"language": [old, language]})
    sub.language = language
    sub.language_needs_review = True  # an officer's word is a hint; the editors still check
    sub.updated_at = utcnow()
    session.add(sub)
    session.flush()
    audit.record(session, actor=actor, action="submission.language_corrected", object_type="submission",
                 object_id=sub.id, before={"language": old}, after={"language": language})
    return sub
