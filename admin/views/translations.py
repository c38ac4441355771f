"""Translators' work list and the form that returns a subtitle track (Điều 13.4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin.deps import Csrf, CurrentScope, ReadSession, WriteSession, actor_for, error_text
from admin.params import DbId
from admin.templating import render
from core.accounts import access
from core.errors import Invalid
from core.review import translations
from core.types import Role

router = APIRouter(tags=["translations"], include_in_schema=False)


@router.get("/translations", response_class=HTMLResponse)
def work_list(request: Request, session: ReadSession, scope: CurrentScope) -> Response:
    access.require_role(scope.officer, Role.translator, Role.administrator)
    rows = translations.open_for(session, officer_id=scope.officer.id)  # type: ignore[arg-type]
    return render(request, "translations.html", {"rows": rows, "error": None})


@router.post("/translations/{request_id}", response_class=HTMLResponse, dependencies=[Csrf])
def complete(request: Request, session: WriteSession, scope: CurrentScope, request_id: DbId,
             vtt: Annotated[str, Form()] = "") -> Response:
    access.require_role(scope.officer, Role.translator, Role.administrator)
    try:
        row = translations.complete(session, officer=scope.officer, request_id=request_id, text=vtt,
                                    actor=actor_for(request, scope.officer))
    except Invalid as error:
        session.rollback()
        rows = translations.open_for(session, officer_id=scope.officer.id)  # type: ignore[arg-type]
        return render(request, "translations.html", {"rows": rows, "error": error_text(request.state.language, error),
                                                     "failed_id": request_id}, status_code=422)
    return RedirectResponse(f"/review/{row.submission_id}?done=translated", status_code=303)
