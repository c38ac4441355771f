"""The figures of a report (Điều 14, the annex outline), computed from the records, never typed.

`period_data.load` reads what a period needs (the plays are streamed, board by board, in start order) and
`compute` is a pure function of that data: the same rows give the same figures, whatever the
database. The result is plain JSON-able data, frozen into the report when it is finalised.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.airing.models import (
    Maintenance,
)
from core.airing.plans import windows_on
from core.reports.period_data import ReportData, load

ADVERTISING = "5"
MINIMUM_MS = 3 * 3600 * 1000  # Điều 8.1: 3 h in the morning and 3 h in the afternoon
KINDS = ("annual", "quarterly", "adhoc")


# -- periods (Decree 09/2019 cut-offs: periods run from the 15th to the 14th) ------------------------
def annual_period(year: int, *, cutoff_day: int = 15) -> tuple[date, date]:
    """The data year of `year`: 15 December of the year before to 14 December."""
    return date(year - 1, 12, cutoff_day), date(year, 12, cutoff_day) - timedelta(days=1)


def quarter_period(year: int, quarter: int, *, cutoff_day: int = 15) -> tuple[date, date]:
    """Quarter 1 of `year`: 15 December of the year before to 14 March; quarter 4 ends on 14 December."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1 to 4")
    end_month = quarter * 3
    start = date(year - 1, 12, cutoff_day) if quarter == 1 else date(year, end_month - 3, cutoff_day)
    return start, date(year, end_month, cutoff_day) - timedelta(days=1)


# -- the figures ------------------------------------------------------------------------------------
def _hours(ms: float) -> float:
    return round(ms / 3_600_000, 2)


