"""The board register and maintenance log (Điều 11): installation, location, hardware, yearly cost, maintenance."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId
from admin.templating import render
from core.accounts import access
from core.airing import boards
from core.airing.models import Board, Cluster
from core.errors import Invalid, NotFound

router = APIRouter(tags=["register"], include_in_schema=False)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _amount(text: str) -> int | None:
    digits = text.replace(".", "").replace(",", "").replace(" ", "")
    return int(digits) if digits.isdigit() else None


@router.get("/records/boards", response_class=HTMLResponse)
def register(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep) -> Response:
    today = runtime.settings.today()
    rows = [
        (b, c)
        for b, c in session.exec(
            select(Board, Cluster)
            .join(Cluster, col(Cluster.id) == col(Board.cluster_id))
            .order_by(col(Cluster.code), col(Board.code))
        ).all()
        if scope.role == "inspector" or access.may_operate_cluster(session, officer=scope.officer, cluster=c, on=today)
    ]
    if not rows and scope.role != "inspector":
        raise NotFound("not found")
    return render(request, "records/boards.html", {"rows": rows})


def _board_page(
    request: Request, session, scope, runtime, board_id: int, *, error: str = "", status: int = 200
) -> Response:
    today = runtime.settings.today()
    board = session.get(Board, board_id)
    cluster = session.get(Cluster, board.cluster_id) if board else None
    if board is None or cluster is None:
        raise NotFound("not found")
    may_edit = access.may_operate_cluster(session, officer=scope.officer, cluster=cluster, on=today)
    if not may_edit and scope.role != "inspector":
        raise NotFound("not found")
    return render(
        request,
        "records/board.html",
        {
            "board": board,
            "cluster": cluster,
            "may_edit": may_edit,
            "log": boards.maintenance_of(session, board_id=board_id),
            "error": error,
        },
        status_code=status,
    )


@router.get("/records/boards/{board_id}", response_class=HTMLResponse)
def board_page(
    request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, board_id: DbId
) -> Response:
    return _board_page(request, session, scope, runtime, board_id)


@router.post("/records/boards/{board_id}", dependencies=[Csrf])
def board_save(
    request: Request,
    session: WriteSession,
    scope: CurrentScope,
    runtime: RuntimeDep,
    board_id: DbId,
    installed_on: Annotated[str, Form()] = "",
    location: Annotated[str, Form()] = "",
    hardware: Annotated[str, Form()] = "",
    resolution: Annotated[str, Form()] = "",
    yearly_cost_vnd: Annotated[str, Form()] = "",
) -> Response:
    cost = _amount(yearly_cost_vnd)
    try:
        if yearly_cost_vnd.strip() and cost is None:
            raise Invalid("the yearly cost is a whole number of đồng, not negative", field="yearly_cost_vnd")
        boards.save_register(
            session,
            officer=scope.officer,
            board_id=board_id,
            on=runtime.settings.today(),
            values={
                "installed_on": _day(installed_on),
                "location": location,
                "hardware": hardware,
                "resolution": resolution,
                "yearly_cost_vnd": cost,
            },
            actor=actor_for(request, scope.officer),
        )
    except Invalid as refused:
        return _board_page(
            request, session, scope, runtime, board_id, status=422, error=error_text(request.state.language, refused)
        )
    return RedirectResponse(f"/records/boards/{board_id}", status_code=303)


@router.post("/records/boards/{board_id}/maintenance", dependencies=[Csrf])
def maintenance_add(
    request: Request,
    session: WriteSession,
    scope: CurrentScope,
    runtime: RuntimeDep,
    board_id: DbId,
    work: Annotated[str, Form()] = "",
    done_on: Annotated[str, Form()] = "",
    planned_on: Annotated[str, Form()] = "",
    cost_vnd: Annotated[str, Form()] = "",
    done_by: Annotated[str, Form()] = "",
) -> Response:
    try:
        boards.record_maintenance(
            session,
            officer=scope.officer,
            board_id=board_id,
            work=work,
            on=runtime.settings.today(),
            done_on=_day(done_on),
            planned_on=_day(planned_on),
            cost_vnd=_amount(cost_vnd),
            done_by=done_by,
            actor=actor_for(request, scope.officer),
        )
    except Invalid as refused:
        return _board_page(
            request, session, scope, runtime, board_id, status=422, error=error_text(request.state.language, refused)
        )
    return RedirectResponse(f"/records/boards/{board_id}", status_code=303)
