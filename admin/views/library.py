"""The content library: search (diacritics optional), filters, an item's page, reuse."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId, Page
from admin.templating import render
from admin.views.review import _local_day
from core.accounts import access
from core.airing.models import Cluster
from core.errors import Invalid
from core.org import service as org
from core.review import corrections, library
from core.types import Role
from i18n import labels

router = APIRouter(tags=["library"], include_in_schema=False)
READERS = (Role.administrator, Role.editor, Role.operator, Role.inspector)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/library", response_class=HTMLResponse)
def search(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, q: str = "",
           category: str = "", language: str = "", unit: str = "", cluster: str = "", start: str = "", end: str = "",
           page: Page = 1) -> Response:
    access.require_role(scope.officer, *READERS)
    query = library.Query(text=q, category=category, language=language,
                          unit_id=int(unit) if unit.isdigit() else None,
                          cluster_id=int(cluster) if cluster.isdigit() else None,
                          start=_day(start), end=_day(end), page=max(page, 1))
    rows, total = library.search(session, scope=scope, query=query, tz=runtime.settings.tz)
    on = runtime.settings.today()
    clusters = [
        session.get(Cluster, cid) for cid in sorted(access.visible_cluster_ids(session, officer=scope.officer, on=on))
    ]
    return render(request, "library.html", {
        "rows": rows, "total": total, "query": query, "q": q, "categories": labels.CATEGORIES,
        "languages_codes": corrections.LANGUAGE_CODES, "units": org.list_units(session), "clusters": clusters,
        "page_size": library.PAGE,
    })


def _item_page(request: Request, session, scope, item_id: int, *, error: str | None = None, status: int = 200):
    item = access.get_item_for(session, scope=scope, item_id=item_id)
    targets = [session.get(Cluster, cid) for cid in library.clusters_of(session, item_id=item_id)]
    from core.reports.history import aired_history

    return render(request, "library_item.html", {
        "item": item, "targets": targets, "error": error, "categories": labels.CATEGORIES,
        "approvable": access.approvable_clusters(session, scope=scope),
        "aired": aired_history(session, item_id=item_id),
    }, status_code=status)


@router.get("/library/{item_id}", response_class=HTMLResponse)
def item(request: Request, session: ReadSession, scope: CurrentScope, item_id: DbId) -> Response:
    access.require_role(scope.officer, *READERS)
    return _item_page(request, session, scope, item_id)


@router.post("/library/{item_id}/reuse", response_class=HTMLResponse, dependencies=[Csrf])
def reuse(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, item_id: DbId,
          clusters: Annotated[list[int] | None, Form()] = None, valid_from: Annotated[str, Form()] = "",
          valid_to: Annotated[str, Form()] = "") -> Response:
    access.require_role(scope.officer, Role.administrator, Role.editor, Role.operator)
    source = access.get_item_for(session, scope=scope, item_id=item_id)
    try:
        copy = library.reuse(session, scope=scope, item=source, cluster_ids=clusters or [],
                             valid_from=_local_day(valid_from, runtime.settings.tz, end=False, field="valid_from"),
                             valid_to=_local_day(valid_to, runtime.settings.tz, end=True, field="valid_to"),
                             actor=actor_for(request, scope.officer))
    except Invalid as error:
        session.rollback()
        return _item_page(request, session, scope, item_id, error=error_text(request.state.language, error), status=422)
    return RedirectResponse(f"/library/{copy.id}", status_code=303)