def compute(data: ReportData) -> dict[str, Any]:
    """The report's figures from the data alone (pure): sections II.3–II.5 and the annex tables."""
    board_cluster = {b.id: b.cluster_id for b in data.boards}
    offset_cache: dict[int, int] = {}
    windows_cache: dict[tuple[int, date], list[tuple[str, int, int]]] = {}

    def day_windows(cluster_id: int, day: date) -> list[tuple[str, int, int]]:
        key = (cluster_id, day)
        if key not in windows_cache:
            windows_cache[key] = [
                (w.part, w.start_ms, w.end_ms) for w in windows_on(data.windows.get(cluster_id, []), day, data.tz)
            ]
        return windows_cache[key]

    def local_day(ms: int) -> date:
        hour = ms // 3_600_000
        if hour not in offset_cache:
            moment = datetime.fromtimestamp(hour * 3600, UTC)
            offset = data.tz.utcoffset(moment.replace(tzinfo=None))
            assert offset is not None  # a ZoneInfo always knows its offset (tzinfo's signature allows None)
            offset_cache[hour] = int(offset.total_seconds() * 1000)
        return datetime.fromtimestamp((ms + offset_cache[hour]) / 1000, UTC).date()

    # One pass over the plays, doing as little as possible per play: airtime counted once per board where
    # plays overlap, clipped to the windows of its local day, gathered per (board, day, item, emergency).
    agg: dict[tuple[int, date, int | None, bool], list[int]] = {}
    current_board: int | None = None
    cursor, cluster_id = 0, 0
    hour_key: int | None = None
    day = data.period_start  # a placeholder: the first play sets it (hour_key is None then)
    parts: list[tuple[str, int, int]] = []
    for board_id, start_ms, end_ms, item_id, emergency in data.plays:
        if board_id != current_board:
            current_board, cursor, cluster_id, hour_key = board_id, 0, board_cluster[board_id], None
        hour = start_ms // 3_600_000
        if hour != hour_key:
            hour_key, day = hour, local_day(start_ms)
            parts = day_windows(cluster_id, day)
        row = agg.get((board_id, day, item_id, emergency))
        if row is None:
            row = agg[(board_id, day, item_id, emergency)] = [0, 0, 0, 0]
        row[0] += 1
        lo = max(cursor, start_ms)
        if end_ms <= lo:
            continue  # wholly inside airtime already counted on this board
        cursor = end_ms
        row[1] += end_ms - lo
        for part, ws, we in parts:
            overlap = (min(we, end_ms)) - (max(ws, lo))
            if overlap > 0:
                if part == "morning":
                    row[2] += overlap
                elif part == "afternoon":
                    row[3] += overlap

    aired = Counter[int]()  # board → ms (union)
    in_part: dict[tuple[int, date, str], int] = defaultdict(int)  # (board, day, part) → ms
    category_ms = Counter[str]()
    category_items: dict[str, set[int]] = defaultdict(set)
    language_items: dict[str, set[int]] = defaultdict(set)
    source_items: dict[int, set[int]] = defaultdict(set)
    source_plays = Counter[int]()
    ad_ms = emergency_ms = editor_ms = 0
    plays = emergency_plays = editor_plays = 0
    aired_items: set[int] = set()
    editor_items: set[int] = set()
    gathered = [(k[0], k[1], k[2], k[3], v[0], v[1], v[2], v[3]) for k, v in agg.items()]
    for board_id, day, item_id, emergency, n, span, morning, afternoon in gathered + list(data.summaries):
        # Days whose plays retention removed count through their summaries, made the same way.
        plays += n
        aired[board_id] += span
        if morning:
            in_part[(board_id, day, "morning")] += morning
        if afternoon:
            in_part[(board_id, day, "afternoon")] += afternoon
        if not morning and not afternoon:
            in_part.setdefault((board_id, day, "morning"), 0)
        if emergency:
            emergency_ms += span
            emergency_plays += n
        if item_id is None:
            continue
        info = data.items.get(item_id)
        if info is None:
            continue
        aired_items.add(item_id)
        category_ms[info.category] += span
        category_items[info.category].add(item_id)
        for language in info.languages:
            language_items[language].add(item_id)
        source_items[info.unit_id].add(item_id)
        source_plays[info.unit_id] += n
        if info.category == ADVERTISING:
            ad_ms += span
        if info.from_editor:
            editor_ms += span
            editor_plays += n
            editor_items.add(item_id)

    board_days: dict[int, dict[date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for (board_id, day, part), ms in in_part.items():
        board_days[board_id][day][part] = ms
    upkeep: dict[int, list[Maintenance]] = defaultdict(list)
    for m in data.maintenance:
        upkeep[m.board_id].append(m)
    boards_out: list[dict[str, Any]] = []
    for b in data.boards:
        days = board_days.get(b.id, {})  # type: ignore[arg-type]
        upkept = upkeep.get(b.id, [])  # type: ignore[arg-type]
        compliant = sum(
            1
            for parts in days.values()
            if parts.get("morning", 0) >= MINIMUM_MS and parts.get("afternoon", 0) >= MINIMUM_MS
        )
        boards_out.append(
            {
                "code": b.code,
                "name": b.name,
                "cluster_id": b.cluster_id,
                "location": b.location,
                "installed_on": b.installed_on.isoformat() if b.installed_on else None,
                "resolution": b.resolution,
                "status": b.status if b.is_active else "retired",
                "yearly_cost_vnd": b.yearly_cost_vnd,
                "hours_aired": _hours(aired.get(b.id, 0)),  # type: ignore[arg-type]
                "hours_morning": _hours(sum(p.get("morning", 0) for p in days.values())),
                "hours_afternoon": _hours(sum(p.get("afternoon", 0) for p in days.values())),
                "days_aired": len(days),
                "days_compliant": compliant,
                "hardware": b.hardware,
                "maintenance": len(upkept),
                "maintenance_cost_vnd": sum(m.cost_vnd or 0 for m in upkept),
            }
        )
    clusters_out = []
    for c in data.clusters:
        mine = [b for b in boards_out if b["cluster_id"] == c.id]
        days_aired = sum(b["days_aired"] for b in mine)
        clusters_out.append(
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "boards": len(mine),
                "operator": data.unit_names.get(c.operator_unit_id, ""),
                "hours_aired": round(sum(b["hours_aired"] for b in mine), 2),
                "hours_morning": round(sum(b["hours_morning"] for b in mine), 2),
                "hours_afternoon": round(sum(b["hours_afternoon"] for b in mine), 2),
                "board_days_aired": days_aired,
                "board_days_compliant": sum(b["days_compliant"] for b in mine),
                "compliance_percent": round(100 * sum(b["days_compliant"] for b in mine) / days_aired, 1)
                if days_aired
                else None,
                "yearly_cost_vnd": sum(b["yearly_cost_vnd"] or 0 for b in mine),
            }
        )
    total_ms = sum(aired.values())
    states = Counter(b["status"] for b in boards_out)
    resolve_seconds = [(i.closed_at - i.opened_at).total_seconds() for i in data.incidents if i.closed_at is not None]
    board_days_aired = sum(b["days_aired"] for b in boards_out)
    board_days_compliant = sum(b["days_compliant"] for b in boards_out)
    return {
        "period_start": data.period_start.isoformat(),
        "period_end": data.period_end.isoformat(),
        "unit": data.unit.name if data.unit else None,
        "clusters": clusters_out,
        "boards": boards_out,
        "board_states": dict(sorted(states.items())),
        "boards_total": len(boards_out),
        "clusters_total": len(clusters_out),
        "clusters_border_gate": sum(1 for c in data.clusters if c.kind == "border_gate"),
        "plays": plays,
        "hours_aired": _hours(total_ms),
        "board_days_aired": board_days_aired,
        "board_days_compliant": board_days_compliant,
        "compliance_percent": round(100 * board_days_compliant / board_days_aired, 1) if board_days_aired else None,
        "items_aired": len(aired_items),
        "items_by_category": {
            k: {"items": len(category_items[k]), "hours": _hours(category_ms[k])} for k in sorted(category_items)
        },
        "items_by_language": {k: len(v) for k, v in sorted(language_items.items())},
        "items_by_source": [
            {"unit": data.unit_names.get(u, str(u)), "items": len(v), "plays": source_plays[u]}
            for u, v in sorted(source_items.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
        "editor_supplied": {"items": len(editor_items), "plays": editor_plays, "hours": _hours(editor_ms)},
        "submissions_received": data.submissions_received,
        "items_approved": data.items_approved,
        "emergencies": data.emergencies,
        "emergency_plays": emergency_plays,
        "emergency_hours": _hours(emergency_ms),
        "advertising_hours": _hours(ad_ms),
        "advertising_percent": round(100 * ad_ms / total_ms, 2) if total_ms else None,
        "incidents": {
            "total": len(data.incidents),
            "by_kind": dict(sorted(Counter(i.kind for i in data.incidents).items())),
            "by_status": dict(sorted(Counter(i.status for i in data.incidents).items())),
            "resolved": len(resolve_seconds),
            "mean_hours_to_resolve": round(sum(resolve_seconds) / 3600 / len(resolve_seconds), 1)
            if resolve_seconds
            else None,
        },
        "staff": dict(sorted(data.staff.items())),
        "yearly_cost_vnd": sum(b["yearly_cost_vnd"] or 0 for b in boards_out),
        "boards_without_cost": sum(1 for b in boards_out if b["yearly_cost_vnd"] is None),
        "maintenance": len(data.maintenance),
        "maintenance_cost_vnd": sum(m.cost_vnd or 0 for m in data.maintenance),
    }


def report_figures(
    session: Session, *, unit_id: int | None, period_start: date, period_end: date, tz: ZoneInfo
) -> dict[str, Any]:
    """`load` then `compute`."""
    if period_end < period_start:
        raise ValueError("the period ends before it starts")
    return compute(load(session, unit_id=unit_id, period_start=period_start, period_end=period_end, tz=tz))
