"""Emergency broadcasts (Điều 8.2): start on clusters or everywhere, per-board confirmation, stop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import Session, col, select

from core.accounts import access
from core.airing import push
from core.airing.boards import board_actor
from core.airing.models import Board, Cluster, Emergency, EmergencyAck, EmergencyTarget
from core.airing.notices import notify_once, operators_of
from core.errors import Invalid, NotFound
from core.org.models import Officer
from core.records import audit
from core.review.models import ContentItem, ContentTarget
from core.types import Role, utcnow

UNCONFIRMED_AFTER = timedelta(seconds=60)
MAX_TEXT = 2000


def start_emergency(
    session: Session,
    *,
    officer: Officer,
    actor: audit.Actor,
    on: date,
    cluster_ids: list[int],
    all_clusters: bool,
    content_item_id: int | None,
    text: str | None,
    ends_at: datetime | None,
) -> Emergency:
    """Start an emergency now; only an officer who may operate every chosen cluster (or, for all, a provincial
    editor)."""
    now = utcnow()
    text = (text or "").strip() or None
    if content_item_id is None and text is None:
        raise Invalid("choose an item or write a text", field="text")
    if text is not None and len(text) > MAX_TEXT:
        raise Invalid("the text is too long", field="text")
    if ends_at is not None and ends_at <= now:
        raise Invalid("the end time has already passed", field="ends_at")
    if all_clusters:
        if not may_broadcast_everywhere(session, officer=officer, on=on):
            raise NotFound("not found")
        cluster_ids = []
    elif not cluster_ids:
        raise Invalid("choose at least one cluster", field="clusters")
    for cluster_id in sorted(set(cluster_ids)):
        require_broadcast(session, officer=officer, cluster_id=cluster_id, on=on)
    if content_item_id is not None:
        item = session.get(ContentItem, content_item_id)
        if item is None or not item.is_active:
            raise Invalid("no such active item", field="content_item_id")
        # An emergency skips the plan, not the approval rules (Điều 10.2): the item must be one the
        # officer may air on every chosen cluster.
        targets = [c for c in (session.get(Cluster, cid) for cid in sorted(set(cluster_ids))) if c is not None]
        if not all_clusters and not all(may_air_item(session, officer=officer, item=item, cluster=c, on=on)
                                        for c in targets):
            raise Invalid("no such active item", field="content_item_id")
        if all_clusters and not _visible_item(session, officer=officer, item_id=item.id or 0, on=on):
            raise Invalid("no such active item", field="content_item_id")
    emergency = Emergency(content_item_id=content_item_id, text=text, all_clusters=all_clusters,
                          started_by_id=officer.id or 0, started_at=now, ends_at=ends_at)
    session.add(emergency)
    session.flush()
    for cluster_id in sorted(set(cluster_ids)):
        session.add(EmergencyTarget(emergency_id=emergency.id or 0, cluster_id=cluster_id))
    session.flush()
    audit.record(session, actor=actor, action="emergency.started", object_type="emergency", object_id=emergency.id,
                 after={**audit.snapshot(emergency), "clusters": sorted(set(cluster_ids))})
    _tell_operators(session, emergency=emergency, event="emergency.started", at=now)
    push.bump(session)
    return emergency


def _tell_operators(session: Session, *, emergency: Emergency, event: str, at: datetime) -> int:
    """Every operator of the clusters the emergency reaches hears that it started or ended (urgent)."""
    if emergency.all_clusters:
        clusters = list(session.exec(select(Cluster).where(col(Cluster.is_active))).all())
    else:
        clusters = list(
            session.exec(
                select(Cluster)
                .join(EmergencyTarget, col(EmergencyTarget.cluster_id) == Cluster.id)
                .where(EmergencyTarget.emergency_id == emergency.id)
            ).all()
        )
    item = session.get(ContentItem, emergency.content_item_id) if emergency.content_item_id else None
    payload = {"title": item.title if item else (emergency.text or "")[:120],
               "clusters": [c.name for c in clusters], "at": at.isoformat()}
    sent = 0
    for officer in {o.id: o for c in clusters for o in operators_of(session, cluster=c)}.values():
        sent += notify_once(session, event=event, object_key=str(emergency.id), officer=officer,
                            object_type="emergency", object_id=emergency.id, urgent=True, payload=payload)
    return sent


def _visible_item(session: Session, *, officer: Officer, item_id: int, on: date) -> bool:
    scope = access.scope_of(session, officer=officer, on=on)
    found = select(ContentItem.id).where(ContentItem.id == item_id, access.visible_item_clause(scope))
    return session.exec(found).first() is not None


def _targets_of(session: Session, item: ContentItem) -> list[ContentTarget]:
    return list(session.exec(select(ContentTarget).where(ContentTarget.content_item_id == item.id)).all())


def _approved_for(session: Session, item: ContentItem, cluster: Cluster) -> bool:
    """True when the item's own approval already covers the cluster (its targets name it)."""
    for t in _targets_of(session, item):
        if t.target_kind == "all" or (t.target_kind == "cluster" and t.cluster_id == cluster.id):
            return True
        if t.target_kind == "cluster_kind" and t.cluster_kind == cluster.kind:
            return True
        if t.target_kind == "board" and t.board_id is not None:
            board = session.get(Board, t.board_id)
            if board is not None and board.cluster_id == cluster.id:
                return True
    return False


