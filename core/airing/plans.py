"""Daily plans per board: load windows and approved items, run the planner, store a new version if it changed."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.airing import push
from core.airing.models import Board, BroadcastWindow, Cluster, Plan
from core.airing.planner import Candidate, Rules, Window, plan_day
from core.db import queue_of
from core.intake.models import MediaAsset, SubtitleTrack
from core.review.models import ContentItem, ContentTarget
from core.types import ClusterKind

HORIZON_DAYS = 3  # today and the next 48 hours, what the manifest carries
PLAYABLE_KINDS = frozenset({"video", "image", "text", "audio"})


def display_seconds(settings: Any) -> tuple[float, float]:
    """(image, text notice) seconds on screen (BANGTIN_AIRING_IMAGE_SECONDS / _TEXT_SECONDS)."""
    return float(settings.airing_image_seconds), float(settings.airing_text_seconds)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def local_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a local day."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def windows_on(windows: Iterable[BroadcastWindow], day: date, tz: ZoneInfo) -> list[Window]:
    """The cluster's windows that apply on `day` (weekday, validity), in UTC milliseconds."""
    out = []
    for w in windows:
        if str(day.isoweekday()) not in w.weekdays:
            continue
        if (w.valid_from and day < w.valid_from) or (w.valid_to and day > w.valid_to):
            continue
        start = datetime.combine(day, w.start_local, tzinfo=tz)
        end_day = day if w.end_local > w.start_local else day + timedelta(days=1)
        end = datetime.combine(end_day, w.end_local, tzinfo=tz)
        out.append(Window(part=w.part, start_ms=_ms(start), end_ms=_ms(end)))
    return out


@dataclass(slots=True)
class _Catalog:
    """Playable items of the period, indexed by where they may air."""

    by_id: dict[int, Candidate]
    for_all: list[int]
    by_kind: dict[str, list[int]]
    by_cluster: dict[int, list[int]]
    by_board: dict[int, list[int]]
    digest: dict[int, str]  # what the player shows of each item: an edit changes the plan's checksum

    def for_board(self, board: Board, cluster: Cluster) -> list[Candidate]:
        ids = {*self.for_all, *self.by_kind.get(cluster.kind, []), *self.by_cluster.get(cluster.id or 0, []),
               *self.by_board.get(board.id or 0, [])}
        return [self.by_id[i] for i in sorted(ids)]


def _load_catalog(session: Session, *, start: datetime, end: datetime, settings: Any) -> _Catalog:
    image_s, text_s = display_seconds(settings)
    rows = session.exec(
        select(ContentItem, MediaAsset)
        .join(MediaAsset, col(ContentItem.media_asset_id) == col(MediaAsset.id), isouter=True)
        .where(col(ContentItem.is_active), col(ContentItem.valid_from) < end, col(ContentItem.valid_to) > start)
    ).all()
    by_id: dict[int, Candidate] = {}
    digest: dict[int, str] = {}
    subtitles: dict[int, list[str]] = defaultdict(list)
    submission_ids = sorted({item.submission_id for item, _ in rows if item.submission_id})
    if submission_ids:
        for sub_id, language, vtt in session.exec(
            select(SubtitleTrack.submission_id, SubtitleTrack.language, SubtitleTrack.vtt)
            .where(col(SubtitleTrack.submission_id).in_(submission_ids))
        ).all():
            subtitles[sub_id].append(language + hashlib.sha256(vtt.encode()).hexdigest()[:16])
    for item, asset in rows:
        seconds: float | None
        if item.kind not in PLAYABLE_KINDS or item.id is None:
            continue
        if item.kind == "text":
            seconds = text_s if (item.body or "").strip() else None
        elif asset is None:
            seconds = None
        elif item.kind == "image":
            seconds = image_s
        else:
            seconds = item.duration_s or asset.duration_s
        if not seconds or seconds <= 0:
            continue  # nothing to show, or a length we do not know: it cannot be planned
        by_id[item.id] = Candidate(
            id=item.id, category=item.category, priority=item.priority, duration_ms=int(round(seconds * 1000)),
            valid_from_ms=_ms(item.valid_from), valid_to_ms=_ms(item.valid_to), languages=tuple(item.languages or ()),
        )
        shown = [item.title, item.body, item.kind, asset.sha256 if asset else None,
                 sorted(subtitles.get(item.submission_id or 0, []))]
        digest[item.id] = hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:16]
    catalog = _Catalog(by_id, [], defaultdict(list), defaultdict(list), defaultdict(list), digest)
    if by_id:
        for t in session.exec(select(ContentTarget).where(col(ContentTarget.content_item_id).in_(list(by_id)))).all():
            if t.target_kind == "all":
                catalog.for_all.append(t.content_item_id)
            elif t.target_kind == "cluster_kind" and t.cluster_kind:
                catalog.by_kind[t.cluster_kind].append(t.content_item_id)
            elif t.target_kind == "cluster" and t.cluster_id:
                catalog.by_cluster[t.cluster_id].append(t.content_item_id)
            elif t.target_kind == "board" and t.board_id:
                catalog.by_board[t.board_id].append(t.content_item_id)
    return catalog


