"""What a board will play: its stored plans for today and the next two days as a timeline, the item on
air now, and why an approved item that may air there is not in the plan (issue 15, item 5).

Reads the plans the planner stored; decides nothing. The reasons are those a person can act on:
the airing period is over (or not begun), the advertising cap is reached, the windows are full,
the length is unknown, the board has no window that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core.airing.models import Board, Cluster, Emergency, EmergencyTarget, Plan
from core.airing.plans import HORIZON_DAYS, local_bounds
from core.review.models import ContentItem, ContentTarget


@dataclass(slots=True)
class Entry:
    starts: datetime
    item_id: int
    title: str
    seconds: float
    is_ad: bool
    priority: str


@dataclass(slots=True)
class WindowPlan:
    part: str
    starts: datetime
    ends: datetime
    entries: list[Entry]

    @property
    def filled_seconds(self) -> float:
        return sum(e.seconds for e in self.entries)


@dataclass(slots=True)
class DayView:
    day: date
    version: int | None  # None: no plan stored for the day yet
    windows: list[WindowPlan]
    flags: list[str]
    left_out: list[tuple[ContentItem, str]] = field(default_factory=list)  # (item, reason code)


@dataclass(slots=True)
class BoardSchedule:
    board: Board
    cluster: Cluster
    days: list[DayView]
    now_playing: Entry | None
    emergencies: list[Emergency]


LEFT_OUT_REASONS = ("period_over", "not_started", "ad_cap", "windows_full", "no_window", "no_length")


def _latest_plans(session: Session, board_id: int, days: list[date]) -> dict[date, Plan]:
    latest: dict[date, Plan] = {}
    for plan in session.exec(select(Plan).where(Plan.board_id == board_id, col(Plan.day).in_(days))).all():
        if plan.day not in latest or plan.version > latest[plan.day].version:
            latest[plan.day] = plan
    return latest


def _targeting(session: Session, board: Board, cluster: Cluster) -> list[ContentItem]:
    """Approved, active items aimed at this board (directly, by its cluster, its kind, or everywhere)."""
    kind, cluster_id = col(ContentTarget.target_kind), col(ContentTarget.cluster_id)
    board_id = col(ContentTarget.board_id)
    targets = select(ContentTarget.content_item_id).where(or_(
        kind == "all",
        (kind == "cluster") & (cluster_id == cluster.id),
        (kind == "board") & (board_id == board.id),
        (kind == "cluster_kind") & (col(ContentTarget.cluster_kind) == cluster.kind)))
    return list(session.exec(select(ContentItem).where(col(ContentItem.id).in_(targets), col(ContentItem.is_active))
                             .order_by(col(ContentItem.priority).desc(), col(ContentItem.id))).all())


def _why(item: ContentItem, day_start: datetime, day_end: datetime, view: DayView) -> str:
    if item.valid_to <= day_start:
        return "period_over"
    if item.valid_from >= day_end:
        return "not_started"
    if not view.windows:
        return "no_window"
    if item.kind not in ("text",) and not item.duration_s and item.kind != "image":
        return "no_length"
    if item.category == "5":
        return "ad_cap"
    return "windows_full"


def board_schedule(session: Session, *, board: Board, cluster: Cluster, today: date, tz: ZoneInfo,
                   now: datetime | None = None) -> BoardSchedule:
    """Today and the next two days of `board`, as stored by the planner, with what is left out and why."""
    now = now or datetime.now(UTC)
    days = [today + timedelta(days=n) for n in range(HORIZON_DAYS)]
    plans = _latest_plans(session, board.id or 0, days)
    items = _targeting(session, board, cluster)
    titles = {i.id: i for i in items}
    planned_ids = {slot[0] for p in plans.values() for w in p.entries for slot in w.get("slots", [])}
    missing = planned_ids - set(titles)
    if missing:
        titles.update(
            {i.id: i for i in session.exec(select(ContentItem).where(col(ContentItem.id).in_(missing))).all()}
        )
    views: list[DayView] = []
    now_playing: Entry | None = None
    for day in days:
        plan = plans.get(day)
        windows: list[WindowPlan] = []
        for w in plan.entries if plan else []:
            start = datetime.fromtimestamp(int(w["start_ms"]) / 1000, UTC)
            entries = []
            for item_id, offset_ms, duration_ms in w.get("slots", []):
                item = titles.get(item_id)
                entry = Entry(
                    starts=start + timedelta(milliseconds=offset_ms),
                    item_id=item_id,
                    title=item.title if item else f"#{item_id}",
                    seconds=duration_ms / 1000,
                    is_ad=bool(item and item.category == "5"),
                    priority=item.priority if item else "normal",
                )
                entries.append(entry)
                if entry.starts <= now < entry.starts + timedelta(seconds=entry.seconds):
                    now_playing = entry
            windows.append(
                WindowPlan(
                    part=str(w["part"]),
                    starts=start,
                    ends=datetime.fromtimestamp(int(w["end_ms"]) / 1000, UTC),
                    entries=entries,
                )
            )
        view = DayView(
            day=day, version=plan.version if plan else None, windows=windows, flags=list(plan.flags) if plan else []
        )
        day_start, day_end = local_bounds(day, tz)
        in_plan = {e.item_id for w in windows for e in w.entries}
        view.left_out = [
            (i, _why(i, day_start, day_end, view))
            for i in items
            if i.id not in in_plan and i.valid_to > day_start - timedelta(days=7)
        ]
        views.append(view)
    emergencies = list(
        session.exec(
            select(Emergency).where(
                col(Emergency.ended_at).is_(None),
                or_(col(Emergency.ends_at).is_(None), col(Emergency.ends_at) > now),
                or_(
                    col(Emergency.all_clusters),
                    col(Emergency.id).in_(
                        select(EmergencyTarget.emergency_id).where(EmergencyTarget.cluster_id == cluster.id)
                    ),
                ),
            )
        ).all()
    )
    return BoardSchedule(board=board, cluster=cluster, days=views, now_playing=now_playing, emergencies=emergencies)


def boards_of(session: Session, *, cluster_ids: set[int]) -> list[tuple[Board, Cluster]]:
    """Active boards of the given clusters, by cluster then name (the page's chooser)."""
    rows = session.exec(
        select(Board, Cluster)
        .join(Cluster, col(Cluster.id) == Board.cluster_id)
        .where(col(Board.cluster_id).in_(list(cluster_ids) or [-1]), col(Board.is_active))
        .order_by(col(Cluster.name), col(Board.name))
    ).all()
    return [(b, c) for b, c in rows]


def summary(view: DayView) -> dict[str, Any]:
    return {"items": sum(len(w.entries) for w in view.windows), "seconds": sum(w.filled_seconds for w in view.windows)}