def may_air_item(session: Session, *, officer: Officer, item: ContentItem, cluster: Cluster, on: date) -> bool:
    """May the officer put this item on this cluster at once: an item they can see, and either approved
    for the cluster already or one they could approve for it themselves (Điều 10.2)."""
    if not item.is_active or not _visible_item(session, officer=officer, item_id=item.id or 0, on=on):
        return False
    return _may_air(session, officer=officer, item=item, cluster=cluster, on=on,
                    everywhere=may_broadcast_everywhere(session, officer=officer, on=on))


def _may_air(session: Session, *, officer: Officer, item: ContentItem, cluster: Cluster, on: date,
             everywhere: bool) -> bool:
    return everywhere or _approved_for(session, item, cluster) or access.may_approve_for_cluster(
        session, officer=officer, cluster=cluster, on=on)


def airable_items(session: Session, *, officer: Officer, clusters: list[Cluster], on: date,
                  limit: int = 200) -> list[ContentItem]:
    """Active items the officer may put on at least one of `clusters` (the emergency form's picker)."""
    scope = access.scope_of(session, officer=officer, on=on)
    everywhere = may_broadcast_everywhere(session, officer=officer, on=on)
    rows = session.exec(select(ContentItem).where(col(ContentItem.is_active), access.visible_item_clause(scope))
                        .order_by(col(ContentItem.id).desc()).limit(limit)).all()
    if everywhere:
        return list(rows)
    mine = [c for c in clusters if access.may_approve_for_cluster(session, officer=officer, cluster=c, on=on)]
    if mine:  # may approve for one of them: any visible item may go there
        return list(rows)
    return [i for i in rows if any(_approved_for(session, i, c) for c in clusters)]


def may_broadcast_everywhere(session: Session, *, officer: Officer, on: date) -> bool:
    """Administrators and the provincial editors may put an emergency on any cluster, or on all."""
    return officer.role == Role.administrator.value or access.is_provincial_editor(session, officer=officer, on=on)


def require_broadcast(session: Session, *, officer: Officer, cluster_id: int, on: date) -> Cluster:
    """The cluster if the officer may start or stop emergencies on it: its operators, or provincial editors."""
    cluster = session.get(Cluster, cluster_id)
    if cluster is not None and may_broadcast_everywhere(session, officer=officer, on=on):
        return cluster
    return access.get_cluster_for(session, officer=officer, cluster_id=cluster_id, on=on, operate=True)


def stop_emergency(session: Session, *, emergency_id: int, officer: Officer, actor: audit.Actor, on: date) -> Emergency:
    """End an emergency now (by someone who may start it): boards go back to their plans."""
    emergency = get_for(session, emergency_id=emergency_id, officer=officer, on=on)
    if emergency.all_clusters and not may_broadcast_everywhere(session, officer=officer, on=on):
        raise NotFound("not found")
    for cluster_id in session.exec(
        select(EmergencyTarget.cluster_id).where(EmergencyTarget.emergency_id == emergency.id)
    ).all():
        require_broadcast(session, officer=officer, cluster_id=cluster_id, on=on)
    if emergency.ended_at is not None:
        return emergency
    emergency.ended_at, emergency.ended_by_id = utcnow(), officer.id
    session.add(emergency)
    session.flush()
    audit.record(session, actor=actor, action="emergency.stopped", object_type="emergency", object_id=emergency.id,
                 after={"ended_at": emergency.ended_at})
    _tell_operators(session, emergency=emergency, event="emergency.ended", at=emergency.ended_at)
    push.bump(session)
    return emergency


def _targets_cluster(cluster_id: int) -> ColumnElement[bool]:
    return or_(col(Emergency.all_clusters), exists().where(
        col(EmergencyTarget.emergency_id) == Emergency.id, col(EmergencyTarget.cluster_id) == cluster_id))


def reaches(session: Session, *, emergency: Emergency, cluster_id: int) -> bool:
    """Whether the emergency targets this cluster (or every cluster)."""
    return emergency.all_clusters or session.exec(select(EmergencyTarget.id).where(
        EmergencyTarget.emergency_id == emergency.id, EmergencyTarget.cluster_id == cluster_id)).first() is not None


