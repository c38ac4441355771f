"""Generated reports (Điều 14): drafts the unit edits, a final version that is stored, fulfils the obligation
and is audited. Annual (the data year 15 Dec–14 Dec), quarterly and ad hoc reports share one set of figures.

Who may: an operator/editor/administrator of the operating unit for its own report; the provincial
synthesis (`unit_id=None`) by the provincial editor unit's editors and administrators.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from core.accounts import access
from core.errors import Invalid, NotFound
from core.intake.models import MediaAsset
from core.notify import reminders
from core.notify.models import DeadlineRule, Obligation
from core.org import service as org
from core.org.models import Officer, Unit
from core.records import audit
from core.records.models import Report
from core.records.report_files import MIMES, source_ref
from core.reports import figures, report_docx
from core.storage import MediaStore
from core.types import Duty, Fulfilment, Role, utcnow

WRITERS = frozenset({Role.operator.value, Role.editor.value, Role.administrator.value})
TITLES = {
    ("annual", False): "Hoạt động quản lý, vận hành cụm thông tin điện tử công cộng năm {year}",
    ("annual", True): "Tổng hợp kết quả hoạt động các cụm thông tin điện tử công cộng năm {year}",
    ("quarterly", False): "Hoạt động quản lý, vận hành cụm thông tin điện tử công cộng quý {quarter} năm {year}",
    ("quarterly", True): "Tổng hợp kết quả hoạt động các cụm thông tin điện tử công cộng quý {quarter} năm {year}",
    ("adhoc", False): "Hoạt động quản lý, vận hành cụm thông tin điện tử công cộng từ ngày {start} đến ngày {end}",
    ("adhoc", True): "Tổng hợp kết quả hoạt động các cụm thông tin điện tử công cộng từ ngày {start} đến ngày {end}",
}


def may_write(session: Session, *, officer: Officer, unit_id: int | None, on: date) -> bool:
    """The unit's own staff for its report; the provincial editor unit for the synthesis."""
    if not officer.is_active or officer.role not in WRITERS:
        return False
    if unit_id is None:
        return access.is_provincial_editor(session, officer=officer, on=on) or officer.role == Role.administrator.value
    return officer.unit_id == unit_id or officer.role == Role.administrator.value


def may_read(session: Session, *, officer: Officer, report: Report, on: date) -> bool:
    return officer.role == Role.inspector.value or may_write(session, officer=officer, unit_id=report.unit_id, on=on)


def issuer_of(session: Session, *, unit_id: int | None, on: date) -> Unit | None:
    """The unit that signs: the operating unit (its successor once it ended), or the provincial editor unit."""
    if unit_id is None:
        editors = org.units_with_duty(session, duty=Duty.provincial_editor, on=on)
        return editors[0] if editors else None
    unit = session.get(Unit, unit_id)
    seen = set()
    while (
        unit is not None
        and unit.valid_to is not None
        and unit.valid_to < on
        and unit.successor_id
        and unit.id not in seen
    ):
        seen.add(unit.id)
        unit = session.get(Unit, unit.successor_id)
    return unit


def heading_of(session: Session, report: Report, *, signed_on: date) -> report_docx.Heading:
    issuer = issuer_of(session, unit_id=report.unit_id, on=report.period_end)
    parent = session.get(Unit, issuer.parent_id) if issuer is not None and issuer.parent_id else None
    quarter = {3: 1, 6: 2, 9: 3, 12: 4}.get(report.period_end.month, 0)
    title = TITLES[(report.kind, report.unit_id is None)].format(
        year=report.year or report.period_end.year,
        quarter=quarter,
        start=report.period_start.strftime("%d/%m/%Y"),
        end=report.period_end.strftime("%d/%m/%Y"),
    )
    return report_docx.Heading(
        issuer=issuer.name if issuer else "",
        parent=parent.name if parent else None,
        short_code=(issuer.code if issuer else "").split("-")[0],
        number=report.number,
        place=report.place,
        signed_on=signed_on,
        title=title,
        synthesis=report.unit_id is None,
    )


def period_of(
    *,
    kind: str,
    year: int | None = None,
    quarter: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> tuple[date, date]:
    if kind == "annual":
        if year is None:
            raise Invalid("choose the year", field="year")
        return figures.annual_period(year)
    if kind == "quarterly":
        if year is None or quarter is None:
            raise Invalid("choose the year and the quarter", field="quarter")
        return figures.quarter_period(year, quarter)
    if kind == "adhoc":
        if start is None or end is None or end < start:
            raise Invalid("choose a period whose end is not before its start", field="end")
        return start, end
    raise Invalid("choose the kind of report", field="kind")


def create(
    session: Session,
    *,
    officer: Officer,
    kind: str,
    unit_id: int | None,
    period_start: date,
    period_end: date,
    year: int | None,
    tz: Any,
    actor: audit.Actor,
) -> Report:
    """A draft whose texts are pre-seeded with the facts."""
    if not may_write(session, officer=officer, unit_id=unit_id, on=period_end):
        raise NotFound("not found")
    data = figures.report_figures(session, unit_id=unit_id, period_start=period_start, period_end=period_end, tz=tz)
    report = Report(
        kind=kind,
        unit_id=unit_id,
        period_start=period_start,
        period_end=period_end,
        year=year,
        texts=report_docx.seed_texts(data, synthesis=unit_id is None),
        created_by_id=officer.id,
    )
    session.add(report)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="report.created",
        object_type="report",
        object_id=report.id,
        after={"kind": kind, "unit_id": unit_id, "period_start": period_start, "period_end": period_end},
    )
    return report


