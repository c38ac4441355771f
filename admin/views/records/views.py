"""Reports generated from the records (create, edit the prose, download, finalise) and the airing export."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select
from starlette.background import BackgroundTask

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId
from admin.templating import language_of, render
from core.airing.models import Cluster
from core.errors import Invalid, NotFound
from core.org.models import Unit
from core.records import audit
from core.reports import export, figures, report_docx, reports
from core.types import Role
from i18n.labels import N_

router = APIRouter(tags=["records"], include_in_schema=False)

KIND_LABELS = {"annual": N_("Annual"), "quarterly": N_("Quarterly"), "adhoc": N_("Ad hoc")}
TEXT_LABELS = {
    "situation": N_("I. Situation"),
    "documents": N_("II.1 Documents issued"),
    "staff_note": N_("II.2 Staff assigned"),
    "programme_note": N_("II.3 Content programme"),
    "difficulties": N_("III.1 Advantages and difficulties"),
    "shortcomings": N_("III.2 Shortcomings and causes"),
    "solutions": N_("III.3 Solutions"),
    "directions": N_("IV. Tasks for the coming year"),
    "proposals_province": N_("V.1 Proposals to the provincial People's Committee"),
    "proposals_ministry": N_("V.2 Proposals to the Ministry"),
    "recipients": N_("Recipients (one per line)"),
    "signer_title": N_("Signature block title"),
    "signer_name": N_("Signed by"),
}
EXPORT_ROLES = frozenset({Role.administrator.value, Role.inspector.value, Role.editor.value})


def _units_for(session, scope, today: date) -> list[tuple[int | None, str]]:
    """The reports this officer may write: their own operating unit, and the synthesis for the editor unit."""
    choices: list[tuple[int | None, str]] = []
    if reports.may_write(session, officer=scope.officer, unit_id=None, on=today):
        choices.append((None, ""))
    operators = {c.operator_unit_id for c in session.exec(select(Cluster)).all()}
    for unit in session.exec(select(Unit).where(col(Unit.id).in_(operators)).order_by(col(Unit.name))).all():
        if reports.may_write(session, officer=scope.officer, unit_id=unit.id, on=today):
            choices.append((unit.id, unit.name))
    return choices


@router.get("/records/reports", response_class=HTMLResponse)
def report_list(
    request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, error: str = ""
) -> Response:
    today = runtime.settings.today()
    rows = reports.listing(session, officer=scope.officer, on=today)
    units = {u.id: u.name for u in session.exec(select(Unit)).all()}
    choices = _units_for(session, scope, today)
    if not rows and not choices:
        raise NotFound("not found")
    return render(
        request,
        "records/reports.html",
        {"rows": rows, "units": units, "choices": choices, "kinds": KIND_LABELS, "year": today.year, "error": error},
    )


@router.post("/records/reports", dependencies=[Csrf])
def report_create(
    request: Request,
    session: WriteSession,
    scope: CurrentScope,
    runtime: RuntimeDep,
    kind: Annotated[str, Form()] = "annual",
    unit: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    quarter: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
) -> Response:
    def number(text: str) -> int | None:
        return int(text) if text.strip().isdigit() else None

    def day(text: str) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    try:
        period_start, period_end = reports.period_of(
            kind=kind, year=number(year), quarter=number(quarter), start=day(start), end=day(end)
        )
    except (Invalid, ValueError) as refused:
        message = error_text(request.state.language, refused) if isinstance(refused, Invalid) else str(refused)
        return RedirectResponse(f"/records/reports?error={quote(message)}", status_code=303)
    report = reports.create(
        session,
        officer=scope.officer,
        kind=kind,
        unit_id=number(unit),
        period_start=period_start,
        period_end=period_end,
        year=number(year),
        tz=runtime.settings.tz,
        actor=actor_for(request, scope.officer),
    )
    return RedirectResponse(f"/records/reports/{report.id}", status_code=303)


@router.get("/records/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    session: ReadSession,
    scope: CurrentScope,
    runtime: RuntimeDep,
    report_id: DbId,
    error: str = "",
    status: int = 200,
) -> Response:
    today = runtime.settings.today()
    report = reports.get(session, officer=scope.officer, report_id=report_id, on=today)
    data = report.figures or figures.report_figures(
        session,
        unit_id=report.unit_id,
        period_start=report.period_start,
        period_end=report.period_end,
        tz=runtime.settings.tz,
    )
    unit = session.get(Unit, report.unit_id) if report.unit_id else None
    return render(
        request,
        "records/report.html",
        {
            "report": report,
            "f": data,
            "unit": unit,
            "fields": report_docx.TEXT_FIELDS,
            "labels": TEXT_LABELS,
            "kinds": KIND_LABELS,
            "error": error,
            "may_write": report.status == "draft"
            and reports.may_write(session, officer=scope.officer, unit_id=report.unit_id, on=today),
        },
        status_code=status,
    )


@router.post("/records/reports/{report_id}", dependencies=[Csrf])
async def report_save(
    request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, report_id: DbId
) -> Response:
    form = await request.form()
    texts = {k: str(form.get(k, "")) for k in report_docx.TEXT_FIELDS if k in form}
    try:
        reports.edit(
            session,
            officer=scope.officer,
            report_id=report_id,
            texts=texts,
            number=str(form.get("number", "")),
            actor=actor_for(request, scope.officer),
            on=runtime.settings.today(),
        )
    except Invalid as refused:
        return report_page(
            request, session, scope, runtime, report_id, error=error_text(request.state.language, refused), status=409
        )
    return RedirectResponse(f"/records/reports/{report_id}", status_code=303)


@router.post("/records/reports/{report_id}/finalise", dependencies=[Csrf])
def report_finalise(
    request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, report_id: DbId
) -> Response:
    try:
        reports.finalise(
            session,
            officer=scope.officer,
            report_id=report_id,
            store=runtime.store,
            tz=runtime.settings.tz,
            on=runtime.settings.today(),
            actor=actor_for(request, scope.officer),
        )
    except Invalid as refused:
        return report_page(
            request, session, scope, runtime, report_id, error=error_text(request.state.language, refused), status=409
        )
    return RedirectResponse(f"/records/reports/{report_id}", status_code=303)


@router.get("/records/reports/{report_id}/docx")
def report_docx_file(session: ReadSession, scope: CurrentScope, runtime: RuntimeDep, report_id: DbId) -> Response:
    report = reports.get(session, officer=scope.officer, report_id=report_id, on=runtime.settings.today())
    from core.intake.models import MediaAsset

    if report.status == "final" and report.media_asset_id:
        asset = session.get(MediaAsset, report.media_asset_id)
        payload = runtime.store.open(asset.sha256).read() if asset else b""
    else:
        payload = reports.document(session, report=report, tz=runtime.settings.tz, signed_on=runtime.settings.today())
    name = f"bao-cao-{report.kind}-{report.period_end.isoformat()}-{report.id}.docx"
    return Response(
        payload,
        media_type=report_docx_mime(),
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"},
    )


def report_docx_mime() -> str:
    from core.records.report_files import MIMES

    return MIMES["docx"]


@router.get("/records/export", response_class=HTMLResponse)
def export_page(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep) -> Response:
    if scope.role not in EXPORT_ROLES:
        raise NotFound("not found")
    today = runtime.settings.today()
    clusters = session.exec(select(Cluster).order_by(col(Cluster.code))).all()
    oldest = today - timedelta(days=runtime.settings.airing_retention_days)
    return render(
        request,
        "records/export.html",
        {"clusters": clusters, "today": today, "oldest": oldest, "first": today - timedelta(days=30)},
    )


@router.get("/records/export/airing")
def export_file(
    request: Request,
    session: WriteSession,
    scope: CurrentScope,
    runtime: RuntimeDep,
    start: str = "",
    end: str = "",
    cluster: str = "",
    fmt: str = "xlsx",
) -> Response:
    if scope.role not in EXPORT_ROLES:
        raise NotFound("not found")
    try:
        day_from, day_to = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        return RedirectResponse("/records/export", status_code=303)
    fmt = "csv" if fmt == "csv" else "xlsx"
    cluster_ids = {int(cluster)} if cluster.isdigit() else None
    folder = Path(tempfile.mkdtemp(prefix="bangtin-export-"))
    path = folder / f"phat-song-{day_from.isoformat()}-{day_to.isoformat()}.{fmt}"
    done = export.export_airing(
        session, day_from=day_from, day_to=day_to, tz=runtime.settings.tz, path=path, cluster_ids=cluster_ids,
        language=language_of(request),
    )
    # Exports carry officers' names: who took which period is recorded (Decree 13/2023).
    audit.record(
        session,
        actor=actor_for(request, scope.officer),
        action="airing.exported",
        object_type="airing",
        after={
            "from": day_from,
            "to": day_to,
            "cluster_id": cluster_ids and min(cluster_ids),
            "format": fmt,
            "plays": done.plays,
        },
    )

    def cleanup() -> None:
        path.unlink(missing_ok=True)
        folder.rmdir()

    media = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return FileResponse(path, media_type=media, filename=path.name, background=BackgroundTask(cleanup))


@router.get("/records/royalties")
def royalties_file(
    request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, start: str = "", end: str = ""
) -> Response:
    """The royalty list for the accounting office (the provincial editor unit's editors, administrators, inspectors)."""
    from core.reports import royalties

    today = runtime.settings.today()
    if not (scope.role in {Role.administrator.value, Role.inspector.value} or scope.provincial):
        raise NotFound("not found")
    try:
        day_from, day_to = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        day_to = today
        day_from = today.replace(day=1)
    found = royalties.rows(session, day_from=day_from, day_to=day_to, tz=runtime.settings.tz)
    folder = Path(tempfile.mkdtemp(prefix="bangtin-royalties-"))
    path = folder / f"nhuan-but-{day_from.isoformat()}-{day_to.isoformat()}.xlsx"
    royalties.write_xlsx(found, path, day_from=day_from, day_to=day_to)
    audit.record(
        session,
        actor=actor_for(request, scope.officer),
        action="royalties.exported",
        object_type="royalties",
        after={"from": day_from, "to": day_to, "items": len(found)},
    )

    def cleanup() -> None:
        path.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=path.name,
        background=BackgroundTask(cleanup),
    )
