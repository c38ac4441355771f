"""The airing log measured against Điều 8.1 (3 h morning + 3 h afternoon), from real plays only."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

import i18n
from core.airing.models import Board, BroadcastWindow, Cluster, Play
from core.airing.planner import ADVERTISING
from core.airing.plans import local_bounds, windows_on
from core.records import exports
from core.review.models import ContentItem

MINIMUM_MINUTES = 180.0
MAX_DAYS = 93


@dataclass(frozen=True, slots=True)
class Figures:
    day: date
    cluster: Cluster
    board: Board | None  # None: the cluster's row (its weakest board)
    morning_min: float
    afternoon_min: float
    aired_min: float
    ad_share: float | None  # of all airtime that day
    emergency_min: float
    plays: int

    @property
    def compliant(self) -> bool:
        return self.morning_min >= MINIMUM_MINUTES and self.afternoon_min >= MINIMUM_MINUTES


Interval = tuple[int, int]  # epoch milliseconds


def _union_ms(intervals: list[Interval]) -> int:
    total, end = 0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def _clip(intervals: list[Interval], a: int, b: int) -> list[Interval]:
    return [(max(x, a), min(y, b)) for x, y in intervals if y > a and x < b]


def _board_day(plays: list[tuple[Interval, bool, bool]], windows: list[Any], day: date, cluster: Cluster,
               board: Board | None) -> Figures:
    all_iv = [iv for iv, _, _ in plays]
    parts: dict[str, list[Interval]] = defaultdict(list)
    for w in windows:
        parts[w.part].extend(_clip(all_iv, w.start_ms, w.end_ms))
    aired = _union_ms(all_iv)
    ads = _union_ms([iv for iv, is_ad, _ in plays if is_ad])
    return Figures(day=day, cluster=cluster, board=board, morning_min=_union_ms(parts["morning"]) / 60000,
                   afternoon_min=_union_ms(parts["afternoon"]) / 60000, aired_min=aired / 60000,
                   ad_share=(ads / aired) if aired else None,
                   emergency_min=_union_ms([iv for iv, _, em in plays if em]) / 60000, plays=len(plays))


def figures(session: Session, *, cluster_ids: set[int], day_from: date, day_to: date, settings: Any) -> list[Figures]:
    """Per cluster per day: a row for the cluster (its weakest board) followed by one per board."""
    if day_to < day_from or (day_to - day_from).days >= MAX_DAYS:
        raise ValueError("choose at most 93 days, the first not after the last")
    tz = settings.tz
    clusters = session.exec(
        select(Cluster).where(col(Cluster.id).in_(sorted(cluster_ids))).order_by(col(Cluster.code))
    ).all()
    boards = session.exec(
        select(Board).where(col(Board.cluster_id).in_(sorted(cluster_ids))).order_by(col(Board.code))
    ).all()
    windows: defaultdict[int | None, list[BroadcastWindow]] = defaultdict(list)
    for w in session.exec(
        select(BroadcastWindow).where(col(BroadcastWindow.cluster_id).in_(sorted(cluster_ids)))
    ).all():
        windows[w.cluster_id].append(w)
    start, _ = local_bounds(day_from, tz)
    _, end = local_bounds(day_to, tz)
    by_board_day: dict[tuple[int, date], list[tuple[Interval, bool, bool]]] = defaultdict(list)
    if boards:
        rows = session.execute(
            sa_select(col(Play.board_id), col(Play.started_at), col(Play.ended_at), col(Play.emergency_id),
                      col(ContentItem.category))
            .join(ContentItem, col(Play.content_item_id) == col(ContentItem.id), isouter=True)
            .where(
                col(Play.board_id).in_([b.id for b in boards]), col(Play.ended_at) > start, col(Play.started_at) < end
            )
        ).tuples().all()
        for board_id, started, ended, emergency_id, category in rows:
            a, b = int(started.timestamp() * 1000), int(ended.timestamp() * 1000)
            # A play across local midnight counts on each day for its own part.
            for day in {started.astimezone(tz).date(), ended.astimezone(tz).date()}:
                lo, hi = (int(x.timestamp() * 1000) for x in local_bounds(day, tz))
                if max(a, lo) < min(b, hi):
                    by_board_day[(board_id, day)].append(((max(a, lo), min(b, hi)), category == ADVERTISING,
                                                          emergency_id is not None))
    out: list[Figures] = []
    day = day_from
    while day <= day_to:
        for cluster in clusters:
            day_windows = windows_on(windows[cluster.id], day, tz)
            members = [b for b in boards if b.cluster_id == cluster.id]
            rows_b = [_board_day(by_board_day.get((b.id or 0, day), []), day_windows, day, cluster, b) for b in members]
            counted = [r for r in rows_b if r.plays or (r.board and r.board.token_hash)]
            if counted:
                aired = sum(r.aired_min for r in counted)
                ad_min = sum((r.ad_share or 0) * r.aired_min for r in counted)
                summary = Figures(
                    day=day,
                    cluster=cluster,
                    board=None,
                    morning_min=min(r.morning_min for r in counted),
                    afternoon_min=min(r.afternoon_min for r in counted),
                    aired_min=aired,
                    ad_share=(ad_min / aired) if aired else None,
                    emergency_min=max(r.emergency_min for r in counted),
                    plays=sum(r.plays for r in counted),
                )
            else:
                summary = _board_day([], day_windows, day, cluster, None)
            out.append(summary)
            out.extend(rows_b)
        day += timedelta(days=1)
    return out


CSV_COLUMNS = ("Day", "Cluster", "Board", "Morning minutes", "Afternoon minutes", "3 h + 3 h met", "Minutes aired",
               "Advertising %", "Emergency minutes", "Plays")


def to_csv(rows: list[Figures], language: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The figures as CSV (UTF-8 with BOM so spreadsheet programs keep the diacritics), headers and words in
    `language`; numbers keep a decimal point so a spreadsheet reads them as numbers."""
    buffer = io.StringIO()
    writer = exports.writer(buffer)
    writer.writerow(i18n.csv_header(language, *CSV_COLUMNS))
    yes, no, every_board = (i18n.csv_word(language, word) for word in ("yes", "no", "all boards"))
    for r in rows:
        writer.writerow([i18n.format_date(r.day, language), r.cluster.code, r.board.code if r.board else every_board,
                         f"{r.morning_min:.1f}", f"{r.afternoon_min:.1f}", yes if r.compliant else no,
                         f"{r.aired_min:.1f}", "" if r.ad_share is None else f"{r.ad_share * 100:.1f}",
                         f"{r.emergency_min:.1f}", r.plays])
    return "\ufeff" + buffer.getvalue()


def parse_range(day: str | None, to: str | None, *, today: date) -> tuple[date, date]:
    """`day` (default yesterday's … today) and optional `to`, from query strings."""
    first = date.fromisoformat(day) if day else today
    last = date.fromisoformat(to) if to else first
    return first, last