def edit(
    session: Session,
    *,
    officer: Officer,
    report_id: int,
    texts: dict[str, str],
    number: str | None,
    actor: audit.Actor,
    on: date,
) -> Report:
    report = get(session, officer=officer, report_id=report_id, on=on, write=True)
    if report.status != "draft":
        raise Invalid("a final report cannot be edited", field="status")
    before = {"texts": dict(report.texts), "number": report.number}
    report.texts = {**report.texts, **{k: v.strip() for k, v in texts.items() if k in report_docx.TEXT_FIELDS}}
    report.number = (number or "").strip()[:40] or None
    report.updated_at = utcnow()
    session.add(report)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="report.edited",
        object_type="report",
        object_id=report.id,
        before=before,
        after={"texts": report.texts, "number": report.number},
    )
    return report


def get(session: Session, *, officer: Officer, report_id: int, on: date, write: bool = False) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound("not found")
    allowed = (
        may_write(session, officer=officer, unit_id=report.unit_id, on=on)
        if write
        else may_read(session, officer=officer, report=report, on=on)
    )
    if not allowed:
        raise NotFound("not found")
    return report


def listing(session: Session, *, officer: Officer, on: date) -> list[Report]:
    rows = session.exec(select(Report).order_by(col(Report.period_end).desc(), col(Report.id).desc())).all()
    return [r for r in rows if may_read(session, officer=officer, report=r, on=on)]


def document(session: Session, *, report: Report, tz: Any, signed_on: date) -> bytes:
    """The DOCX: the frozen figures of a final report, today's figures for a draft."""
    data = (
        report.figures
        if report.figures is not None
        else figures.report_figures(
            session, unit_id=report.unit_id, period_start=report.period_start, period_end=report.period_end, tz=tz
        )
    )
    return report_docx.render(data, report.texts, heading_of(session, report, signed_on=signed_on))


def obligation_for(session: Session, *, report: Report) -> Obligation | None:
    """The open report-type obligation this report fulfils: the issuer's, for the period that holds its end."""
    if report.kind != "annual":
        return None
    issuer = issuer_of(session, unit_id=report.unit_id, on=report.period_end)
    if issuer is None:
        return None
    return session.exec(
        select(Obligation)
        .join(DeadlineRule, col(DeadlineRule.id) == col(Obligation.rule_id))
        .where(
            Obligation.unit_id == issuer.id,
            DeadlineRule.fulfilment == Fulfilment.report.value,
            DeadlineRule.recurrence == "yearly",
            col(Obligation.status).in_(reminders.OPEN),
            col(Obligation.period_start) <= report.period_end,
            col(Obligation.period_end) >= report.period_end,
        )
        .order_by(col(Obligation.id))
    ).first()


def finalise(
    session: Session, *, officer: Officer, report_id: int, store: MediaStore, tz: Any, on: date, actor: audit.Actor
) -> Report:
    """Freeze the figures, store the DOCX, fulfil the obligation (annual), audit."""
    report = get(session, officer=officer, report_id=report_id, on=on, write=True)
    if report.status != "draft":
        raise Invalid("the report is already final", field="status")
    report.figures = figures.report_figures(
        session, unit_id=report.unit_id, period_start=report.period_start, period_end=report.period_end, tz=tz
    )
    payload = report_docx.render(report.figures, report.texts, heading_of(session, report, signed_on=on))
    stored = store.put_stream(io.BytesIO(payload))
    obligation = obligation_for(session, report=report)
    name = f"bao-cao-{report.kind}-{report.period_end.isoformat()}-{report.id}.docx"
    asset = MediaAsset(
        role="original",
        kind="document",
        sha256=stored.sha256,
        size_bytes=stored.size_bytes,
        mime=MIMES["docx"],
        filename=name,
        submission_id=None,
        source_ref=source_ref(obligation.id) if obligation and obligation.id else f"report:{report.id}",
    )
    session.add(asset)
    session.flush()
    report.media_asset_id = asset.id
    report.status = "final"
    report.finalised_by_id = officer.id
    report.finalised_at = report.updated_at = utcnow()
    if obligation is not None:
        report.obligation_id = obligation.id
        reminders.fulfil_by_editor(
            session,
            obligation_id=obligation.id,  # type: ignore[arg-type]  # stored rows have ids
            officer_id=officer.id,  # type: ignore[arg-type]
            note=f"Báo cáo tạo từ hệ thống: {name}",
        )
    session.add(report)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="report.finalised",
        object_type="report",
        object_id=report.id,
        after={
            "sha256": stored.sha256,
            "obligation_id": report.obligation_id,
            "hours_aired": report.figures["hours_aired"],
            "plays": report.figures["plays"],
        },
    )
    return report
