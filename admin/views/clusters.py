"""Clusters, their boards and broadcast windows (3 h morning + 3 h afternoon), and the advertising cap."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId, MaybeDbId
from admin.templating import render
from core.accounts import access
from core.airing import clusters as clusteradmin
from core.airing.models import Board, Cluster
from core.errors import Invalid, NotFound
from core.org import service as org
from core.runtime import Runtime
from core.types import ClusterKind, Role

router = APIRouter(tags=["clusters"], include_in_schema=False)
VIEWERS = (Role.administrator, Role.editor, Role.operator, Role.inspector)


def _today(runtime: Runtime) -> date:
    return runtime.settings.today()


@router.get("/clusters", response_class=HTMLResponse)
def clusters(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep) -> Response:
    access.require_role(scope.officer, *VIEWERS)
    rows = clusteradmin.visible_clusters(session, officer=scope.officer, on=_today(runtime))
    return render(request, "clusters.html", {"rows": rows, "may_create": scope.role == Role.administrator.value})


def _page(request: Request, session: Session, scope: access.Scope, runtime, cluster: Cluster | None, *,
          error: str | None = None, field: str | None = None, status: int = 200, windows_in=None) -> Response:
    today = _today(runtime)
    may_edit = cluster is None or access.may_operate_cluster(session, officer=scope.officer, cluster=cluster, on=today)
    return render(request, "cluster.html", {
        "c": cluster, "may_edit": may_edit, "is_admin": scope.role == Role.administrator.value,
        "boards": clusteradmin.boards_of(session, cluster_id=cluster.id) if cluster and cluster.id else [],
        "windows": windows_in
        or (clusteradmin.windows_of(session, cluster_id=cluster.id, on=today) if cluster and cluster.id else []),
        "units": org.list_units(session, on=today), "kinds": [k.value for k in ClusterKind],
        "error": error, "error_field": field,
    }, status_code=status)


@router.get("/clusters/new", response_class=HTMLResponse)
def new_cluster(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep) -> Response:
    access.require_role(scope.officer, Role.administrator)
    return _page(request, session, scope, runtime, None)


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_page(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep,
                 cluster_id: DbId) -> Response:
    access.require_role(scope.officer, *VIEWERS)
    cluster = access.get_cluster_for(session, officer=scope.officer, cluster_id=cluster_id, on=_today(runtime))
    return _page(request, session, scope, runtime, cluster)


def _cluster_values(code: str, name: str, kind: str, operator_unit_id: str, commune_unit_id: str, location: str,
                    ad_cap_percent: str, is_active: str) -> dict:
    try:
        cap = float(ad_cap_percent.replace(",", "."))
    except ValueError:
        cap = -1
    return {"code": code, "name": name, "kind": kind,
            "operator_unit_id": int(operator_unit_id) if operator_unit_id.isdigit() else None,
            "commune_unit_id": int(commune_unit_id) if commune_unit_id.isdigit() else None,
            "location": location.strip() or None, "ad_cap_percent": cap, "is_active": is_active == "1"}


@router.post("/clusters", response_class=HTMLResponse, dependencies=[Csrf])
@router.post("/clusters/{cluster_id}", response_class=HTMLResponse, dependencies=[Csrf])
def save_cluster(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep,
                 cluster_id: MaybeDbId = None, code: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "",
                 kind: Annotated[str, Form()] = "", operator_unit_id: Annotated[str, Form()] = "",
                 commune_unit_id: Annotated[str, Form()] = "", location: Annotated[str, Form()] = "",
                 ad_cap_percent: Annotated[str, Form()] = "10", is_active: Annotated[str, Form()] = "") -> Response:
    access.require_role(scope.officer, Role.administrator, Role.editor, Role.operator)
    cluster = access.get_cluster_for(session, officer=scope.officer, cluster_id=cluster_id, on=_today(runtime),
                                     operate=True) if cluster_id is not None else None
    values = _cluster_values(code, name, kind, operator_unit_id, commune_unit_id, location, ad_cap_percent, is_active)
    try:
        saved = clusteradmin.save_cluster(session, scope=scope, cluster=cluster, values=values, on=_today(runtime),
                                          actor=actor_for(request, scope.officer))
    except Invalid as error:
        session.rollback()
        return _page(request, session, scope, runtime, cluster, error=error_text(request.state.language, error),
                     field=error.field, status=422)
    return RedirectResponse(f"/clusters/{saved.id}", status_code=303)


@router.post("/clusters/{cluster_id}/windows", response_class=HTMLResponse, dependencies=[Csrf])
def save_windows(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, cluster_id: DbId,
                 part: Annotated[list[str] | None, Form()] = None, start: Annotated[list[str] | None, Form()] = None,
                 end: Annotated[list[str] | None, Form()] = None) -> Response:
    today = _today(runtime)
    cluster = access.get_cluster_for(session, officer=scope.officer, cluster_id=cluster_id, on=today, operate=True)
    try:
        windows = [clusteradmin.WindowIn(part=p or "morning", start=clusteradmin.parse_time(s, field="windows"),
                                         end=clusteradmin.parse_time(e, field="windows"))
                   for p, s, e in zip(part or [], start or [], end or [], strict=False) if s.strip() or e.strip()]
        clusteradmin.save_windows(session, scope=scope, cluster=cluster, windows=windows, on=today,
                                  actor=actor_for(request, scope.officer))
    except Invalid as error:
        session.rollback()
        return _page(request, session, scope, runtime, cluster, error=error_text(request.state.language, error),
                     field="windows", status=422)
    return RedirectResponse(f"/clusters/{cluster_id}", status_code=303)


@router.post("/clusters/{cluster_id}/boards", response_class=HTMLResponse, dependencies=[Csrf])
@router.post("/clusters/{cluster_id}/boards/{board_id}", response_class=HTMLResponse, dependencies=[Csrf])
def save_board(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, cluster_id: DbId,
               board_id: MaybeDbId = None, code: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "",
               location: Annotated[str, Form()] = "", resolution: Annotated[str, Form()] = "",
               is_active: Annotated[str, Form()] = "1") -> Response:
    today = _today(runtime)
    cluster = access.get_cluster_for(session, officer=scope.officer, cluster_id=cluster_id, on=today, operate=True)
    board = session.get(Board, board_id) if board_id is not None else None
    if board_id is not None and (board is None or board.cluster_id != cluster_id):
        raise NotFound("not found")
    try:
        clusteradmin.save_board(session, scope=scope, cluster=cluster, board=board, on=today,
                                values={"code": code, "name": name, "location": location, "resolution": resolution,
                                        "is_active": is_active == "1"}, actor=actor_for(request, scope.officer))
    except Invalid as error:
        session.rollback()
        return _page(request, session, scope, runtime, cluster, error=error_text(request.state.language, error),
                     field=error.field, status=422)
    return RedirectResponse(f"/clusters/{cluster_id}", status_code=303)
