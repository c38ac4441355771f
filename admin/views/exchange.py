"""The exchange with the provincial source information system: what was sent, what failed and why, what waits."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for
from admin.params import DbId
from admin.templating import render
from core.accounts import access
from core.errors import NotFound
from core.exchange import service
from core.exchange.models import ExchangeDocument
from core.records import audit
from core.types import Role
from i18n.labels import N_

router = APIRouter(tags=["exchange"], include_in_schema=False)
STATE_LABELS = {"waiting": N_("waiting"), "sent": N_("sent"), "failed": N_("failed")}


def _may_see(scope: access.Scope) -> bool:
    return scope.role in {Role.administrator.value, Role.inspector.value} or scope.provincial


@router.get("/exchange", response_class=HTMLResponse)
def documents(
    request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, state: str = ""
) -> Response:
    if not _may_see(scope):
        raise NotFound("not found")
    settings = runtime.settings
    target = settings.exchange_url or (str(settings.exchange_folder) if settings.exchange_folder else None)
    return render(
        request,
        "exchange/documents.html",
        {
            "rows": service.listing(session, state=state if state in STATE_LABELS else ""),
            "counts": service.counts(session),
            "labels": STATE_LABELS,
            "state": state,
            "target": target,
            "may_retry": scope.role == Role.administrator.value,
        },
    )


@router.post("/exchange/{document_id}/retry", dependencies=[Csrf])
def retry(request: Request, session: WriteSession, scope: CurrentScope, document_id: DbId) -> Response:
    if scope.role != Role.administrator.value or session.get(ExchangeDocument, document_id) is None:
        raise NotFound("not found")
    row = service.retry(session, document_id=document_id)
    audit.record(
        session,
        actor=actor_for(request, scope.officer),
        action="exchange.retried",
        object_type="exchange_document",
        object_id=document_id,
        after={"doc_id": row.doc_id if row else None},
    )
    return RedirectResponse("/exchange?state=waiting", status_code=303)
