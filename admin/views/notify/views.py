"""Pages of deadlines and notifications. Provincial editors and administrators edit; inspectors read."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlmodel import Session

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for
from admin.params import DbId
from admin.templating import render
from core.accounts import access
from core.errors import NotFound
from core.notify import outbox as notify
from core.notify import reminders, supply, zalo_state
from core.notify.models import DeadlineRule, Obligation
from core.records import audit
from core.records import report_files as reports
from core.runtime import Runtime
from core.types import NotificationState, Role
from i18n.labels import N_

router = APIRouter(tags=["notify"], include_in_schema=False)
STATUS_LABELS = {"open": N_("open"), "overdue": N_("overdue"), "fulfilled": N_("fulfilled"), "waived": N_("waived")}
ZNS_EVENTS = (
    "submission.received",
    "submission.failed",
    "review.approved",
    "review.rejected",
    "review.changes_requested",
    "play.first",
    "reminder.due",
    "obligation.overdue",
    "emergency.started",
)
# Notes the system writes on obligations (core/notify): shown in the reader's language.
AUTO_NOTES = {
    reminders.SUBMISSIONS_NOTE: N_("fulfilled by submissions of the period"),
    supply.NOTE: N_("fulfilled by items approved for border-gate clusters in the period"),
    "rule changed": N_("rule changed"),
}
STATE_LABELS = {
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "undeliverable": N_("undeliverable"),
}


def may_edit(scope: access.Scope) -> bool:
    return scope.role == Role.administrator.value or scope.provincial


def require_view(scope: access.Scope) -> None:
    if not (may_edit(scope) or scope.role == Role.inspector.value):
        raise NotFound("not found")


def require_edit(scope: access.Scope) -> None:
    if not may_edit(scope):
        raise NotFound("not found")


def _obligations_page(
    request: Request,
    session: Session,
    scope: access.Scope,
    runtime: Runtime,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """Everything for editors and inspectors; an obligated unit's own officers see their unit's rows only."""
    today = runtime.settings.today()
    groups = reminders.overview(session, today=today)
    sees_all = may_edit(scope) or scope.role == Role.inspector.value
    if not sees_all:
        if scope.role not in reports.UPLOAD_ROLES:
            raise NotFound("not found")
        groups = [(rule, [(o, u) for o, u in rows if o.unit_id == scope.officer.unit_id]) for rule, rows in groups]
        groups = [(rule, rows) for rule, rows in groups if rows]  # none: the page says so
    uploadable = {
        o.id
        for rule, rows in groups
        for o, _ in rows
        if o.status in reminders.OPEN and reports.may_upload(scope.officer, o, rule)
    }
    files = reports.reports_for(session, obligation_ids=[o.id for _, rows in groups for o, _ in rows])  # type: ignore[misc]
    return render(
        request,
        "notify/obligations.html",
        {
            "groups": groups,
            "today": today,
            "may_edit": may_edit(scope),
            "status_labels": STATUS_LABELS,
            "auto_notes": AUTO_NOTES,
            "uploadable": uploadable,
            "files": files,
            "unit_only": not sees_all,
            "error": error,
            "max_mb": reports.MAX_BYTES // (1024 * 1024),
        },
        status_code=status,
    )


@router.get("/notify/obligations", response_class=HTMLResponse)
def obligations(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep) -> Response:
    return _obligations_page(request, session, scope, runtime)


def _report_target(session: Session, scope: access.Scope, obligation_id: int) -> tuple[Obligation, DeadlineRule]:
    obligation = session.get(Obligation, obligation_id)
    rule = session.get(DeadlineRule, obligation.rule_id) if obligation else None
    if obligation is None or rule is None:
        raise NotFound("not found")
    return obligation, rule


@router.post("/notify/obligations/{obligation_id}/report", dependencies=[Csrf])
def report_upload(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep,
                  obligation_id: DbId, file: UploadFile) -> Response:
    obligation, rule = _report_target(session, scope, obligation_id)
    if not reports.may_upload(scope.officer, obligation, rule):
        raise NotFound("not found")
    try:
        row, asset = reports.upload_report(
            session,
            store=runtime.store,
            obligation_id=obligation_id,
            officer=scope.officer,
            stream=file.file,
            filename=file.filename or "",
        )
    except reports.ReportRefused as refused:
        return _obligations_page(request, session, scope, runtime, error=refused.reason, status=422)
    audit.record(
        session,
        actor=actor_for(request, scope.officer),
        action="obligation.fulfilled",
        object_type="obligation",
        object_id=row.id,
        after={"note": row.note, "status": row.status, "report_asset_id": asset.id, "sha256": asset.sha256},
    )
    return RedirectResponse("/notify/obligations", status_code=303)


@router.get("/notify/obligations/{obligation_id}/report")
def report_download(session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, obligation_id: DbId) -> Response:
    obligation, _ = _report_target(session, scope, obligation_id)
    sees_all = may_edit(scope) or scope.role == Role.inspector.value
    own = scope.role in reports.UPLOAD_ROLES and scope.officer.unit_id == obligation.unit_id
    asset = reports.reports_for(session, obligation_ids=[obligation_id]).get(obligation_id)
    if not (sees_all or own) or asset is None:
        raise NotFound("not found")
    name = asset.filename or "report"
    fallback = name.encode("ascii", "ignore").decode().replace('"', "") or "report"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return StreamingResponse(
        runtime.store.open(asset.sha256),
        media_type=asset.mime or "application/octet-stream",
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )


@router.post("/notify/obligations/{obligation_id}/fulfil", dependencies=[Csrf])
def fulfil(request: Request, session: WriteSession, scope: CurrentScope, obligation_id: DbId,
           note: Annotated[str, Form()] = "") -> Response:
    require_edit(scope)
    if session.get(Obligation, obligation_id) is None:
        raise NotFound("not found")
    if not note.strip():
        return RedirectResponse("/notify/obligations?error=note", status_code=303)
    row = reminders.fulfil_by_editor(session, obligation_id=obligation_id, officer_id=scope.officer.id, note=note)  # type: ignore[arg-type]
    audit.record(
        session,
        actor=actor_for(request, scope.officer),
        action="obligation.fulfilled",
        object_type="obligation",
        object_id=row.id,
        after={"note": row.note, "status": row.status},
    )
    return RedirectResponse("/notify/obligations", status_code=303)


@router.get("/notify/reminders", response_class=HTMLResponse)
def reminder_list(request: Request, session: ReadSession, scope: CurrentScope) -> Response:
    require_view(scope)
    return render(request, "notify/reminders.html", {"rows": reminders.recent_reminders(session)})


@router.get("/notify/deliveries", response_class=HTMLResponse)
def deliveries(request: Request, session: ReadSession, scope: CurrentScope, state: str = "") -> Response:
    require_view(scope)
    chosen = state if state in {s.value for s in NotificationState} else None
    return render(
        request,
        "notify/deliveries.html",
        {
            "rows": notify.deliveries(session, state=chosen),
            "counts": notify.state_counts(session),
            "state": chosen,
            "state_labels": STATE_LABELS,
        },
    )


def _zalo_page(
    request: Request, session: Session, scope: access.Scope, *, error: str | None = None, status: int = 200
) -> Response:
    from sqlmodel import select

    from core.notify.models import Notification, ZaloToken
    from core.types import utcnow

    token = session.get(ZaloToken, 1)
    templates = zalo_state.templates(session)
    # The events the outbox has carried, those with a template, and the usual ones of review and airing.
    seen = set(session.exec(select(Notification.event).distinct()).all())
    events = sorted(seen | set(templates) | set(ZNS_EVENTS))
    return render(
        request,
        "notify/zalo.html",
        {
            "token": token,
            "expired": bool(token and token.access_expires_at and token.access_expires_at <= utcnow()),
            "templates": templates,
            "events": events,
            "may_edit": _may_edit_zalo(scope),
            "error": error,
        },
        status_code=status,
    )


def _may_edit_zalo(scope: access.Scope) -> bool:
    return scope.role == Role.administrator.value


@router.get("/notify/zalo", response_class=HTMLResponse)
def zalo_page(request: Request, session: ReadSession, scope: CurrentScope) -> Response:
    """The OA token's state and the ZNS templates per event."""
    require_view(scope)
    return _zalo_page(request, session, scope)


