"""Editing clusters, boards and broadcast windows; windows must give 3 h morning + 3 h afternoon (Điều 8.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from core.accounts import access
from core.airing import plans
from core.airing.models import Board, BroadcastWindow, Cluster
from core.errors import FieldInvalid, Invalid, NotFound
from core.org.models import Officer, Unit
from core.records import audit
from core.types import ClusterKind, Role

MINIMUM_MINUTES = 180  # each of morning and afternoon
NOON = time(12, 0)


@dataclass(frozen=True, slots=True)
class WindowIn:
    part: str
    start: time
    end: time


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _overlap_minutes(windows: list[WindowIn], lo: time, hi: time) -> int:
    """Minutes of the windows (merged, so overlaps count once) between lo and hi."""
    spans = sorted((max(w.start, lo), min(w.end, hi)) for w in windows if w.end > lo and w.start < hi)
    total, cursor = 0, None
    for start, end in spans:
        if cursor is not None and start < cursor:
            start = cursor
        if end > start:
            total += _minutes(start, end)
            cursor = end if cursor is None or end > cursor else cursor
    return total


def check_daily_minimum(windows: list[WindowIn]) -> None:
    """Refuse windows that give less than 3 h before noon or 3 h after, naming the shortfall."""
    for window in windows:
        if window.end <= window.start:
            raise Invalid("a window ends before it starts", field="windows")
    for part, lo, hi in (("morning", time(0), NOON), ("afternoon", NOON, time(23, 59, 59))):
        have = _overlap_minutes(windows, lo, hi)
        if have < MINIMUM_MINUTES:
            short = MINIMUM_MINUTES - have
            message = ("the morning windows give %(have)s; %(short)s short of 3 h (Điều 8.1)" if part == "morning"
                       else "the afternoon windows give %(have)s; %(short)s short of 3 h (Điều 8.1)")
            raise FieldInvalid(message, field="windows", have=_hm(have), short=_hm(short))


def _hm(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d} min"


def windows_of(session: Session, *, cluster_id: int, on: date) -> list[BroadcastWindow]:
    rows = session.exec(select(BroadcastWindow).where(BroadcastWindow.cluster_id == cluster_id)
                        .order_by(col(BroadcastWindow.start_local))).all()
    return [
        w for w in rows if (w.valid_from is None or w.valid_from <= on) and (w.valid_to is None or on <= w.valid_to)
    ]


def save_windows(session: Session, *, scope: access.Scope, cluster: Cluster, windows: list[WindowIn], on: date,
                 actor: audit.Actor) -> list[BroadcastWindow]:
    """Replace the cluster's windows from `on` (the old ones end the day before), after the 3 h + 3 h check."""
    if not access.may_operate_cluster(session, officer=scope.officer, cluster=cluster, on=on):
        raise NotFound("not found")
    check_daily_minimum(windows)
    before = [audit.snapshot(w) for w in windows_of(session, cluster_id=cluster.id, on=on)]  # type: ignore[arg-type]
    for old in session.exec(select(BroadcastWindow).where(BroadcastWindow.cluster_id == cluster.id)).all():
        if old.valid_from is not None and old.valid_from >= on:
            session.delete(old)
        elif old.valid_to is None or old.valid_to >= on:
            old.valid_to = date.fromordinal(on.toordinal() - 1)
            session.add(old)
    made = [BroadcastWindow(cluster_id=cluster.id, part=w.part, start_local=w.start, end_local=w.end, valid_from=on)  # type: ignore[arg-type]
            for w in windows]
    session.add_all(made)
    session.flush()
    audit.record(session, actor=actor, action="cluster.windows_changed", object_type="cluster", object_id=cluster.id,
                 before={"windows": before}, after={"windows": [audit.snapshot(w) for w in made]})
    plans.request_rebuild(session, reason="cluster.windows_changed")
    return made


CLUSTER_FIELDS = (
    "code",
    "name",
    "kind",
    "operator_unit_id",
    "commune_unit_id",
    "location",
    "ad_cap_percent",
    "is_active",
)