def _latest_checksums(
    session: Session, *, board_ids: list[int], days: list[date]
) -> dict[tuple[int, date], tuple[int, str]]:
    latest: dict[tuple[int, date], tuple[int, str]] = {}
    rows = session.exec(
        select(col(Plan.board_id), col(Plan.day), col(Plan.version), col(Plan.checksum))
        .where(col(Plan.day).in_(days), col(Plan.board_id).in_(board_ids))
    ).all()
    for board_id, day, version, checksum in rows:
        key = (board_id, day)
        if key not in latest or version > latest[key][0]:
            latest[key] = (version, checksum)
    return latest


def build_plans(
    session: Session, *, days: list[date], settings: Any, board_ids: Iterable[int] | None = None
) -> dict[str, Any]:
    """Build the plans of the given days for every active board (or `board_ids`); store only changes."""
    tz = settings.tz
    query = select(Board, Cluster).join(Cluster).where(col(Board.is_active), col(Cluster.is_active),
                                                       col(Board.status) != "retired")
    if board_ids is not None:
        query = query.where(col(Board.id).in_(list(board_ids)))
    boards = session.exec(query.order_by(col(Board.id))).all()
    report: dict[str, Any] = {"days": [d.isoformat() for d in days], "boards": len(boards), "built": 0,
                              "unchanged": 0, "flagged": {}}
    if not boards or not days:
        return report
    start, _ = local_bounds(min(days), tz)
    _, end = local_bounds(max(days), tz)
    catalog = _load_catalog(session, start=start, end=end, settings=settings)
    cluster_ids = sorted({c.id for _, c in boards if c.id is not None})
    windows_of: dict[int, list[BroadcastWindow]] = defaultdict(list)
    for w in session.exec(select(BroadcastWindow).where(col(BroadcastWindow.cluster_id).in_(cluster_ids))).all():
        windows_of[w.cluster_id].append(w)
    latest = _latest_checksums(session, board_ids=[b.id for b, _ in boards if b.id], days=days)
    for board, cluster in boards:
        assert board.id is not None
        candidates = catalog.for_board(board, cluster)
        for day in days:
            plan = plan_day(
                windows=windows_on(windows_of[cluster.id or 0], day, tz), candidates=candidates,
                border_gate=cluster.kind == ClusterKind.border_gate.value, ad_cap_percent=cluster.ad_cap_percent,
                seed=board.id * 7919 + day.toordinal(), rules=Rules(),
            )
            checksum = hashlib.sha256(
                (plan.checksum + ",".join(catalog.digest[i] for i in plan.item_ids)).encode()).hexdigest()
            if plan.flags:
                report["flagged"].setdefault(board.code, {})[day.isoformat()] = plan.flags
            previous = latest.get((board.id, day))
            if previous and previous[1] == checksum:
                report["unchanged"] += 1
                continue
            session.add(Plan(board_id=board.id, day=day, version=(previous[0] + 1) if previous else 1,
                             entries=plan.windows, checksum=checksum, flags=plan.flags))
            report["built"] += 1
    session.flush()
    if report["built"]:
        push.bump(session)
    return report


def build_all_plans(session: Session, *, day: date, settings: Any) -> dict[str, Any]:
    """`bangtin plans build --day DAY`: every board's plans for DAY and the two days after it."""
    return build_plans(session, days=[day + timedelta(days=n) for n in range(HORIZON_DAYS)], settings=settings)


def request_rebuild(session: Session, *, reason: str) -> None:
    """Ask a worker to rebuild the plans once this unit of work commits (content or windows changed)."""
    if session.info.get("plans_rebuild_requested"):
        return  # one rebuild per unit of work is enough
    session.info["plans_rebuild_requested"] = True
    queue_of(session).defer(session, "airing.rebuild_plans", reason=reason)
