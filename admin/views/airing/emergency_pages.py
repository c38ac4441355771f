"""Emergency broadcasts in the admin: start (clusters or all, item or text, end or until stopped),
confirmations, stop."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from admin.deps import Csrf, CurrentOfficer, ReadSession, RuntimeDep, WriteSession, actor_for
from admin.params import DbId
from admin.templating import render
from core.accounts import access
from core.airing import emergencies
from core.airing.models import Cluster, Emergency, EmergencyTarget
from core.errors import Invalid
from core.org.models import Officer
from core.review.models import ContentItem
from core.runtime import Runtime
from core.types import Role
from i18n.labels import N_

router = APIRouter(tags=["airing"], include_in_schema=False)
VIEWERS = (Role.administrator, Role.editor, Role.operator, Role.inspector)
STARTERS = (Role.administrator, Role.editor, Role.operator)
ERRORS = {
    "text": N_("Choose an item or write a text (at most 2,000 characters)."),
    "ends_at": N_("The end time must be in the future."),
    "clusters": N_("Choose at least one cluster, or all clusters."),
    "content_item_id": N_("That item is not active."),
}


def _today(runtime: Runtime) -> date:
    return runtime.settings.today()


def _list(request: Request, session: Session, officer: Officer, runtime: Runtime, *, error: str | None = None,
          status: int = 200) -> Response:
    today = _today(runtime)
    visible = access.visible_cluster_ids(session, officer=officer, on=today)
    may_all = emergencies.may_broadcast_everywhere(session, officer=officer, on=today)
    operable = [
        c
        for c in session.exec(select(Cluster).where(col(Cluster.id).in_(visible)).order_by(col(Cluster.code))).all()
        if may_all or access.may_operate_cluster(session, officer=officer, cluster=c, on=today)
    ]
    targeted = select(EmergencyTarget.emergency_id).where(col(EmergencyTarget.cluster_id).in_(visible))
    rows = session.exec(select(Emergency).where(col(Emergency.all_clusters) | col(Emergency.id).in_(targeted))
                        .order_by(col(Emergency.started_at).desc()).limit(50)).all()
    items = emergencies.airable_items(session, officer=officer, clusters=operable, on=today)
    return render(request, "airing/emergencies.html", {
        "rows": rows, "operable": operable, "items": items, "may_all": may_all, "now": datetime.now(UTC),
        "is_active": emergencies.is_active, "may_start": officer.role in {r.value for r in STARTERS} and bool(operable),
        "error": ERRORS.get(error or "") if error else None}, status_code=status)


@router.get("/airing/emergencies", response_class=HTMLResponse)
def emergency_list(request: Request, session: ReadSession, officer: CurrentOfficer, runtime: RuntimeDep) -> Response:
    access.require_role(officer, *VIEWERS)
    return _list(request, session, officer, runtime)


@router.post("/airing/emergencies", response_class=HTMLResponse, dependencies=[Csrf])
def start(request: Request, session: WriteSession, officer: CurrentOfficer, runtime: RuntimeDep,
          clusters: Annotated[list[int] | None, Form()] = None, all_clusters: Annotated[bool, Form()] = False,
          content_item_id: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "",
          ends_at: Annotated[str, Form()] = "") -> Response:
    access.require_role(officer, *STARTERS)
    try:
        end = datetime.fromisoformat(ends_at).replace(tzinfo=runtime.settings.tz).astimezone(UTC) if ends_at else None
    except ValueError:
        return _list(request, session, officer, runtime, error="ends_at", status=422)
    try:
        emergency = emergencies.start_emergency(
            session, officer=officer, actor=actor_for(request, officer), on=_today(runtime), cluster_ids=clusters or [],
            all_clusters=all_clusters, content_item_id=int(content_item_id) if content_item_id.isdigit() else None,
            text=text, ends_at=end)
    except Invalid as exc:
        session.rollback()
        return _list(request, session, officer, runtime, error=exc.field, status=422)
    return RedirectResponse(f"/airing/emergencies/{emergency.id}", status_code=303)


def _detail_context(session: Session, officer: Officer, runtime: Runtime, emergency_id: int) -> dict:
    emergency = emergencies.get_for(session, emergency_id=emergency_id, officer=officer, on=_today(runtime))
    now = datetime.now(UTC)
    acks = emergencies.board_acks(session, emergency=emergency, now=now)
    item = session.get(ContentItem, emergency.content_item_id) if emergency.content_item_id else None
    return {"e": emergency, "acks": acks, "item": item, "active": emergencies.is_active(emergency, now),
            "unconfirmed": [a for a in acks if a.overdue]}


@router.get("/airing/emergencies/{emergency_id}", response_class=HTMLResponse)
def detail(
    request: Request, emergency_id: DbId, session: ReadSession, officer: CurrentOfficer, runtime: RuntimeDep
) -> Response:
    access.require_role(officer, *VIEWERS)
    return render(request, "airing/emergency.html", _detail_context(session, officer, runtime, emergency_id))


@router.get("/airing/emergencies/{emergency_id}/acks", response_class=HTMLResponse)
def acks(
    request: Request, emergency_id: DbId, session: ReadSession, officer: CurrentOfficer, runtime: RuntimeDep
) -> Response:
    access.require_role(officer, *VIEWERS)
    return render(request, "airing/emergency_acks.html", _detail_context(session, officer, runtime, emergency_id))


@router.post("/airing/emergencies/{emergency_id}/stop", dependencies=[Csrf])
def stop(
    request: Request, emergency_id: DbId, session: WriteSession, officer: CurrentOfficer, runtime: RuntimeDep
) -> Response:
    access.require_role(officer, *STARTERS)
    today = _today(runtime)
    emergencies.stop_emergency(
        session, emergency_id=emergency_id, officer=officer, actor=actor_for(request, officer), on=today
    )
    return RedirectResponse(f"/airing/emergencies/{emergency_id}", status_code=303)
