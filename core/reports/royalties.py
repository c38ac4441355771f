"""Royalties (Điều 13.8.b): individuals whose content aired at border-gate clusters, per period, for the
accounting office. One row per item: the contributor, their unit, the item, its airings there, first and last."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from core.airing.models import Board, Cluster, Play
from core.airing.plans import local_bounds
from core.intake.models import Submission
from core.org.models import Officer, Unit
from core.reports.export import neutralise
from core.review.models import ContentItem
from core.types import ClusterKind

COLUMNS = ("contributor", "unit", "item_id", "title", "category", "kind", "duration_s", "airings", "boards",
           "first_aired_local", "last_aired_local")


@dataclass(frozen=True, slots=True)
class RoyaltyRow:
    contributor: str
    unit: str
    item_id: int
    title: str
    category: str
    kind: str
    duration_s: float | None
    airings: int
    boards: int
    first: datetime
    last: datetime


def rows(session: Session, *, day_from: date, day_to: date, tz: ZoneInfo) -> list[RoyaltyRow]:
    """Items by individual contributors (not units) aired at border-gate clusters in the period."""
    start, _ = local_bounds(day_from, tz)
    _, end = local_bounds(day_to, tz)
    # SQLAlchemy's select (sqlmodel's is typed for at most four columns); eleven columns are past its typed
    # overloads too, so the cast below states the row.
    found = session.execute(
        sa_select(col(Officer.full_name), col(Unit.name), col(ContentItem.id), col(ContentItem.title),
                  col(ContentItem.category), col(ContentItem.kind), col(ContentItem.duration_s),
                  func.count(col(Play.id)), func.count(func.distinct(Play.board_id)),
                  func.min(Play.started_at), func.max(Play.started_at))
        .select_from(Play)
        .join(Board, col(Board.id) == col(Play.board_id))
        .join(Cluster, col(Cluster.id) == col(Board.cluster_id))
        .join(ContentItem, col(ContentItem.id) == col(Play.content_item_id))
        .join(Submission, col(Submission.id) == col(ContentItem.submission_id))
        .join(Officer, col(Officer.id) == col(Submission.officer_id))
        .join(Unit, col(Unit.id) == col(Submission.unit_id))
        .where(col(Cluster.kind) == ClusterKind.border_gate.value, col(Officer.contributor_type) == "individual",
               col(Play.started_at) >= start, col(Play.started_at) < end)
        .group_by(col(Officer.full_name), col(Unit.name), col(ContentItem.id), col(ContentItem.title),
                  col(ContentItem.category), col(ContentItem.kind), col(ContentItem.duration_s))
        .order_by(col(Officer.full_name), col(ContentItem.id))).all()
    typed = cast("Sequence[Row[str, str, int, str, str, str, float | None, int, int, datetime, datetime]]", found)
    out = []
    for name, unit, item_id, title, category, kind, duration, airings, boards, first, last in typed:
        out.append(RoyaltyRow(name, unit, item_id, title, category, kind, duration, airings, boards,
                              first.astimezone(tz).replace(tzinfo=None), last.astimezone(tz).replace(tzinfo=None)))
    return out


def write_xlsx(found: list[RoyaltyRow], path: Path, *, day_from: date, day_to: date) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("nhuan-but")
    sheet.append([f"Nhuận bút (Điều 13.8.b) từ {day_from:%d/%m/%Y} đến {day_to:%d/%m/%Y}"])
    sheet.append(COLUMNS)
    for r in found:
        sheet.append([neutralise(v) for v in (r.contributor, r.unit, r.item_id, r.title, r.category, r.kind,
                                              r.duration_s, r.airings, r.boards, r.first, r.last)])
    book.save(path)
    return len(found)
