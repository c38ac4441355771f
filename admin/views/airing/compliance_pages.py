"""The airing log against the 3 h + 3 h rule per cluster per day, as a page and as CSV."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

import i18n
from admin.deps import CurrentOfficer, ReadSession, RuntimeDep
from admin.templating import language_of, render
from core.accounts import access
from core.airing import compliance
from core.org.models import Officer
from core.runtime import Runtime
from core.types import Role
from i18n.labels import N_

router = APIRouter(tags=["airing"], include_in_schema=False)
VIEWERS = (Role.administrator, Role.editor, Role.operator, Role.inspector)
NAV_LABEL = N_("Airing log")  # the entry in admin/nav.py; translated in this domain


def _figures(
    session: Session, officer: Officer, runtime: Runtime, day: str | None, to: str | None
) -> tuple[date, date, list[compliance.Figures] | None]:
    today = runtime.settings.today()
    try:
        first, last = compliance.parse_range(day, to, today=today)
        rows = compliance.figures(session, cluster_ids=access.visible_cluster_ids(session, officer=officer, on=today),
                                  day_from=first, day_to=last, settings=runtime.settings)
    except ValueError:
        first = last = today
        return first, last, None
    return first, last, rows


@router.get("/airing/compliance", response_class=HTMLResponse)
def page(request: Request, session: ReadSession, officer: CurrentOfficer, runtime: RuntimeDep,
         day: str | None = None, to: str | None = None) -> Response:
    access.require_role(officer, *VIEWERS)
    first, last, rows = _figures(session, officer, runtime, day, to)
    return render(
        request,
        "airing/compliance.html",
        {
            "rows": rows or [],
            "first": first,
            "last": last,
            "minimum": compliance.MINIMUM_MINUTES,
            "bad_range": rows is None,
        },
        status_code=200 if rows is not None else 422,
    )


@router.get("/airing/compliance.csv")
def csv_export(request: Request, session: ReadSession, officer: CurrentOfficer, runtime: RuntimeDep,
               day: str | None = None, to: str | None = None) -> Response:
    access.require_role(officer, *VIEWERS)
    first, last, rows = _figures(session, officer, runtime, day, to)
    if rows is None:
        message = i18n.gettext(language_of(request), "Choose at most 93 days, the first not after the last.",
                               domain="airing")
        return Response(message + "\n", status_code=422, media_type="text/plain; charset=utf-8")
    name = f"airing-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(compliance.to_csv(rows, language_of(request)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


