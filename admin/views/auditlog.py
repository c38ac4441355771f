"""The audit log viewer and its CSV export, for administrators and inspectors."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from admin.deps import CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for
from admin.params import Page
from admin.templating import language_of, render
from core.records import auditlog

router = APIRouter(tags=["audit"], include_in_schema=False)


def _filters(action: str, actor: str, object_type: str, object_id: str, start: str, end: str,
             page: int) -> auditlog.Filters:
    def day(text: str) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None
    return auditlog.Filters(action=action.strip(), actor=actor.strip(), object_type=object_type.strip(),
                            object_id=object_id.strip(), start=day(start), end=day(end), page=max(page, 1))


@router.get("/audit", response_class=HTMLResponse)
def viewer(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, action: str = "",
           actor: str = "", object_type: str = "", object_id: str = "", start: str = "", end: str = "",
           page: Page = 1) -> Response:
    filters = _filters(action, actor, object_type, object_id, start, end, page)
    rows, total = auditlog.events(session, scope=scope, filters=filters, tz=runtime.settings.tz)
    return render(
        request,
        "audit.html",
        {
            "rows": rows,
            "total": total,
            "filters": filters,
            "page_size": auditlog.PAGE,
            "query": request.url.query,
            # the next page keeps every filter
            "filter_query": "&".join(
                f"{k}={quote(v)}" for k, v in request.query_params.items() if k not in ("page", "lang")
            ),
        },
    )


@router.get("/audit.csv")
def export(
    request: Request,
    session: WriteSession,
    scope: CurrentScope,
    runtime: RuntimeDep,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    start: str = "",
    end: str = "",
) -> Response:
    filters = _filters(action, actor, object_type, object_id, start, end, 1)
    lines = list(
        auditlog.export_csv(
            session, scope=scope, filters=filters, tz=runtime.settings.tz, actor=actor_for(request, scope.officer),
            language=language_of(request),
        )
    )
    return StreamingResponse(
        iter(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
