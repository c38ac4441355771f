"""The incidents page (Điều 9.3, 12.2): report, acknowledge, assign, resolve; for operators, editors,
administrators and inspectors (who read only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId
from admin.templating import render
from admin.views.media import SANDBOX_HEADERS
from core.airing.models import Board, Cluster, Incident
from core.errors import Invalid, NotFound
from core.incidents import service as incidents
from core.intake.models import MediaAsset
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
        mime = incidents.photo_mime(photo.file.read(16))
        photo.file.seek(0)
        if mime is None:
            return _page(request, session, scope, runtime, error=error_text(
                request.state.language, Invalid("the photo must be a JPEG or PNG image", field="photo")), status=422)
        stored = runtime.store.put_stream(photo.file)
        photo_id = incidents.keep_photo(session, stored=stored, mime=mime, filename=photo.filename).id
    try:
        incidents.report(session, reporter=scope.officer, kind=kind, title=title, description=description,
                         board_id=int(board) if board.isdigit() else None, place=place, photo_asset_id=photo_id,
                         now=datetime.now(UTC), actor=actor_for(request, scope.officer))
    except Invalid as refused:
        return _page(request, session, scope, runtime, error=error_text(request.state.language, refused), status=422)
    return RedirectResponse("/incidents", status_code=303)


@router.get("/incidents/{incident_id}/photo")
def incident_photo(session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, incident_id: DbId) -> Response:
    """The photo sent with an incident (from the web or the chat), to whoever may see the incident."""
    incident = session.get(Incident, incident_id)
    if (scope.role not in READERS or incident is None or incident.photo_asset_id is None
            or not incidents.may_see(session, officer=scope.officer, incident=incident, on=runtime.settings.today())):
        raise NotFound("not found")
    asset = session.get(MediaAsset, incident.photo_asset_id)
    path = runtime.store.local_path(asset.sha256) if asset is not None else None
    if asset is None or path is None or not path.is_file():
        raise NotFound("not found")
    # Its type was read from its first bytes when it was kept (JPEG or PNG), so it is shown in place.
    mime = asset.mime if asset.mime in {"image/jpeg", "image/png"} else "application/octet-stream"
    return FileResponse(path, media_type=mime, headers=SANDBOX_HEADERS)


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



