"""The review queue and the item page: vet, correct, approve, reject, request changes or a translation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

import i18n
from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import INT64_MAX, DbId, Page
from admin.templating import render
from core.accounts import access
from core.errors import FieldInvalid, Invalid, NotFound
from core.intake.models import SubtitleTrack
from core.org import service as org
from core.review import corrections, locks, translations, vtt, worklist
from core.review import detail as itemdetail
from core.review import queue as reviewqueue
from core.review import service as review
from core.types import Channel, Priority
from i18n import labels
from i18n.labels import N_

# What the page says after each action (the `done` of the redirect); anything else says "Saved.".
OUTCOMES = {
    "approved": N_("Approved: the item goes into the plans of the chosen clusters."),
    "rejected": N_("Rejected: the officer is told the reason."),
    "changes_requested": N_("Sent back to the officer with what to change."),
    "translation_requested": N_("Translation requested: the translator sees it on their home page."),
    "corrected": N_("Corrections saved."),
    "subtitles": N_("Subtitles saved."),
    "subtitles_approved": N_("The changed subtitles are approved: the boards show them from the next plan."),
}
DECISIONS = ("approved", "rejected", "changes_requested")
FIELD_LABELS = {"title": N_("Title"), "caption": N_("Description"), "body": N_("Notice text"),
                "category": N_("Category"), "language": N_("Language")}

router = APIRouter(tags=["review"], include_in_schema=False)


def _filters(state: str, category: str, language: str, unit: str, channel: str, needs_review: str,
             page: int) -> reviewqueue.Filters:
    return reviewqueue.Filters(state=state, category=category, language=language,
                               unit_id=int(unit) if unit.isdigit() else None, channel=channel,
                               needs_review=needs_review == "1", page=max(page, 1))


@router.get("/review", response_class=HTMLResponse)
def queue(request: Request, session: ReadSession, scope: CurrentScope, state: str = "waiting", category: str = "",
          language: str = "", unit: str = "", channel: str = "", needs_review: str = "", page: Page = 1) -> Response:
    filters = _filters(state, category, language, unit, channel, needs_review, page)
    rows, total = reviewqueue.list_queue(session, scope=scope, filters=filters)
    return render(request, "review_queue.html", {
        "rows": rows, "total": total, "filters": filters, "page_size": reviewqueue.PAGE,
        "states": labels.SUBMISSION_STATES, "categories": labels.CATEGORIES, "channels": [c.value for c in Channel],
        "languages_codes": corrections.LANGUAGE_CODES, "units": org.list_units(session),
        "waiting": total if filters == reviewqueue.Filters() else reviewqueue.count_waiting(session, scope=scope),
    })


@router.get("/review/count", response_class=HTMLResponse)
def queue_count(request: Request, session: ReadSession, scope: CurrentScope) -> Response:
    """The live counter the queue page polls with htmx."""
    return render(request, "review_count.html", {"waiting": reviewqueue.count_waiting(session, scope=scope)})


def _item_page(request: Request, session: Session, scope: access.Scope, submission_id: int, *,
               error: str | None = None, notice: str | None = None, status: int = 200) -> Response:
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id)
    detail = itemdetail.gather(session, scope=scope, submission=submission)
    tz = request.app.state.runtime.settings.tz
    start = (submission.wished_start or datetime.now(tz)).astimezone(tz).date()
    # The wished end is an exclusive midnight: "3 days" from the 1st covers the 1st, 2nd and 3rd.
    end = ((submission.wished_end.astimezone(tz) - timedelta(seconds=1)).date() if submission.wished_end
           else start + timedelta(days=6))
    language = request.state.language
    outcome = notice if notice in OUTCOMES else ("saved" if notice else None)
    return render(request, "review_item.html", {
        "d": detail, "s": submission, "error": error, "notice": notice, "outcome": outcome,
        "outcome_text": i18n.gettext(language, OUTCOMES.get(notice or "", "Saved."), domain="admin") if outcome else "",
        # After a decision, the next waiting item is one click away (not the same forms again).
        "next_item": worklist.next_waiting(session, scope=scope, after=submission_id) if notice in DECISIONS else None,
        "field_labels": FIELD_LABELS,
        "pending_tracks": review.pending_tracks(session, submission_id=submission_id)
        if submission.state == "approved" else [],
        "categories": labels.CATEGORIES, "states": labels.SUBMISSION_STATES, "priorities": [p.value for p in Priority],
        "languages_codes": corrections.LANGUAGE_CODES, "language_names": corrections.LANGUAGE_NAMES,
        "target_languages": translations.TARGET_LANGUAGES,
        "default_from": i18n.format_date(start, "vi"), "default_to": i18n.format_date(max(end, start), "vi"),
        "mine": detail.lock is not None and detail.lock.officer_id == scope.officer.id,
        "my_requests": [r for r in detail.requests if r.assigned_to_id == scope.officer.id and r.state == "open"],
        "draft_vtt": vtt.to_vtt(detail.segments),
    }, status_code=status)


def _failed(request: Request, session: Session, scope: access.Scope, submission_id: int, error: Invalid) -> Response:
    session.rollback()  # nothing of a refused action is kept
    if isinstance(error, locks.Locked):
        return _item_page(request, session, scope, submission_id, error=error_text(request.state.language, error),
                          status=409)
    return _item_page(request, session, scope, submission_id, error=error_text(request.state.language, error),
                      status=422)


@router.get("/review/{submission_id}", response_class=HTMLResponse)
def item(request: Request, session: WriteSession, scope: CurrentScope, submission_id: DbId, done: str = "") -> Response:
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id)
    # Opening the item takes its edit lock, unless someone else holds it; the page shown right after
    # a decision does not take it again (the lock ends with the decision).
    if done not in DECISIONS and access.may_review(session, scope=scope, submission=submission):
        try:
            locks.acquire(session, submission_id=submission_id, officer=scope.officer)
        except locks.Locked:
            session.rollback()
    return _item_page(request, session, scope, submission_id, notice=done or None)


def _local_day(text: str, tz, *, end: bool, field: str) -> datetime:
    """A day typed as dd/mm/yyyy (what the page shows, whatever the browser's locale) or ISO."""
    try:
        if "/" in text:
            d, m, y = (int(part) for part in text.strip().split("/"))
            day = date(y, m, d)
        else:
            day = date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("give a date as dd/mm/yyyy", field=field) from None
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tz)
    return moment


