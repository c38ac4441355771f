"""Technical and security incidents (Điều 9.3, 12.2): reported from the web or the chat, numbered, owned,
acknowledged within a deadline, resolved; unacknowledged ones escalate to the provincial editor unit.

States: open → acknowledged → resolved; open past its acknowledgement deadline → escalated (which can
still be acknowledged and resolved). Incidents at border-gate clusters are told to the provincial editor
unit as well as the operator.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core.accounts import access
from core.airing.models import Board, Cluster, Incident
from core.airing.notices import notify_once, operators_of
from core.errors import Invalid, NotFound
from core.intake.models import MediaAsset
from core.org import service as org
from core.org.models import Officer
from core.records import audit
from core.review.models import ContentItem, ContentTarget
from core.storage import StoredObject
from core.types import AssetRole, ClusterKind, IncidentStatus, MediaKind, Role

KINDS = ("technical", "security", "board_offline")
REPORTABLE_KINDS = ("technical", "security")
ACK_WITHIN = timedelta(hours=4)
OPEN_STATES = (IncidentStatus.open.value, IncidentStatus.acknowledged.value, IncidentStatus.escalated.value)
HANDLERS = frozenset({Role.operator.value, Role.editor.value, Role.administrator.value})
# A photo of an incident is shown in the browser: only these types, recognised by their first bytes.
PHOTO_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
PHOTO_SOURCE = "incident"  # MediaAsset.source_ref of an incident photo (it belongs to no submission)


def _audit(session: Session, incident: Incident, what: str, *, actor: audit.Actor,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    """One audit event about `incident` (`incident.<what>`)."""
    audit.record(session, actor=actor, action=f"incident.{what}", object_type="incident", object_id=incident.id,
                 before=before, after=after)

def _number(session: Session, *, now: datetime) -> str:
    prefix = f"SC-{now:%y%m}-"
    count = session.exec(
        select(func.count()).select_from(Incident).where(col(Incident.number).like(f"{prefix}%"))
    ).one()
    return f"{prefix}{count + 1:04d}"


def photo_mime(head: bytes) -> str | None:
    """The type of an incident photo from its first bytes (JPEG or PNG); None for anything else."""
    return next((mime for magic, mime in PHOTO_SIGNATURES if head.startswith(magic)), None)


def keep_photo(session: Session, *, stored: StoredObject, mime: str, filename: str | None = None,
               width: int | None = None, height: int | None = None) -> MediaAsset:
    """The stored bytes of an incident photo as an original image asset of no submission, to link to `report`."""
    asset = MediaAsset(role=AssetRole.original.value, kind=MediaKind.image.value, sha256=stored.sha256,
                       size_bytes=stored.size_bytes, mime=mime, filename=(filename or "")[:255] or None,
                       source_ref=PHOTO_SOURCE, width=width, height=height)
    session.add(asset)
    session.flush()
    return asset


def places_for(session: Session, *, unit_id: int) -> list[tuple[Cluster, list[Board]]]:
    """The active clusters (with their active boards) a unit operates, hosts as its commune or sends content to.

    Its own clusters come first, then those of its commune, then those its approved items aim at (one cluster,
    one board, or every cluster of a kind); "all clusters" targets are left out, they would name every site.
    """
    items = select(ContentItem.id).where(ContentItem.unit_id == unit_id)
    targets = session.exec(select(ContentTarget).where(col(ContentTarget.content_item_id).in_(items))).all()
    aimed = {t.cluster_id for t in targets if t.cluster_id}
    board_ids = [t.board_id for t in targets if t.board_id]
    if board_ids:
        aimed |= set(session.exec(select(Board.cluster_id).where(col(Board.id).in_(board_ids))).all())
    kinds = [t.cluster_kind for t in targets if t.target_kind == "cluster_kind" and t.cluster_kind]
    clusters = session.exec(select(Cluster).where(col(Cluster.is_active), or_(
        col(Cluster.operator_unit_id) == unit_id, col(Cluster.commune_unit_id) == unit_id,
        col(Cluster.id).in_(sorted(aimed)), col(Cluster.kind).in_(kinds)))).all()
    ordered = sorted(clusters, key=lambda c: (c.operator_unit_id != unit_id, c.commune_unit_id != unit_id, c.name))
    boards = session.exec(select(Board).where(col(Board.cluster_id).in_([c.id for c in ordered]),
                                              col(Board.is_active), Board.status != "retired")
                          .order_by(col(Board.name))).all()
    return [(c, [b for b in boards if b.cluster_id == c.id]) for c in ordered]


def may_see(session: Session, *, officer: Officer, incident: Incident, on: date) -> bool:
    if officer.role in {Role.administrator.value, Role.inspector.value} or access.is_provincial_editor(
        session, officer=officer, on=on
    ):
        return True
    if incident.reported_by_id == officer.id:
        return True
    cluster = session.get(Cluster, incident.cluster_id) if incident.cluster_id else None
    return cluster is not None and cluster.operator_unit_id == officer.unit_id and officer.role in HANDLERS


def may_handle(session: Session, *, officer: Officer, incident: Incident, on: date) -> bool:
    return (
        officer.role in HANDLERS
        and officer.is_active
        and officer.role != Role.inspector.value
        and (
            officer.role == Role.administrator.value
            or access.is_provincial_editor(session, officer=officer, on=on)
            or (
                incident.cluster_id is not None
                and (c := session.get(Cluster, incident.cluster_id)) is not None
                and c.operator_unit_id == officer.unit_id
            )
        )
    )


def report(
    session: Session,
    *,
    reporter: Officer,
    kind: str,
    title: str,
    description: str | None = None,
    board_id: int | None = None,
    cluster_id: int | None = None,
    place: str | None = None,
    photo_asset_id: int | None = None,
    now: datetime,
    ack_within: timedelta = ACK_WITHIN,
    actor: audit.Actor,
) -> Incident:
    """Record an incident with a number, an owner (the cluster's first operator) and a deadline; tell who must act."""
    if kind not in REPORTABLE_KINDS:
        raise Invalid("choose technical or security", field="kind")
    title = " ".join((title or "").split())[:300]
    if not title:
        raise Invalid("say what happened", field="title")
    board = session.get(Board, board_id) if board_id else None
    if board_id and board is None:
        raise Invalid("choose a board", field="board_id")
    if board is not None:
        cluster_id = board.cluster_id
    cluster = session.get(Cluster, cluster_id) if cluster_id else None
    if cluster_id and cluster is None:
        raise Invalid("choose a cluster", field="cluster_id")
    operators = operators_of(session, cluster=cluster) if cluster else []
    incident = Incident(
        kind=kind,
        status=IncidentStatus.open.value,
        board_id=board.id if board else None,
        cluster_id=cluster.id if cluster else None,
        reported_by_id=reporter.id,
        owner_id=operators[0].id if operators else None,
        title=title,
        description=(description or "").strip() or None,
        place=(place or "").strip()[:300] or None,
        photo_asset_id=photo_asset_id,
        opened_at=now,
        ack_due_at=now + ack_within,
        number=_number(session, now=now),
    )
    session.add(incident)
    session.flush()
    _audit(session, incident, "reported", actor=actor, after=audit.snapshot(incident))
    told = list(operators)
    if cluster is None or cluster.kind == ClusterKind.border_gate.value:
        told += [e for e in org.editors_on(session, on=now.date()) if e.id not in {o.id for o in told}]
    payload = {
        "number": incident.number,
        "title": title,
        "kind": kind,
        "cluster": cluster.code if cluster else None,
        "cluster_name": cluster.name if cluster else None,
        "board": board.code if board else None,
        "board_name": board.name if board else None,
        "place": incident.place,
        "reporter": reporter.full_name,
        "ack_due_at": incident.ack_due_at.isoformat(),  # type: ignore[union-attr]  # set when it was opened
    }
    for officer in told:
        if officer.id != reporter.id:
            notify_once(
                session,
                event="incident.reported",
                object_key=str(incident.id),
                officer=officer,
                object_type="incident",
                object_id=incident.id,
                payload=payload,
                urgent=kind == "security",
            )
    return incident


def _get_for_handling(session: Session, *, officer: Officer, incident_id: int, on: date) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None or not may_see(session, officer=officer, incident=incident, on=on):
        raise NotFound("not found")
    if not may_handle(session, officer=officer, incident=incident, on=on):
        raise NotFound("not found")
    return incident


def acknowledge(session: Session, *, officer: Officer, incident_id: int, now: datetime, actor: audit.Actor) -> Incident:
    incident = _get_for_handling(session, officer=officer, incident_id=incident_id, on=now.date())
    if incident.status not in (IncidentStatus.open.value, IncidentStatus.escalated.value):
        raise Invalid("only an open or escalated incident is acknowledged", field="status")
    before = {"status": incident.status, "owner_id": incident.owner_id}
    incident.status, incident.acknowledged_at = IncidentStatus.acknowledged.value, now
    incident.owner_id = incident.owner_id or officer.id
    session.add(incident)
    session.flush()
    _audit(session, incident, "acknowledged", actor=actor, before=before,
           after={"status": incident.status, "owner_id": incident.owner_id})
    return incident


def assign(
    session: Session, *, officer: Officer, incident_id: int, owner_id: int, now: datetime, actor: audit.Actor
) -> Incident:
    incident = _get_for_handling(session, officer=officer, incident_id=incident_id, on=now.date())
    owner = session.get(Officer, owner_id)
    if owner is None or not owner.is_active or owner.role not in HANDLERS:
        raise Invalid("choose an active operator, editor or administrator", field="owner_id")
    before = {"owner_id": incident.owner_id}
    incident.owner_id = owner.id
    session.add(incident)
    session.flush()
    _audit(session, incident, "assigned", actor=actor, before=before, after={"owner_id": owner.id})
    return incident


def resolve(
    session: Session, *, officer: Officer, incident_id: int, resolution: str, now: datetime, actor: audit.Actor
) -> Incident:
    incident = _get_for_handling(session, officer=officer, incident_id=incident_id, on=now.date())
    if incident.status not in OPEN_STATES:
        raise Invalid("the incident is already resolved", field="status")
    if not (resolution or "").strip():
        raise Invalid("say how it was resolved", field="resolution")
    before = {"status": incident.status}
    incident.status, incident.closed_at, incident.resolution = IncidentStatus.resolved.value, now, resolution.strip()
    incident.acknowledged_at = incident.acknowledged_at or now
    session.add(incident)
    session.flush()
    _audit(
        session,
        incident,
        "resolved",
        actor=actor,
        before=before,
        after={"status": incident.status, "resolution": incident.resolution},
    )
    return incident


def escalate_overdue(session: Session, *, now: datetime) -> dict[str, int]:
    """Open incidents past their acknowledgement deadline escalate (once) to the provincial editor unit."""
    rows = session.exec(
        select(Incident)
        .where(
            Incident.status == IncidentStatus.open.value,
            col(Incident.ack_due_at).is_not(None),
            col(Incident.ack_due_at) <= now,
        )
        .order_by(col(Incident.id))
    ).all()
    told = 0
    editors = org.editors_on(session, on=now.date()) if rows else []
    for incident in rows:
        incident.status, incident.escalated_at = IncidentStatus.escalated.value, now
        session.add(incident)
        session.flush()
        _audit(
            session,
            incident,
            "escalated",
            actor=audit.SYSTEM,
            after={"status": incident.status, "ack_due_at": incident.ack_due_at},
        )
        for officer in editors:
            told += notify_once(
                session,
                event="incident.escalated",
                object_key=str(incident.id),
                officer=officer,
                object_type="incident",
                object_id=incident.id,
                urgent=True,
                payload={"number": incident.number, "title": incident.title},
            )
    return {"escalated": len(rows), "notified": told}


def listing(
    session: Session,
    *,
    officer: Officer,
    on: date,
    status: str | None = None,
    day_from: datetime | None = None,
    day_to: datetime | None = None,
) -> list[Incident]:
    query = select(Incident).order_by(col(Incident.opened_at).desc()).limit(500)
    if status:
        query = query.where(Incident.status == status)
    if day_from is not None:
        query = query.where(col(Incident.opened_at) >= day_from)
    if day_to is not None:
        query = query.where(col(Incident.opened_at) < day_to)
    if not (
        officer.role in {Role.administrator.value, Role.inspector.value}
        or access.is_provincial_editor(session, officer=officer, on=on)
    ):
        own = select(Cluster.id).where(Cluster.operator_unit_id == officer.unit_id)
        query = query.where(or_(col(Incident.cluster_id).in_(own), col(Incident.reported_by_id) == officer.id))
    return list(session.exec(query).all())
