"""The department's monthly supply to the border-gate clusters (Điều 10.1.a), counted for `supply` rules.

The provincial editor unit "orders, produces and supplies" products to the operators of the border-gate
clusters once a month. In the system it supplies an item by approving it for border-gate clusters (its own
production, or a contributor's product it selected), so a `supply` obligation counts the content items that
officers of the obligated unit approved in the period and that reach a border-gate cluster: aimed at one
(directly, through one of its boards, by the cluster kind) or at every board. An item withdrawn since
(`is_active` false: rejected after approval) no longer counts, as a rejected video no longer fulfils a
quarterly submission.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core.airing.models import Board, Cluster
from core.notify.models import DeadlineRule
from core.org.models import Officer
from core.review.models import ContentItem, ContentTarget
from core.types import ClusterKind, TargetKind

NOTE = "fulfilled by items approved for border-gate clusters in the period"


def supplied_count(session: Session, *, rule: DeadlineRule, unit_id: int, start: date, end: date, tz: ZoneInfo) -> int:
    """Items the unit's officers approved between `start` and `end` (local days) for border-gate clusters."""
    since = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    border_clusters = select(Cluster.id).where(Cluster.kind == ClusterKind.border_gate.value)
    border_boards = select(Board.id).where(col(Board.cluster_id).in_(border_clusters))
    kind = col(ContentTarget.target_kind)
    reaching = select(ContentTarget.content_item_id).where(or_(  # a target that reaches a border-gate cluster
        kind == TargetKind.all.value,
        (kind == "cluster") & col(ContentTarget.cluster_id).in_(border_clusters),
        (kind == "board") & col(ContentTarget.board_id).in_(border_boards),
        (kind == "cluster_kind") & (col(ContentTarget.cluster_kind) == ClusterKind.border_gate.value),
    ))
    query = (
        select(func.count(func.distinct(ContentItem.id)))
        .select_from(ContentItem)
        .join(Officer, col(Officer.id) == col(ContentItem.approved_by_id))
        .where(
            Officer.unit_id == unit_id,
            col(ContentItem.is_active),
            col(ContentItem.approved_at) >= since,
            col(ContentItem.approved_at) < until,
            col(ContentItem.id).in_(reaching),
        )
    )
    if rule.fulfil_categories:
        query = query.where(col(ContentItem.category).in_(rule.fulfil_categories))
    if rule.fulfil_kinds:
        query = query.where(col(ContentItem.kind).in_(rule.fulfil_kinds))
    return int(session.exec(query).one())
