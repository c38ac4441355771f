"""CAP warnings: `POST /api/v1/alerts` for alert sources, and the pages of received alerts and the policy.

Administrators see everything including tests and exercises and edit the policy; provincial editors and
inspectors see the actual alerts and the policy.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId
from admin.templating import render
from admin.views.api import bearer
from core.accounts import access, tokens
from core.airing.models import Cluster
from core.alerts import cap, service
from core.alerts import policy as alert_policy
from core.alerts.models import AlertMessage, AlertPolicy
from core.errors import Invalid, NotFound
from core.records import audit
from core.types import Channel, Role, utcnow
from i18n.labels import N_

router = APIRouter(tags=["alerts"])
pages = APIRouter(tags=["alerts"], include_in_schema=False)
OUTCOME_LABELS = {
    "emergency": N_("emergency started"),
    "updated": N_("emergency updated"),
    "cancelled": N_("cancelled"),
    "for_editor": N_("waiting for an editor"),
    "logged": N_("logged only"),
    "no_match": N_("no matching unit"),
    "unknown_reference": N_("unknown reference"),
    "refused": N_("refused"),
    "expired": N_("expired on arrival"),
}


@router.post(
    "/api/v1/alerts",
    tags=["api"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/cap+xml": {"schema": {"type": "string"}},
                "application/xml": {"schema": {"type": "string"}},
            },
        }
    },
)
async def receive(
    request: Request, runtime: RuntimeDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> JSONResponse:
    """One CAP 1.2 message as the body; a token with the "alert source" permission.

    201 new, 200 repeated, 422 refused (stored with the reason)."""
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > cap.MAX_BYTES:
            raise HTTPException(status_code=413, detail="a CAP message is at most 512 KB")

    def work() -> tuple[int, dict]:
        with runtime.db.unit_of_work() as session:
            found = tokens.token_and_officer(session, token=credentials.credentials) if credentials else None
            if found is None:
                raise HTTPException(
                    status_code=401, detail="a valid API token is required", headers={"WWW-Authenticate": "Bearer"}
                )
            token, officer = found
            if not token.alert_source:
                raise HTTPException(status_code=403, detail="this token is not an alert source")
            tokens.touch(session, token=credentials.credentials, now=utcnow())  # type: ignore[union-attr]
            actor = audit.Actor(
                label=f"api:{officer.username or officer.full_name}",
                channel=Channel.api,
                officer_id=officer.id,
                address=request.client.host if request.client else None,
            )
            outcome = service.ingest(session, raw=raw, via="api", actor=actor, on=runtime.settings.today())
        status = 422 if outcome.outcome == "refused" else 200 if outcome.duplicate else 201
        return status, outcome.to_json()

    status, body = await run_in_threadpool(work)
    return JSONResponse(body, status_code=status)


def _may_see(scope: access.Scope) -> bool:
    return scope.role in {Role.administrator.value, Role.inspector.value} or scope.provincial


def _require_see(scope: access.Scope) -> None:
    if not _may_see(scope):
        raise NotFound("not found")


@pages.get("/alerts", response_class=HTMLResponse)
def received(request: Request, session: ReadSession, scope: CurrentScope) -> Response:
    _require_see(scope)
    admin = scope.role == Role.administrator.value
    rows = service.recent(session, include_tests=admin)
    clusters = {c.id: c for c in session.exec(select(Cluster)).all()}
    return render(
        request,
        "alerts/received.html",
        {"rows": rows, "labels": OUTCOME_LABELS, "clusters": clusters, "shows_tests": admin},
    )


@pages.get("/alerts/policy", response_class=HTMLResponse)
def policy(
    request: Request, session: ReadSession, scope: CurrentScope, error: str | None = None, status: int = 200
) -> Response:
    _require_see(scope)
    rows = session.exec(select(AlertPolicy).order_by(col(AlertPolicy.sender))).all()
    senders = sorted(
        {s for s in session.exec(select(AlertMessage.sender).where(col(AlertMessage.sender).is_not(None))).all() if s}
        - {r.sender for r in rows}
    )
    return render(
        request,
        "alerts/policy.html",
        {"rows": rows, "senders": senders, "error": error, "may_edit": scope.role == Role.administrator.value},
        status_code=status,
    )


@pages.post("/alerts/policy", dependencies=[Csrf])
def policy_save(
    request: Request,
    session: WriteSession,
    scope: CurrentScope,
    sender: Annotated[str, Form()] = "",
    severities: Annotated[list[str] | None, Form()] = None,
) -> Response:
    if scope.role != Role.administrator.value:
        raise NotFound("not found")
    try:
        alert_policy.set_policy(session, sender=sender, severities=severities or [],
                                actor=actor_for(request, scope.officer))
    except Invalid as error:
        return policy(request, session, scope, error=error_text(request.state.language, error), status=422)
    return RedirectResponse("/alerts/policy", status_code=303)


@pages.get("/alerts/{alert_id}", response_class=HTMLResponse)
def detail(request: Request, session: ReadSession, scope: CurrentScope, alert_id: DbId) -> Response:
    _require_see(scope)
    row = session.get(AlertMessage, alert_id)
    if row is None or (row.status in service.NEVER_AIRED and scope.role != Role.administrator.value):
        raise NotFound("not found")
    clusters = session.exec(select(Cluster).where(col(Cluster.id).in_(row.cluster_ids or [0]))).all()
    return render(request, "alerts/detail.html", {"row": row, "labels": OUTCOME_LABELS, "clusters": clusters})
