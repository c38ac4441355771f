"""What will play: one board's timeline for today and the next two days, per cluster and board."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from admin.deps import CurrentOfficer, ReadSession, RuntimeDep
from admin.templating import render
from core.accounts import access
from core.airing import schedule
from core.errors import NotFound
from core.types import Role

router = APIRouter(tags=["airing"], include_in_schema=False)
VIEWERS = (Role.administrator, Role.editor, Role.operator, Role.inspector)


@router.get("/airing/schedule", response_class=HTMLResponse)
def schedule_page(request: Request, session: ReadSession, officer: CurrentOfficer, runtime: RuntimeDep,
                  board: int | None = None, cluster: int | None = None) -> Response:
    access.require_role(officer, *VIEWERS)
    tz = runtime.settings.tz
    today = runtime.settings.today()
    visible = access.visible_cluster_ids(session, officer=officer, on=today)
    choices = schedule.boards_of(session, cluster_ids=visible)
    if cluster is not None:
        in_cluster = [(b, c) for b, c in choices if c.id == cluster]
        if not in_cluster and cluster not in visible:
            raise NotFound("not found")
        chosen = next(((b, c) for b, c in in_cluster if b.id == board), in_cluster[0] if in_cluster else None)
    else:
        chosen = (
            next(((b, c) for b, c in choices if b.id == board), None)
            if board is not None
            else (choices[0] if choices else None)
        )
        if board is not None and chosen is None:
            raise NotFound("not found")
    view = (
        schedule.board_schedule(session, board=chosen[0], cluster=chosen[1], today=today, tz=tz, now=datetime.now(UTC))
        if chosen
        else None
    )
    return render(request, "airing/schedule.html", {"choices": choices, "view": view, "today": today})
