"""The incidents page (Điều 9.3, 12.2): report, acknowledge, assign, resolve; for operators, editors,
administrators and inspectors (who read only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId
from admin.templating import render
from core.airing.models import Board, Cluster
from core.errors import Invalid, NotFound
from core.incidents import service as incidents
from core.org.models import Officer
from core.types import Role
from i18n.labels import N_

router = APIRouter(tags=["incidents"], include_in_schema=False)
READERS = frozenset({Role.administrator.value, Role.editor.value, Role.operator.value, Role.inspector.value})
STATUS_LABELS = {"open": N_("open"), "acknowledged": N_("acknowledged"), "escalated": N_("escalated"),
                 "resolved": N_("resolved")}
KIND_LABELS = {"technical": N_("technical"), "security": N_("security"), "board_offline": N_("board silent")}


def _page(request: Request, session, scope, runtime, *, error: str = "", status: int = 200) -> Response:
    if scope.role not in READERS:
        raise NotFound("not found")
    today = runtime.settings.today()
    state = request.query_params.get("status", "")
    rows = incidents.listing(session, officer=scope.officer, on=today, status=state or None)
    boards = session.exec(select(Board, Cluster).join(Cluster, col(Cluster.id) == col(Board.cluster_id))
                          .order_by(col(Cluster.code), col(Board.code))).all()
    names = {o.id: o.full_name for o in session.exec(select(Officer)).all()}
    handling = {i.id for i in rows if i.status != "resolved"
                and incidents.may_handle(session, officer=scope.officer, incident=i, on=today)}
    return render(request, "records/incidents.html", {
        "rows": rows, "boards": boards, "names": names, "handling": handling, "status_labels": STATUS_LABELS,
        "kind_labels": KIND_LABELS, "state": state, "error": error, "may_report": scope.role != Role.inspector.value},
        status_code=status)


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep) -> Response:
    return _page(request, session, scope, runtime)


@router.post("/incidents", dependencies=[Csrf])
def incident_report(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep,
                    kind: Annotated[str, Form()] = "technical", title: Annotated[str, Form()] = "",
                    description: Annotated[str, Form()] = "", board: Annotated[str, Form()] = "",
                    place: Annotated[str, Form()] = "", photo: UploadFile | None = None) -> Response:
    if scope.role not in READERS or scope.role == Role.inspector.value:
        raise NotFound("not found")
    photo_id = None
    if photo is not None and photo.filename:
        from core.intake.models import MediaAsset

        head = photo.file.read(12)
        photo.file.seek(0)
        if not head.startswith((b"\xff\xd8\xff", b"\x89PNG")):
            return _page(request, session, scope, runtime, error=error_text(
                request.state.language, Invalid("the photo must be a JPEG or PNG image", field="photo")), status=422)
        stored = runtime.store.put_stream(photo.file)
        asset = MediaAsset(role="original", kind="image", sha256=stored.sha256, size_bytes=stored.size_bytes,
                           mime="image/jpeg" if head.startswith(b"\xff\xd8") else "image/png",
                           filename=(photo.filename or "")[:255], source_ref="incident")
        session.add(asset)
        session.flush()
        photo_id = asset.id
    try:
        incidents.report(session, reporter=scope.officer, kind=kind, title=title, description=description,
                         board_id=int(board) if board.isdigit() else None, place=place, photo_asset_id=photo_id,
                         now=datetime.now(UTC), actor=actor_for(request, scope.officer))
    except Invalid as refused:
        return _page(request, session, scope, runtime, error=error_text(request.state.language, refused), status=422)
    return RedirectResponse("/incidents", status_code=303)


@router.post("/incidents/{incident_id}/{action}", dependencies=[Csrf])
def incident_act(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, incident_id: DbId,
                 action: str, resolution: Annotated[str, Form()] = "", owner: Annotated[str, Form()] = "") -> Response:
    now, actor = datetime.now(UTC), actor_for(request, scope.officer)
    try:
        if action == "acknowledge":
            incidents.acknowledge(session, officer=scope.officer, incident_id=incident_id, now=now, actor=actor)
        elif action == "resolve":
            incidents.resolve(session, officer=scope.officer, incident_id=incident_id, resolution=resolution, now=now,
                              actor=actor)
        elif action == "assign" and owner.isdigit():
            incidents.assign(session, officer=scope.officer, incident_id=incident_id, owner_id=int(owner), now=now,
                             actor=actor)
        else:
            raise NotFound("not found")
    except Invalid as refused:
        return _page(request, session, scope, runtime, error=error_text(request.state.language, refused), status=422)
    return RedirectResponse("/incidents", status_code=303)



