"""Units (effective-dated), their officers, bot invites with a QR code, and deactivation."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId, MaybeDbId
from admin.templating import render
from core.accounts import access
from core.errors import Invalid, NotFound
from core.org import service as org
from core.org import succession
from core.org import units as unitadmin
from core.org.models import Officer, Unit
from core.types import Role, UnitKind

router = APIRouter(tags=["units"], include_in_schema=False)
VIEWERS = (Role.administrator, Role.editor, Role.operator, Role.inspector)


@router.get("/units", response_class=HTMLResponse)
def units(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep,
          former: bool = False) -> Response:
    """The units in force today; `?former=1`: those that ended (merged, renamed, abolished) with their successors."""
    access.require_role(scope.officer, *VIEWERS)
    today = runtime.settings.today()
    every = org.list_units(session)
    names = {u.id: u.name for u in every}
    ended = {u.id for u in every if u.valid_to is not None and u.valid_to < today}
    return render(
        request,
        "units.html",
        {
            "rows": [u for u in every if (u.id in ended) == former],
            "former": former,
            "ended_count": len(ended),
            "names": names,
            "today": today,
            "current": {u.id for u in every if org.is_current(u, on=today)},
            "is_admin": scope.role == "administrator",
        },
    )


def _unit_page(request: Request, session: Session, scope: access.Scope, unit: Unit | None, *, error: str | None = None,
               issued=None, status: int = 200) -> Response:
    every = org.list_units(session)
    officers = unitadmin.officers_of(session, scope=scope, unit_id=unit.id) if unit else []  # type: ignore[arg-type]
    qr = None
    if issued is not None:
        qr = Markup(segno.make(issued["link"] or issued.get("zalo") or issued["code"], error="m")
                    .svg_inline(scale=4, title="invite"))
    return render(request, "unit.html", {
        # A successor is a unit that goes on: those without an end, and whichever is chosen already.
        "units": [u for u in every if u.valid_to is None or (unit is not None and u.id == unit.successor_id)],
        "u": unit, "names": {u.id: u.name for u in every},
        "predecessors": [u for u in every if unit is not None and u.successor_id == unit.id],
        "handovers": succession.handovers(session, unit=unit) if unit else [],
        "kinds": [k.value for k in UnitKind], "officers": officers,
        "invites": unitadmin.open_invites(session, officer_ids=[o.id for o in officers]),  # type: ignore[misc]
        "is_admin": scope.role == Role.administrator.value,
        "may_manage": unit is not None and access.may_manage_officers_of(scope, unit_id=unit.id),  # type: ignore[arg-type]
        "manageable": {o.id for o in officers if access.may_manage_officer(scope, officer=o)},
        "error": error, "issued": issued, "qr": qr,
    }, status_code=status)


@router.get("/units/new", response_class=HTMLResponse)
def new_unit(request: Request, session: ReadSession, scope: CurrentScope) -> Response:
    access.require_role(scope.officer, Role.administrator)
    return _unit_page(request, session, scope, None)


@router.get("/units/{unit_id}", response_class=HTMLResponse)
def unit_page(request: Request, session: ReadSession, scope: CurrentScope, unit_id: DbId) -> Response:
    access.require_role(scope.officer, *VIEWERS)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("not found")
    return _unit_page(request, session, scope, unit)


def _day(text: str, field: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise Invalid("give a date as dd/mm/yyyy", field=field) from None


@router.post("/units", response_class=HTMLResponse, dependencies=[Csrf])
@router.post("/units/{unit_id}", response_class=HTMLResponse, dependencies=[Csrf])
def save_unit(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep,
              unit_id: MaybeDbId = None,
              code: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "",
              short_name: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "",
              valid_from: Annotated[str, Form()] = "", valid_to: Annotated[str, Form()] = "",
              successor_id: Annotated[str, Form()] = "", address: Annotated[str, Form()] = "") -> Response:
    access.require_role(scope.officer, Role.administrator)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise NotFound("not found")
    try:
        values = {"code": code, "name": name, "short_name": short_name.strip() or None, "kind": kind,
                  "valid_from": _day(valid_from, "valid_from"), "valid_to": _day(valid_to, "valid_to"),
                  "successor_id": int(successor_id) if successor_id.isdigit() else None,
                  "address": address.strip() or None}
        saved = unitadmin.save_unit(session, scope=scope, unit=unit, values=values,
                                    actor=actor_for(request, scope.officer), today=runtime.settings.today())
    except Invalid as error:
        session.rollback()
        return _unit_page(request, session, scope, unit, error=error_text(request.state.language, error), status=422)
    return RedirectResponse(f"/units/{saved.id}", status_code=303)


@router.post("/units/{unit_id}/officers", response_class=HTMLResponse, dependencies=[Csrf])
def add_officer(request: Request, session: WriteSession, scope: CurrentScope, unit_id: DbId,
                full_name: Annotated[str, Form()] = "", phone: Annotated[str, Form()] = "") -> Response:
    try:
        unitadmin.add_officer(session, scope=scope, unit_id=unit_id, full_name=full_name, phone=phone,
                              actor=actor_for(request, scope.officer))
    except Invalid as error:
        session.rollback()
        return _unit_page(request, session, scope, session.get(Unit, unit_id),
                          error=error_text(request.state.language, error), status=422)
    return RedirectResponse(f"/units/{unit_id}", status_code=303)


@router.post("/officers/{officer_id}/invite", response_class=HTMLResponse, dependencies=[Csrf])
def invite(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep,
           officer_id: DbId) -> Response:
    try:
        issued = unitadmin.invite(session, scope=scope, officer_id=officer_id, actor=actor_for(request, scope.officer))
    except Invalid as error:
        session.rollback()
        found = session.get(Officer, officer_id)
        return _unit_page(request, session, scope, session.get(Unit, found.unit_id) if found else None,
                          error=error_text(request.state.language, error), status=422)
    bot = runtime.settings.telegram_bot_username
    link = f"https://t.me/{bot}?start={issued.token}" if bot else None
    officer = session.get(Officer, officer_id)  # exists: invite() has just found it
    return _unit_page(request, session, scope, session.get(Unit, officer.unit_id),  # type: ignore[union-attr]
                      issued={"link": link, "code": issued.short_code, "expires_at": issued.expires_at,
                              "name": officer.full_name,  # type: ignore[union-attr]
                              "zalo": runtime.settings.zalo_oa_link if runtime.settings.zalo_configured else None})


@router.post("/invites/{invite_id}/revoke", dependencies=[Csrf])
def revoke_invite(request: Request, session: WriteSession, scope: CurrentScope, invite_id: DbId) -> Response:
    row = unitadmin.revoke_invite(session, scope=scope, invite_id=invite_id, actor=actor_for(request, scope.officer))
    officer = session.get(Officer, row.officer_id)  # exists: the invite points at it
    return RedirectResponse(f"/units/{officer.unit_id}", status_code=303)  # type: ignore[union-attr]


@router.post("/officers/{officer_id}/deactivate", response_class=HTMLResponse, dependencies=[Csrf])
def deactivate(request: Request, session: WriteSession, scope: CurrentScope, officer_id: DbId) -> Response:
    try:
        officer = unitadmin.deactivate(
            session, scope=scope, officer_id=officer_id, actor=actor_for(request, scope.officer)
        )
    except Invalid as error:
        session.rollback()
        return _unit_page(
            request,
            session,
            scope,
            session.get(Unit, scope.officer.unit_id),
            error=error_text(request.state.language, error),
            status=422,
        )
    return RedirectResponse(f"/units/{officer.unit_id}", status_code=303)


@router.post("/officers/{officer_id}/channels", response_class=HTMLResponse, dependencies=[Csrf])
def channels(request: Request, session: WriteSession, scope: CurrentScope, officer_id: DbId,
             order: Annotated[str, Form(max_length=60)], email: Annotated[str, Form(max_length=254)] = "") -> Response:
    """Where the officer hears back: the order of channels and the e-mail copy of the web inbox."""
    try:
        officer = unitadmin.set_channels(session, scope=scope, officer_id=officer_id, order=order.split(","),
                                         email=email, actor=actor_for(request, scope.officer))
    except Invalid as error:
        session.rollback()
        found = session.get(Officer, officer_id)
        return _unit_page(request, session, scope, session.get(Unit, found.unit_id) if found else None,
                          error=error_text(request.state.language, error), status=422)
    return RedirectResponse(f"/units/{officer.unit_id}", status_code=303)
