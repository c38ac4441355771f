"""Board health: a board silent for 15 minutes opens an incident (Điều 9.3, 12.2); its return closes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.airing.models import Board, Cluster, Heartbeat, Incident
from core.airing.notices import notify_once, operators_of
from core.records import audit
from core.review.models import ContentItem
from core.types import IncidentStatus

# The default of BANGTIN_BOARD_OFFLINE_MINUTES, for callers without settings.
OFFLINE_AFTER = timedelta(minutes=15)
OPEN_STATES = (IncidentStatus.open.value, IncidentStatus.acknowledged.value, IncidentStatus.escalated.value)
OFFLINE = "board_offline"


def _open_incidents(session: Session, board_ids: list[int]) -> dict[int, Incident]:
    if not board_ids:
        return {}
    rows = session.exec(select(Incident).where(Incident.kind == OFFLINE, col(Incident.status).in_(OPEN_STATES),
                                               col(Incident.board_id).in_(board_ids))).all()
    return {i.board_id: i for i in rows if i.board_id is not None}


def sweep(session: Session, *, now: datetime, offline_after: timedelta = OFFLINE_AFTER) -> dict[str, int]:
    """Open an incident for every paired board silent too long (once), and tell its operators."""
    boards = session.exec(select(Board, Cluster).join(Cluster).where(
        col(Board.is_active), col(Board.token_hash).is_not(None), col(Board.status) != "retired")).all()
    open_now = _open_incidents(session, [b.id for b, _ in boards if b.id])
    opened = notified = 0
    for board, cluster in boards:
        seen = board.last_seen_at or board.token_issued_at
        if seen is None or now - seen <= offline_after or board.id in open_now:
            continue
        incident = Incident(kind=OFFLINE, status=IncidentStatus.open.value, board_id=board.id, cluster_id=cluster.id,
                            title=f"{board.code}: no signal since {seen.isoformat()}", opened_at=now)
        board.status = "offline"
        session.add_all([incident, board])
        session.flush()
        audit.record(session, actor=audit.SYSTEM, action="incident.opened", object_type="incident",
                     object_id=incident.id, after={"board": board.code, "last_seen_at": seen})
        opened += 1
        for officer in operators_of(session, cluster=cluster):
            notified += notify_once(session, event="board.offline", object_key=str(incident.id), officer=officer,
                                    object_type="incident", object_id=incident.id, payload={
                                        "board": board.code, "board_name": board.name, "cluster": cluster.code,
                                        "last_seen_at": seen.isoformat()})
    return {"boards": len(boards), "opened": opened, "notified": notified}


def board_returned(session: Session, *, board: Board, now: datetime) -> None:
    """Close the board's open offline incident, if any."""
    incident = _open_incidents(session, [board.id or 0]).get(board.id or 0)
    if incident is None:
        return
    incident.status, incident.closed_at = IncidentStatus.resolved.value, now
    session.add(incident)
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="incident.closed", object_type="incident", object_id=incident.id,
                 after={"board": board.code, "closed_at": now})
    cluster = session.get(Cluster, board.cluster_id)
    if cluster is not None:  # its operators heard that it went silent; they hear that it is back
        for officer in operators_of(session, cluster=cluster):
            notify_once(session, event="board.online", object_key=str(incident.id), officer=officer,
                        object_type="incident", object_id=incident.id,
                        payload={"board": board.code, "board_name": board.name, "cluster": cluster.code,
                                 "at": now.isoformat()})


@dataclass(frozen=True, slots=True)
class BoardHealth:
    board: Board
    cluster: Cluster
    state: str  # unpaired | online | offline | retired
    heartbeat: Heartbeat | None
    playing: str | None
    incident: Incident | None


def board_rows(session: Session, *, cluster_ids: set[int], now: datetime,
               offline_after: timedelta = OFFLINE_AFTER) -> list[BoardHealth]:
    """Each board of these clusters: state, last seen, what it plays, cache readiness, clock skew."""
    boards = session.exec(select(Board, Cluster).join(Cluster).where(col(Cluster.id).in_(sorted(cluster_ids)))
                          .order_by(col(Cluster.code), col(Board.code))).all()
    ids = [b.id for b, _ in boards if b.id]
    latest_ids = session.exec(select(func.max(Heartbeat.id)).where(col(Heartbeat.board_id).in_(ids))
                              .group_by(col(Heartbeat.board_id))).all() if ids else []
    beats = (
        {h.board_id: h for h in session.exec(select(Heartbeat).where(col(Heartbeat.id).in_(latest_ids))).all()}
        if latest_ids
        else {}
    )
    titles = {i.id: i.title for i in session.exec(select(ContentItem).where(col(ContentItem.id).in_(
        [h.playing_item_id for h in beats.values() if h.playing_item_id]))).all()} if beats else {}
    incidents = _open_incidents(session, ids)
    rows = []
    for board, cluster in boards:
        if board.status == "retired" or not board.is_active:
            state = "retired"
        elif board.token_hash is None:
            state = "unpaired"
        elif board.last_seen_at and now - board.last_seen_at <= offline_after:
            state = "online"
        else:
            state = "offline"
        beat = beats.get(board.id or 0)
        rows.append(BoardHealth(board, cluster, state, beat, titles.get(beat.playing_item_id) if beat else None,
                                incidents.get(board.id or 0)))
    return rows