@router.post("/review/{submission_id}/approve", response_class=HTMLResponse, dependencies=[Csrf])
def approve(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, submission_id: DbId,
            clusters: Annotated[list[int] | None, Form()] = None, valid_from: Annotated[str, Form()] = "",
            valid_to: Annotated[str, Form()] = "", priority: Annotated[str, Form()] = "normal",
            title: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "",
            advertiser_name: Annotated[str, Form()] = "", advertiser_address: Annotated[str, Form()] = "",
            ad_licence_ref: Annotated[str, Form()] = "") -> Response:
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id, review=True)
    try:
        choice = review.Approval(
            cluster_ids=clusters or [], priority=priority, title=title, description=description or None,
            advertiser_name=advertiser_name, advertiser_address=advertiser_address, ad_licence_ref=ad_licence_ref,
            valid_from=_local_day(valid_from, runtime.settings.tz, end=False, field="valid_from"),
            valid_to=_local_day(valid_to, runtime.settings.tz, end=True, field="valid_to"))
        review.approve(
            session, scope=scope, submission=submission, choice=choice, actor=actor_for(request, scope.officer)
        )
    except Invalid as error:
        return _failed(request, session, scope, submission_id, error)
    return RedirectResponse(f"/review/{submission_id}?done=approved", status_code=303)


@router.post("/review/{submission_id}/reject", response_class=HTMLResponse, dependencies=[Csrf])
def reject(request: Request, session: WriteSession, scope: CurrentScope, submission_id: DbId,
           reason: Annotated[str, Form()] = "") -> Response:
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id, review=True)
    try:
        review.reject(
            session, scope=scope, submission=submission, reason=reason, actor=actor_for(request, scope.officer)
        )
    except Invalid as error:
        return _failed(request, session, scope, submission_id, error)
    return RedirectResponse(f"/review/{submission_id}?done=rejected", status_code=303)


@router.post("/review/{submission_id}/changes", response_class=HTMLResponse, dependencies=[Csrf])
def request_changes(request: Request, session: WriteSession, scope: CurrentScope, submission_id: DbId,
                    note: Annotated[str, Form()] = "") -> Response:
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id, review=True)
    try:
        review.request_changes(session, scope=scope, submission=submission, note=note,
                               actor=actor_for(request, scope.officer))
    except Invalid as error:
        return _failed(request, session, scope, submission_id, error)
    return RedirectResponse(f"/review/{submission_id}?done=changes_requested", status_code=303)


