"""Who may see and do what: every scoping rule of roles and units lives here, in one place.

Điều 10.2: border-gate clusters are approved by the provincial editor unit; a unit's own public
boards by that unit's operators. Administrators may do everything; inspectors read records.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core.errors import NotFound
from core.models import Cluster, Officer
from core.models.types import ClusterKind, Duty, Role
from core.services import org

ALL_ROLES = frozenset(Role)
STAFF_ROLES = frozenset({Role.administrator, Role.editor, Role.operator, Role.translator, Role.inspector})


def require_role(officer: Officer, *roles: Role) -> None:
    """Raise NotFound (shown as 404, never a hint) unless the officer has one of `roles`."""
    if officer.role not in {r.value for r in roles}:
        raise NotFound("not found")


def holds_duty(session: Session, *, officer: Officer, duty: Duty, on: date) -> bool:
    return duty.value in org.duties_of(session, unit_id=officer.unit_id, on=on)


def is_provincial_editor(session: Session, *, officer: Officer, on: date) -> bool:
    """An editor (or administrator) of the unit that holds the provincial editor duty on `on`."""
    return officer.role in {Role.editor.value, Role.administrator.value} and holds_duty(
        session, officer=officer, duty=Duty.provincial_editor, on=on
    )


def may_approve_for_cluster(session: Session, *, officer: Officer, cluster: Cluster, on: date) -> bool:
    """Who may approve content airing on `cluster` (Điều 10.2)."""
    if officer.role == Role.administrator.value:
        return True
    if cluster.kind == ClusterKind.border_gate.value:
        return is_provincial_editor(session, officer=officer, on=on)
    return cluster.operator_unit_id == officer.unit_id and officer.role in {Role.operator.value, Role.editor.value}


def may_operate_cluster(session: Session, *, officer: Officer, cluster: Cluster, on: date) -> bool:
    """Who may run a cluster's boards, windows and emergencies: its operator unit, or the editors for border gates."""
    if officer.role == Role.administrator.value:
        return True
    if officer.role not in {Role.operator.value, Role.editor.value}:
        return False
    if cluster.operator_unit_id == officer.unit_id:
        return True
    return cluster.kind == ClusterKind.border_gate.value and is_provincial_editor(session, officer=officer, on=on)


def visible_cluster_ids(session: Session, *, officer: Officer, on: date) -> set[int]:
    """Clusters the officer may see: all for administrators, inspectors and provincial editors."""
    clusters = session.exec(select(Cluster)).all()
    if officer.role in {Role.administrator.value, Role.inspector.value} or is_provincial_editor(
        session, officer=officer, on=on
    ):
        return {c.id for c in clusters if c.id is not None}
    return {c.id for c in clusters if c.id is not None and may_operate_cluster(session, officer=officer, cluster=c, on=on)}


def get_cluster_for(session: Session, *, officer: Officer, cluster_id: int, on: date, operate: bool = False) -> Cluster:
    """The cluster if the officer may see it (or operate it); otherwise NotFound, as if it did not exist."""
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster_id not in visible_cluster_ids(session, officer=officer, on=on):
        raise NotFound("not found")
    if operate and not may_operate_cluster(session, officer=officer, cluster=cluster, on=on):
        raise NotFound("not found")
    return cluster
