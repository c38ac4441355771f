"""An operator's boards at a glance (their home page): state, what each last played, today's plan,
and the open incidents (issue 15)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.accounts import access
from core.airing.models import Board, Cluster, Incident, Plan, Play
from core.review.models import ContentItem


@dataclass(slots=True)
class BoardNow:
    board: Board
    cluster: Cluster
    playing: str | None  # title of the item the board last reported playing
    planned_today: int  # entries in today's plan
    flags: list[str] = field(default_factory=list)


def operated_boards(session: Session, *, scope: access.Scope, today: date, limit: int = 60) -> list[BoardNow]:
    """The boards of the clusters the officer's unit operates (all of them for province-wide roles)."""
    query = (select(Board, Cluster).join(Cluster, col(Cluster.id) == Board.cluster_id)
             .where(col(Board.is_active).is_(True)))
    if not scope.reads_all and scope.role != "administrator":
        query = query.where(col(Cluster.id).in_(list(scope.operated_ids) or [-1]))
    pairs = session.exec(query.order_by(col(Cluster.name), col(Board.name)).limit(limit)).all()
    ids = [b.id for b, _c in pairs] or [-1]
    plans: dict[int, Plan] = {}
    for plan in session.exec(select(Plan).where(col(Plan.board_id).in_(ids), Plan.day == today)).all():
        if plan.board_id not in plans or plan.version > plans[plan.board_id].version:
            plans[plan.board_id] = plan
    # What each board last said it played (a play report is proof; a heartbeat only a claim).
    last_play = dict(session.exec(select(Play.board_id, func.max(Play.id)).where(col(Play.board_id).in_(ids))
                                  .group_by(col(Play.board_id))).all())
    titles: dict[int, str] = {}
    if last_play:
        titles = dict(session.exec(select(Play.board_id, ContentItem.title)
                                   .join(ContentItem, col(ContentItem.id) == Play.content_item_id)
                                   .where(col(Play.id).in_(list(last_play.values())))).all())
    result = []
    for board, cluster in pairs:
        plan = plans.get(board.id)  # type: ignore[arg-type,assignment]  # a board read back has an id
        planned = sum(len(w.get("slots", [])) for w in plan.entries) if plan else 0
        result.append(BoardNow(board=board, cluster=cluster, playing=titles.get(board.id),  # type: ignore[arg-type]
                               planned_today=planned, flags=list(plan.flags) if plan else []))
    return result


def open_incidents(
    session: Session, *, board_ids: list[int], everything: bool = False, limit: int = 10
) -> list[Incident]:
    """Incidents not yet resolved, of these boards (or all of them)."""
    query = (
        select(Incident).where(col(Incident.status) != "resolved").order_by(col(Incident.opened_at).desc()).limit(limit)
    )
    if not everything:
        query = query.where(col(Incident.board_id).in_(board_ids or [-1]))
    return list(session.exec(query).all())