def _clean_cluster(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in values.items() if k in CLUSTER_FIELDS}
    if not (values.get("code") or "").strip():
        raise Invalid("the code is empty", field="code")
    if not (values.get("name") or "").strip():
        raise Invalid("the name is empty", field="name")
    if values.get("kind") not in {k.value for k in ClusterKind}:
        raise Invalid("choose border gate or public", field="kind")
    if session.get(Unit, values.get("operator_unit_id") or 0) is None:
        raise Invalid("choose the operator unit", field="operator_unit_id")
    cap = values.get("ad_cap_percent")
    if cap is None or not 0 <= float(cap) <= 100:
        raise Invalid("the advertising cap is a percentage between 0 and 100", field="ad_cap_percent")
    values["code"], values["name"] = values["code"].strip().upper(), values["name"].strip()
    return values


def save_cluster(session: Session, *, scope: access.Scope, cluster: Cluster | None, values: dict[str, Any], on: date,
                 actor: audit.Actor) -> Cluster:
    """Create (administrators) or edit (its operators) a cluster; the code stays unique."""
    values = _clean_cluster(session, values)
    if cluster is None and scope.role != Role.administrator.value:
        raise NotFound("not found")
    if cluster is not None and not access.may_operate_cluster(session, officer=scope.officer, cluster=cluster, on=on):
        raise NotFound("not found")
    if scope.role != Role.administrator.value and cluster is not None:
        values.update(kind=cluster.kind, operator_unit_id=cluster.operator_unit_id)  # only administrators move these
    clash = session.exec(select(Cluster).where(Cluster.code == values["code"])).first()
    if clash is not None and (cluster is None or clash.id != cluster.id):
        raise Invalid("this code is taken", field="code")
    before = audit.snapshot(cluster) if cluster else None
    cluster = cluster or Cluster(**values)
    for key, value in values.items():
        setattr(cluster, key, value)
    session.add(cluster)
    session.flush()
    audit.record(session, actor=actor, action="cluster.updated" if before else "cluster.created",
                 object_type="cluster", object_id=cluster.id, before=before, after=audit.snapshot(cluster))
    return cluster


def save_board(session: Session, *, scope: access.Scope, cluster: Cluster, board: Board | None, values: dict[str, Any],
               on: date, actor: audit.Actor) -> Board:
    """Add or edit a board of a cluster the officer operates."""
    if not access.may_operate_cluster(session, officer=scope.officer, cluster=cluster, on=on):
        raise NotFound("not found")
    code, name = (values.get("code") or "").strip().upper(), (values.get("name") or "").strip()
    if not code:
        raise Invalid("the code is empty", field="code")
    if not name:
        raise Invalid("the name is empty", field="name")
    clash = session.exec(select(Board).where(Board.code == code)).first()
    if clash is not None and (board is None or clash.id != board.id):
        raise Invalid("this code is taken", field="code")
    before = audit.snapshot(board) if board else None
    board = board or Board(code=code, name=name, cluster_id=cluster.id)  # type: ignore[arg-type]
    board.code, board.name = code, name
    board.location = (values.get("location") or "").strip() or None
    board.resolution = (values.get("resolution") or "").strip() or None
    board.is_active = bool(values.get("is_active", True))
    session.add(board)
    session.flush()
    audit.record(session, actor=actor, action="board.updated" if before else "board.created", object_type="board",
                 object_id=board.id, before=before, after=audit.snapshot(board))
    return board


def parse_time(text: str, *, field: str) -> time:
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        raise Invalid("give a time as HH:MM", field=field) from None


def visible_clusters(session: Session, *, officer: Officer, on: date) -> list[Cluster]:
    """The clusters `officer` may see on `on`, by kind then name."""
    ids = access.visible_cluster_ids(session, officer=officer, on=on)
    return list(session.exec(select(Cluster).where(col(Cluster.id).in_(ids))
                             .order_by(col(Cluster.kind), col(Cluster.name))).all())


def visible_boards(session: Session, *, officer: Officer, on: date) -> list[Board]:
    """The boards of the clusters `officer` may see on `on`, by code."""
    ids = access.visible_cluster_ids(session, officer=officer, on=on)
    return list(session.exec(select(Board).where(col(Board.cluster_id).in_(ids)).order_by(col(Board.code))).all())


def boards_of(session: Session, *, cluster_id: int) -> list[Board]:
    """The boards of one cluster, by code."""
    return list(session.exec(select(Board).where(Board.cluster_id == cluster_id).order_by(col(Board.code))).all())
