"""What a report's figures are computed from: the period's records read once (`load`), the plays streamed
board by board in start order as epoch milliseconds. `core/reports/figures.py` computes from it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, func, or_, text
from sqlmodel import Session, col, select

from core.airing.models import (
    Board,
    BroadcastWindow,
    Cluster,
    Emergency,
    EmergencyTarget,
    Incident,
    Maintenance,
)
from core.airing.plans import local_bounds
from core.intake.models import Submission
from core.org import service as org
from core.org.models import Officer, Unit
from core.records.models import PlaySummary
from core.review.models import ContentItem, ContentTarget
from core.types import Duty


# -- the data ------------------------------------------------------------------------------------------
@dataclass(slots=True)
class ItemInfo:
    category: str
    languages: list[str]
    unit_id: int
    from_editor: bool  # supplied by the provincial editor unit (section II.4)


@dataclass(slots=True)
class ReportData:
    """Everything `compute` looks at; `plays` is (board_id, start_ms, end_ms, item_id, emergency) by board, start."""

    period_start: date
    period_end: date
    tz: ZoneInfo
    unit: Unit | None
    clusters: list[Cluster]
    boards: list[Board]
    windows: dict[int, list[BroadcastWindow]]
    items: dict[int, ItemInfo]
    unit_names: dict[int, str]
    plays: Iterable[tuple[int, int, int, int | None, bool]]
    submissions_received: int = 0
    items_approved: int = 0
    emergencies: int = 0
    incidents: list[Incident] = field(default_factory=list)
    staff: dict[str, int] = field(default_factory=dict)
    maintenance: list[Maintenance] = field(default_factory=list)  # done in the period
    # Days whose plays retention removed: (board_id, day, item_id, emergency, plays, aired_ms, morning_ms, afternoon_ms)
    summaries: list[tuple[int, date, int | None, bool, int, int, int, int]] = field(default_factory=list)


def scope_clusters(session: Session, *, unit_id: int | None) -> list[Cluster]:
    """The clusters a report covers: the operating unit's own (its predecessors' too), or every cluster."""
    query = select(Cluster).order_by(col(Cluster.code))
    if unit_id is not None:
        ids = {unit_id} | {u.id for u in session.exec(select(Unit).where(Unit.successor_id == unit_id)).all()}
        query = query.where(col(Cluster.operator_unit_id).in_(ids))
    return list(session.exec(query).all())


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _stream_plays(
    session: Session, board_ids: list[int], start: datetime, end: datetime, batch: int = 50000
) -> Iterator[tuple[int, int, int, int | None, bool]]:
    """Plays of the boards that started in [start, end), board by board in start order, as epoch milliseconds.

    Plain SQL with the conversion to milliseconds done by the database: two million rows go through without
    building a datetime or an ORM row each (the figures of a year must come in well under a minute).
    """
    dialect = session.get_bind().dialect.name
    bounds: tuple[str | datetime, ...]
    if dialect == "sqlite":
        ms = "CAST(ROUND((julianday({0}) - 2440587.5) * 86400000) AS INTEGER)"
        bounds = tuple(m.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") for m in (start, end))  # as stored
    else:
        ms = "CAST(ROUND(EXTRACT(EPOCH FROM {0}) * 1000) AS BIGINT)"
        bounds = (start, end)
    query = text(
        f"SELECT {ms.format('started_at')}, {ms.format('ended_at')}, content_item_id, "
        "CASE WHEN emergency_id IS NULL THEN 0 ELSE 1 END FROM play "
        "WHERE board_id = :board AND started_at >= :start AND started_at < :end ORDER BY started_at, id"
    )
    connection = session.connection()
    for board_id in sorted(board_ids):
        # Textual SQL carries no column types: the cast states what the SELECT above gives (start ms, end ms,
        # item id, emergency 0/1), once per board.
        result = cast(
            "CursorResult[int, int, int | None, int]",
            connection.execute(query, {"board": board_id, "start": bounds[0], "end": bounds[1]}),
        )
        while rows := result.fetchmany(batch):
            for start_ms, end_ms, item_id, emergency in rows:
                yield board_id, start_ms, end_ms, item_id, bool(emergency)


def load(session: Session, *, unit_id: int | None, period_start: date, period_end: date, tz: ZoneInfo) -> ReportData:
    """Read the period's records for one operating unit (or, with `unit_id=None`, the whole province)."""
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise LookupError(f"no unit {unit_id}")
    clusters = scope_clusters(session, unit_id=unit_id)
    cluster_ids = [c.id for c in clusters]
    boards = (
        list(session.exec(select(Board).where(col(Board.cluster_id).in_(cluster_ids)).order_by(col(Board.code))).all())
        if cluster_ids
        else []
    )
    windows: dict[int, list[BroadcastWindow]] = defaultdict(list)
    for w in session.exec(select(BroadcastWindow).where(col(BroadcastWindow.cluster_id).in_(cluster_ids))).all():
        windows[w.cluster_id].append(w)
    start, _ = local_bounds(period_start, tz)
    _, end = local_bounds(period_end, tz)
    editors = {
        u.id for u in org.units_with_duty(session, duty=Duty.provincial_editor, on=period_end) if u.id is not None
    }
    items = {
        i.id: ItemInfo(
            category=i.category, languages=list(i.languages or []), unit_id=i.unit_id, from_editor=i.unit_id in editors
        )
        for i in session.exec(select(ContentItem)).all()
        if i.id is not None
    }
    unit_names = {u.id: u.name for u in session.exec(select(Unit)).all() if u.id is not None}
    board_ids = [b.id for b in boards if b.id is not None]

    received = (
        select(func.count())
        .select_from(Submission)
        .where(col(Submission.received_at) >= start, col(Submission.received_at) < end)
    )
    approved = (
        select(func.count(func.distinct(ContentItem.id)))
        .select_from(ContentItem)
        .where(col(ContentItem.approved_at) >= start, col(ContentItem.approved_at) < end)
    )
    emergencies = (
        select(func.count(func.distinct(Emergency.id)))
        .select_from(Emergency)
        .where(col(Emergency.started_at) >= start, col(Emergency.started_at) < end)
    )
    incidents = select(Incident).where(col(Incident.opened_at) >= start, col(Incident.opened_at) < end)
    staff_units: set[int] = set()
    if unit_id is not None:
        kinds = {c.kind for c in clusters}
        received = received.where(
            or_(col(Submission.unit_id) == unit_id, col(Submission.target_cluster_id).in_(cluster_ids))
        )
        targeted = select(ContentTarget.content_item_id).where(
            or_(
                col(ContentTarget.target_kind) == "all",
                col(ContentTarget.cluster_id).in_(cluster_ids),
                col(ContentTarget.board_id).in_(board_ids),
                col(ContentTarget.cluster_kind).in_(kinds),
            )
        )
        approved = approved.where(col(ContentItem.id).in_(targeted))
        emergencies = emergencies.where(
            or_(
                col(Emergency.all_clusters),
                col(Emergency.id).in_(
                    select(EmergencyTarget.emergency_id).where(col(EmergencyTarget.cluster_id).in_(cluster_ids))
                ),
            )
        )
        incidents = incidents.where(
            or_(col(Incident.cluster_id).in_(cluster_ids), col(Incident.board_id).in_(board_ids))
        )
        staff_units = {unit_id}
    else:
        staff_units = {c.operator_unit_id for c in clusters} | editors
    staff = Counter(
        role
        for role in session.exec(
            select(Officer.role).where(col(Officer.unit_id).in_(staff_units), Officer.is_active)
        ).all()
    )
    return ReportData(
        period_start=period_start,
        period_end=period_end,
        tz=tz,
        unit=unit,
        clusters=clusters,
        boards=boards,
        windows=windows,
        items=items,
        unit_names=unit_names,
        plays=_stream_plays(session, board_ids, start, end),
        submissions_received=session.exec(received).one(),
        items_approved=session.exec(approved).one(),
        emergencies=session.exec(emergencies).one(),
        incidents=list(session.exec(incidents.order_by(col(Incident.opened_at))).all()),
        staff=dict(staff),
        summaries=[
            (r.board_id, r.day, r.content_item_id, r.emergency, r.plays, r.aired_ms, r.morning_ms, r.afternoon_ms)
            for r in session.exec(
                select(PlaySummary).where(
                    col(PlaySummary.board_id).in_(board_ids),
                    col(PlaySummary.day) >= period_start,
                    col(PlaySummary.day) <= period_end,
                )
            ).all()
        ]
        if board_ids
        else [],
        maintenance=list(
            session.exec(
                select(Maintenance).where(
                    col(Maintenance.board_id).in_(board_ids),
                    col(Maintenance.done_on) >= period_start,
                    col(Maintenance.done_on) <= period_end,
                )
            ).all()
        )
        if board_ids
        else [],
    )


