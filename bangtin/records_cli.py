"""The records commands: `bangtin report …` and `bangtin export …` (the reports of Điều 14 and the inspection
exports), `bangtin backup`, `bangtin restore` and `bangtin audit verify`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bangtin.clikit import JsonFlag, _print, _runtime

report_app = typer.Typer(help="Reports of Điều 14 (DOCX).", no_args_is_help=True)
export_app = typer.Typer(help="Inspection exports.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def _write_report(kind: str, unit: str | None, out: Path, *, year: int | None = None, quarter: int | None = None,
                  start: date | None = None, end: date | None = None, as_json: bool = False) -> None:
    from sqlmodel import col, select

    from core.org import service as org
    from core.records.models import Report
    from core.reports import reports

    if out.suffix.lower() != ".docx":
        raise typer.BadParameter("the file must end in .docx", param_hint="--out")
    rt = _runtime()
    period_start, period_end = reports.period_of(kind=kind, year=year, quarter=quarter, start=start, end=end)
    with rt.db.reading() as session:
        unit_id = org.find_unit(session, ref=unit).id if unit else None
        # The unit's latest report of that period (its texts, its frozen figures once final), else a fresh draft.
        saved = session.exec(select(Report).where(Report.kind == kind, Report.unit_id == unit_id,
                                                  Report.period_start == period_start, Report.period_end == period_end)
                             .order_by(col(Report.status) == "final", col(Report.id)).limit(50)).all()
        report = saved[-1] if saved else None
        if report is None:
            from core.reports import figures, report_docx

            data = figures.report_figures(session, unit_id=unit_id, period_start=period_start, period_end=period_end,
                                          tz=rt.settings.tz)
            report = Report(kind=kind, unit_id=unit_id, period_start=period_start, period_end=period_end, year=year,
                            texts=report_docx.seed_texts(data, synthesis=unit_id is None))
            report.figures = data
            payload = reports.document(session, report=report, tz=rt.settings.tz, signed_on=rt.settings.today())
            report.figures = None
        else:
            data = report.figures or {}
            payload = reports.document(session, report=report, tz=rt.settings.tz, signed_on=rt.settings.today())
    out.write_bytes(payload)
    summary = {"out": str(out), "kind": kind, "unit": unit, "period_start": period_start, "period_end": period_end,
               "status": report.status, "bytes": len(payload)}
    _print(summary, as_json, [f"report written: {out} ({period_start} – {period_end}, {report.status})"])


UnitOption = Annotated[str | None, typer.Option(help="Operating unit code (default: the provincial synthesis).")]
OutOption = Annotated[Path, typer.Option("--out", help="The .docx file to write.")]


@report_app.command("annual")
def report_annual(year: Annotated[int, typer.Option(help="The data year (15 Dec of the year before – 14 Dec).")],
                  out: OutOption, unit: UnitOption = None, as_json: JsonFlag = False) -> None:
    """The annual report (Điều 14.1, the annex outline) of a unit, or the provincial synthesis (Điều 14.2)."""
    _write_report("annual", unit, out, year=year, as_json=as_json)


@report_app.command("quarterly")
def report_quarterly(year: Annotated[int, typer.Option()], quarter: Annotated[int, typer.Option(min=1, max=4)],
                     out: OutOption, unit: UnitOption = None, as_json: JsonFlag = False) -> None:
    """A quarterly report (Điều 14.3) from the same figures."""
    _write_report("quarterly", unit, out, year=year, quarter=quarter, as_json=as_json)


@report_app.command("adhoc")
def report_adhoc(from_: Annotated[str, typer.Option("--from", help="YYYY-MM-DD, local.")],
                 to: Annotated[str, typer.Option("--to", help="YYYY-MM-DD, local.")],
                 out: OutOption, unit: UnitOption = None, as_json: JsonFlag = False) -> None:
    """An ad hoc report (Điều 14.3) for any period."""
    _write_report("adhoc", unit, out, start=date.fromisoformat(from_), end=date.fromisoformat(to), as_json=as_json)


@export_app.command("airing")
def export_airing(from_: Annotated[str, typer.Option("--from", help="YYYY-MM-DD, local.")],
                  to: Annotated[str, typer.Option("--to", help="YYYY-MM-DD, local.")],
                  out: Annotated[Path, typer.Option("--out", help="FILE.csv or FILE.xlsx")],
                  cluster: Annotated[str | None, typer.Option(help="Only this cluster (code).")] = None,
                  as_json: JsonFlag = False) -> None:
    """What aired where and when (Điều 9.1): every play, every item with its approval, every advertisement."""
    from sqlmodel import select

    from core.airing.models import Cluster
    from core.reports import export

    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise typer.BadParameter("the file must end in .csv or .xlsx", param_hint="--out")
    rt = _runtime()
    with rt.db.reading() as session:
        cluster_ids = None
        if cluster:
            found = session.exec(select(Cluster).where(Cluster.code == cluster.strip().upper())).first()
            if found is None:
                raise typer.BadParameter(f"no cluster {cluster}", param_hint="--cluster")
            cluster_ids = {found.id}
        done = export.export_airing(session, day_from=date.fromisoformat(from_), day_to=date.fromisoformat(to),
                                    tz=rt.settings.tz, path=out, cluster_ids=cluster_ids)  # type: ignore[arg-type]
    line = f"export written: {out} ({done.plays} plays, {done.items} items, {done.advertisements} advertisements)"
    _print(done.as_dict(), as_json, [line])


@export_app.command("royalties")
def export_royalties(from_: Annotated[str, typer.Option("--from", help="YYYY-MM-DD, local.")],
                     to: Annotated[str, typer.Option("--to", help="YYYY-MM-DD, local.")],
                     out: Annotated[Path, typer.Option("--out", help="FILE.xlsx")], as_json: JsonFlag = False) -> None:
    """Royalties (Điều 13.8.b): individuals' items aired at border-gate clusters in the period, as XLSX."""
    from core.reports import royalties

    rt = _runtime()
    day_from, day_to = date.fromisoformat(from_), date.fromisoformat(to)
    with rt.db.reading() as session:
        found = royalties.rows(session, day_from=day_from, day_to=day_to, tz=rt.settings.tz)
    count = royalties.write_xlsx(found, out, day_from=day_from, day_to=day_to)
    _print({"out": str(out), "items": count}, as_json, [f"royalties written: {out} ({count} items)"])


