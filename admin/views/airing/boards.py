"""Board health and pairing: state, last seen, what plays, cache readiness, clock skew; pair by code; revoke."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from admin.deps import Csrf, CurrentOfficer, ReadSession, RuntimeDep, WriteSession, actor_for
from admin.params import INT64_MAX, DbId
from admin.templating import render
from core.accounts import access
from core.airing import boards
from core.airing.models import Board
from core.errors import NotFound
from core.incidents import health
from core.org.models import Officer
from core.runtime import Runtime
from core.types import Role

router = APIRouter(tags=["airing"], include_in_schema=False)
VIEWERS = (Role.administrator, Role.editor, Role.operator, Role.inspector)


def _today(runtime: Runtime) -> date:
    return runtime.settings.today()


def _page(request: Request, session: Session, officer: Officer, runtime: Runtime, *, message: str | None = None,
          error: str | None = None, status: int = 200) -> Response:
    today = _today(runtime)
    visible = access.visible_cluster_ids(session, officer=officer, on=today)
    rows = health.board_rows(session, cluster_ids=visible, now=datetime.now(UTC),
                             offline_after=timedelta(minutes=runtime.settings.board_offline_minutes))
    operable = [r for r in rows if r.state != "retired"
                and access.may_operate_cluster(session, officer=officer, cluster=r.cluster, on=today)]
    return render(
        request,
        "airing/boards.html",
        {"rows": rows, "operable": operable, "message": message, "error": error},
        status_code=status,
    )


@router.get("/airing/boards", response_class=HTMLResponse)
def board_health(request: Request, session: ReadSession, officer: CurrentOfficer, runtime: RuntimeDep,
                 paired: str | None = None) -> Response:
    access.require_role(officer, *VIEWERS)
    return _page(request, session, officer, runtime, message=paired)


def _operable_board(session: Session, officer: Officer, runtime: Runtime, board_id: int) -> Board:
    board = session.get(Board, board_id)
    if board is None:
        raise NotFound("not found")
    access.get_cluster_for(session, officer=officer, cluster_id=board.cluster_id, on=_today(runtime), operate=True)
    return board


@router.post("/airing/boards/pair", response_class=HTMLResponse, dependencies=[Csrf])
def pair(request: Request, session: WriteSession, officer: CurrentOfficer, runtime: RuntimeDep,
         code: Annotated[str, Form()] = "", board_id: Annotated[int, Form(ge=0, le=INT64_MAX)] = 0) -> Response:
    access.require_role(officer, Role.administrator, Role.editor, Role.operator)
    board = _operable_board(session, officer, runtime, board_id)
    try:
        boards.pair_board(session, code=code, board=board, actor=actor_for(request, officer))
    except NotFound:
        return _page(request, session, officer, runtime, error="no_such_code", status=422)
    return RedirectResponse(f"/airing/boards?paired={board.code}", status_code=303)


@router.post("/airing/boards/{board_id}/revoke", dependencies=[Csrf])
def revoke(
    request: Request, board_id: DbId, session: WriteSession, officer: CurrentOfficer, runtime: RuntimeDep
) -> Response:
    access.require_role(officer, Role.administrator, Role.editor, Role.operator)
    board = _operable_board(session, officer, runtime, board_id)
    boards.revoke_board_token(session, board=board, actor=actor_for(request, officer))
    return RedirectResponse("/airing/boards", status_code=303)
