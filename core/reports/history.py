"""An item's aired history for its page: where it aired, how often, first and last time (from the plays)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Row, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from core.airing.models import Board, Cluster, Play


@dataclass(frozen=True, slots=True)
class AiredHistory:
    cluster: str
    board: str
    plays: int
    first: datetime
    last: datetime


def aired_history(session: Session, *, item_id: int) -> list[AiredHistory]:
    """Where an item aired, how often, first and last time (the item page)."""
    found = session.execute(
        sa_select(
            col(Cluster.name), col(Board.name), func.count(), func.min(Play.started_at), func.max(Play.started_at)
        )
        .join(Board, col(Board.id) == col(Play.board_id))
        .join(Cluster, col(Cluster.id) == col(Board.cluster_id))
        .where(col(Play.content_item_id) == item_id)
        .group_by(Cluster.name, Board.name)
        .order_by(Cluster.name, Board.name)
    ).all()
    # Session.execute (sqlmodel's) drops the select's column types: the cast restores them.
    rows = cast("Sequence[Row[str, str, int, datetime, datetime]]", found)
    out = []
    for cluster, board, count, first, last in rows:
        first = first if first.tzinfo else first.replace(tzinfo=UTC)
        last = last if last.tzinfo else last.replace(tzinfo=UTC)
        out.append(AiredHistory(cluster=cluster, board=board, plays=count, first=first, last=last))
    return out