def is_active(emergency: Emergency, now: datetime) -> bool:
    return emergency.ended_at is None and emergency.started_at <= now and (
        emergency.ends_at is None or emergency.ends_at > now)


def active_for_cluster(session: Session, *, cluster_id: int, now: datetime) -> list[Emergency]:
    """Emergencies running on the cluster now, newest first."""
    rows = session.exec(
        select(Emergency).where(col(Emergency.ended_at).is_(None), _targets_cluster(cluster_id))
        .order_by(col(Emergency.started_at).desc(), col(Emergency.id).desc())
    ).all()
    return [e for e in rows if is_active(e, now)]


def active_all(session: Session, *, now: datetime) -> list[tuple[Emergency, set[int] | None]]:
    """Every running emergency with its cluster ids (None: all clusters)."""
    rows = [
        e for e in session.exec(select(Emergency).where(col(Emergency.ended_at).is_(None))).all() if is_active(e, now)
    ]
    targets: dict[int, set[int]] = {}
    if rows:
        for t in session.exec(
            select(EmergencyTarget).where(col(EmergencyTarget.emergency_id).in_([e.id for e in rows]))
        ).all():
            targets.setdefault(t.emergency_id, set()).add(t.cluster_id)
    return [(e, None if e.all_clusters else targets.get(e.id or 0, set())) for e in rows]


def acknowledge(session: Session, *, emergency_id: int, board: Board) -> EmergencyAck:
    """A board confirms it shows the emergency; a repeated confirmation keeps the first time."""
    emergency = session.get(Emergency, emergency_id)
    if emergency is None or not session.exec(select(Emergency.id).where(
            Emergency.id == emergency_id, _targets_cluster(board.cluster_id))).first():
        raise NotFound("no such emergency for this board")
    ack = session.exec(select(EmergencyAck).where(EmergencyAck.emergency_id == emergency_id,
                                                  EmergencyAck.board_id == board.id)).first()
    if ack is not None:
        return ack
    ack = EmergencyAck(emergency_id=emergency_id, board_id=board.id or 0, acked_at=utcnow())
    session.add(ack)
    session.flush()
    audit.record(session, actor=board_actor(board),
                 action="emergency.acknowledged", object_type="emergency", object_id=emergency_id,
                 after={"board": board.code, "acked_at": ack.acked_at})
    return ack


def get_for(session: Session, *, emergency_id: int, officer: Officer, on: date) -> Emergency:
    """The emergency if the officer may see one of its clusters."""
    emergency = session.get(Emergency, emergency_id)
    if emergency is None:
        raise NotFound("not found")
    visible = access.visible_cluster_ids(session, officer=officer, on=on)
    ids = set(
        session.exec(select(EmergencyTarget.cluster_id).where(EmergencyTarget.emergency_id == emergency_id)).all()
    )
    if not emergency.all_clusters and not ids & visible:
        raise NotFound("not found")
    return emergency


@dataclass(frozen=True, slots=True)
class BoardAck:
    board: Board
    cluster: Cluster
    acked_at: datetime | None
    overdue: bool  # not confirmed within 60 s of the start


def board_acks(session: Session, *, emergency: Emergency, now: datetime) -> list[BoardAck]:
    """Every paired board the emergency reaches, with its confirmation time."""
    query = select(Board, Cluster).join(Cluster).where(col(Board.is_active), col(Board.token_hash).is_not(None))
    if not emergency.all_clusters:
        query = query.where(col(Cluster.id).in_(select(EmergencyTarget.cluster_id).where(
            EmergencyTarget.emergency_id == emergency.id)))
    acks = {a.board_id: a.acked_at for a in session.exec(
        select(EmergencyAck).where(EmergencyAck.emergency_id == emergency.id)).all()}
    late = is_active(emergency, now) and now - emergency.started_at > UNCONFIRMED_AFTER
    return [BoardAck(b, c, acks.get(b.id or 0), late and (b.id not in acks))
            for b, c in session.exec(query.order_by(col(Cluster.code), col(Board.code))).all()]


def alert_unconfirmed(session: Session, *, now: datetime) -> int:
    """Tell the operators of each board that has not confirmed a running emergency within 60 s (once)."""
    sent = 0
    for emergency, _ in active_all(session, now=now):
        for row in board_acks(session, emergency=emergency, now=now):
            if not row.overdue:
                continue
            for officer in operators_of(session, cluster=row.cluster):
                sent += notify_once(
                    session,
                    event="emergency.unconfirmed",
                    object_key=f"{emergency.id}.{row.board.id}",
                    officer=officer,
                    object_type="emergency",
                    object_id=emergency.id,
                    urgent=True,
                    payload={
                        "board": row.board.code,
                        "board_name": row.board.name,
                        "cluster": row.cluster.code,
                        "started_at": emergency.started_at.isoformat(),
                    },
                )
    return sent