@router.post("/notify/zalo/templates", dependencies=[Csrf])
def zalo_template_save(
    request: Request,
    session: WriteSession,
    scope: CurrentScope,
    event: Annotated[str, Form()],
    template_id: Annotated[str, Form()] = "",
    params: Annotated[str, Form()] = "",
) -> Response:
    if not _may_edit_zalo(scope):
        raise NotFound("not found")
    pairs = [p.strip() for p in params.replace(";", ",").split(",") if p.strip()]
    if any("=" not in p for p in pairs):
        return _zalo_page(request, session, scope, error="params: name=value_key, …", status=422)
    mapping = {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}
    zalo_state.save_template(session, event=event[:64], template_id=template_id[:64], params=mapping)
    audit.record(
        session,
        actor=actor_for(request, scope.officer),
        action="zns_template.saved",
        object_type="zns_template",
        object_id=None,
        after={"event": event, "template_id": template_id, "params": mapping},
    )
    return RedirectResponse("/notify/zalo", status_code=303)


@router.post("/notify/zalo/code", dependencies=[Csrf])
def zalo_code(
    request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, code: Annotated[str, Form()]
) -> Response:
    """An administrator pastes a fresh authorization code: exchanged for a new token pair at once."""
    if not _may_edit_zalo(scope):
        raise NotFound("not found")
    from core.notify import zalo_oauth
    from core.types import utcnow

    try:
        pair = zalo_oauth.authorize(runtime.settings, code)
    except zalo_state.TokenUnavailable as exc:
        return _zalo_page(request, session, scope, error=str(exc), status=422)
    zalo_state.store_pair(session, pair=pair, now=utcnow())
    audit.record(
        session,
        actor=actor_for(request, scope.officer),
        action="zalo_token.authorized",
        object_type="zalo_token",
        object_id=1,
        after={"by": "authorization code"},
    )
    return RedirectResponse("/notify/zalo", status_code=303)