@router.post("/review/{submission_id}/correct", response_class=HTMLResponse, dependencies=[Csrf])
def correct(request: Request, session: WriteSession, scope: CurrentScope, submission_id: DbId,
            title: Annotated[str, Form()] = "", caption: Annotated[str, Form()] = "", body: Annotated[str, Form()] = "",
            category: Annotated[str, Form()] = "", language: Annotated[str, Form()] = "") -> Response:
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id, review=True)
    values: dict[str, str | None] = {"title": title, "caption": caption, "body": body, "category": category,
                                     "language": language}
    try:
        corrections.correct(session, scope=scope, submission=submission, values=values,
                            actor=actor_for(request, scope.officer))
    except Invalid as error:
        return _failed(request, session, scope, submission_id, error)
    return RedirectResponse(f"/review/{submission_id}?done=corrected", status_code=303)


@router.post("/review/{submission_id}/subtitles", response_class=HTMLResponse, dependencies=[Csrf])
def subtitles(request: Request, session: WriteSession, scope: CurrentScope, submission_id: DbId,
              language: Annotated[str, Form()] = "vi", seg_start: Annotated[list[str] | None, Form()] = None,
              seg_end: Annotated[list[str] | None, Form()] = None,
              seg_text: Annotated[list[str] | None, Form()] = None) -> Response:
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id, review=True)
    try:
        segments = []
        for number, (start, end, text) in enumerate(
            zip(seg_start or [], seg_end or [], seg_text or [], strict=False), 1
        ):
            if not text.strip() and not start.strip():
                continue
            try:
                segments.append({"start": float(start.replace(",", ".")), "end": float(end.replace(",", ".")),
                                 "text": text})
            except ValueError:
                raise FieldInvalid("subtitle %(n)s: times are seconds, e.g. 12.5", field=f"segment-{number}",
                                   n=number) from None
        corrections.save_subtitles(session, scope=scope, submission=submission, language=language, segments=segments,
                                   actor=actor_for(request, scope.officer))
    except Invalid as error:
        return _failed(request, session, scope, submission_id, error)
    return RedirectResponse(f"/review/{submission_id}?done=subtitles", status_code=303)


@router.post("/review/{submission_id}/subtitles/approve", response_class=HTMLResponse, dependencies=[Csrf])
def approve_subtitles(request: Request, session: WriteSession, scope: CurrentScope, submission_id: DbId) -> Response:
    """Put a correction or translation made after approval on the air (the approved one aired until now)."""
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id, review=True)
    try:
        review.approve_tracks(session, scope=scope, submission=submission, actor=actor_for(request, scope.officer))
    except Invalid as error:
        return _failed(request, session, scope, submission_id, error)
    return RedirectResponse(f"/review/{submission_id}?done=subtitles_approved", status_code=303)


@router.post("/review/{submission_id}/lock/break", dependencies=[Csrf])
def break_lock(request: Request, session: WriteSession, scope: CurrentScope, submission_id: DbId) -> Response:
    access.get_submission_for(session, scope=scope, submission_id=submission_id, review=True)
    locks.break_lock(session, scope=scope, submission_id=submission_id, actor=actor_for(request, scope.officer))
    return RedirectResponse(f"/review/{submission_id}", status_code=303)


@router.post("/review/{submission_id}/translation", response_class=HTMLResponse, dependencies=[Csrf])
def ask_translation(request: Request, session: WriteSession, scope: CurrentScope, submission_id: DbId,
                    language: Annotated[str, Form()] = "en", translator: Annotated[int, Form(ge=0, le=INT64_MAX)] = 0,
                    note: Annotated[str, Form()] = "") -> Response:
    submission = access.get_submission_for(session, scope=scope, submission_id=submission_id, review=True)
    try:
        translations.request(session, scope=scope, submission=submission, language=language, translator_id=translator,
                             note=note, actor=actor_for(request, scope.officer))
    except Invalid as error:
        return _failed(request, session, scope, submission_id, error)
    return RedirectResponse(f"/review/{submission_id}?done=translation_requested", status_code=303)


@router.get("/review/{submission_id}/tracks/{track_id}.vtt")
def track_file(session: ReadSession, scope: CurrentScope, submission_id: DbId, track_id: DbId) -> Response:
    access.get_submission_for(session, scope=scope, submission_id=submission_id)
    track = session.get(SubtitleTrack, track_id)
    if track is None or track.submission_id != submission_id:
        raise NotFound("not found")
    return Response(track.vtt, media_type="text/vtt; charset=utf-8")