def backup(
    to: Annotated[
        Path | None, typer.Option(help="Backup directory (default BANGTIN_BACKUP_DIR, else DATA_DIR/backups).")
    ] = None,
    keep_days: Annotated[
        int | None,
        typer.Option(
            min=1, help="Drop snapshots older than this, never the newest (default BANGTIN_AIRING_RETENTION_DAYS)."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Snapshot every table and media file into the backup directory (only new media is copied)."""
    from core.records import backup as backups

    made = backups.make_backup(_runtime(), backup_dir=to, keep_days=keep_days)
    lines = [
        f"backup written: {made.path}",
        f"  {sum(made.rows.values())} rows in {len(made.rows)} tables (schema {made.revision}); "
        f"{made.media_files} media files, {made.media_new} new, {made.media_bytes / 1e6:.1f} MB",
    ]
    lines += [f"  dropped, older than the retention: {name}" for name in made.pruned]
    if made.damaged:
        lines.append(
            f"  WARNING: {len(made.damaged)} live media file(s) no longer match their hash and were not "
            f"backed up, first {made.damaged[0]}"
        )
    if not made.apart:
        lines.append(
            "  WARNING: the backups are on the same disk as the live data; set BANGTIN_BACKUP_DIR "
            "to another disk or a mounted share"
        )
    _print(made.as_dict(), as_json, lines)
    raise typer.Exit(1 if made.damaged else 0)


def restore(
    snapshot: Annotated[Path, typer.Argument(help="A snapshot folder, e.g. var/backups/20261130T193000Z.")],
    force: Annotated[bool, typer.Option("--force", help="Replace a database that already holds data.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Load a snapshot into this database and media store (checked whole before anything changes)."""
    from bangtin.supervisor import DataDirLock, InstanceLock
    from core.records.restore import restore_backup

    rt = _runtime()
    # Not under a running bangtin: neither its supervisor nor any web, worker or bot process of it.
    with InstanceLock(rt.settings.data_path), DataDirLock(rt.settings.data_path, exclusive=True):
        done = restore_backup(rt, snapshot=snapshot.resolve(), force=force)
    lines = [
        f"restored {done.path.name}: {sum(done.rows.values())} rows in {len(done.rows)} tables, "
        f"{done.media_files} media files",
        f"audit log intact: {done.audit_events} events" if done.audit_ok else "audit log BROKEN after restore",
    ]
    _print(done.as_dict(), as_json, lines)
    raise typer.Exit(0 if done.audit_ok else 1)


@audit_app.command("verify")
def audit_verify(as_json: JsonFlag = False) -> None:
    """Recompute the audit log's keyed hash chain and hold it against the signed checkpoints in the
    backup directory; exit status 1 if it was edited, truncated or rewritten."""
    from core.records import audit

    rt = _runtime()
    with rt.db.reading() as session:
        report = audit.verify(session, checkpoints=audit.read_checkpoints(rt.settings))
    line = (
        f"audit log intact: {report.events} events"
        if report.ok
        else f"audit log BROKEN at event {report.broken_at}: {report.reason} "
        f"({report.events} events verified before it)"
    )
    _print(
        {"ok": report.ok, "events": report.events, "broken_at": report.broken_at, "reason": report.reason},
        as_json,
        [line],
    )
    raise typer.Exit(0 if report.ok else 1)
