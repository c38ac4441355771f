"""Who may see and do what: every scoping rule of roles and units lives here, in one place.

Điều 10.2: border-gate clusters are approved by the provincial editor unit; a unit's own public
boards by that unit's operators. Administrators may do everything; inspectors read records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import Session, col, select

from core.airing.models import Cluster
from core.errors import NotFound
from core.intake.models import Submission
from core.org import service as org
from core.org.models import Officer
from core.review.models import ContentItem, ContentTarget, TranslationRequest
from core.types import ClusterKind, Duty, Role, TargetKind

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
    # Not a provincial editor (asked once above): only the clusters its own unit operates.
    if officer.role not in {Role.operator.value, Role.editor.value}:
        return set()
    return {c.id for c in clusters if c.id is not None and c.operator_unit_id == officer.unit_id}


def get_cluster_for(session: Session, *, officer: Officer, cluster_id: int, on: date, operate: bool = False) -> Cluster:
    """The cluster if the officer may see it (or operate it); otherwise NotFound, as if it did not exist."""
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster_id not in visible_cluster_ids(session, officer=officer, on=on):
        raise NotFound("not found")
    if operate and not may_operate_cluster(session, officer=officer, cluster=cluster, on=on):
        raise NotFound("not found")
    return cluster


# --- submissions and content items (issue 5) ------------------------------------------------------
# Who reviews a submission follows where it airs (Điều 10.2): border gates (or every cluster, or no
# choice) → the provincial editor unit; one public cluster → its operator unit; "own unit" → that
# unit's operators when it runs public clusters, otherwise the provincial editors.

READ_ALL_ROLES = frozenset({Role.administrator.value, Role.inspector.value})
PROVINCIAL_TARGETS = (TargetKind.border_gate.value, TargetKind.all.value, TargetKind.board.value)


@dataclass(frozen=True, slots=True)
class Scope:
    """What one officer may see and decide on one day, computed once per request."""

    officer: Officer
    provincial: bool  # an editor/administrator of the provincial editor unit
    border_ids: frozenset[int]  # border-gate clusters
    public_by_unit: dict[int, frozenset[int]]  # operator unit → its public clusters
    operated_ids: frozenset[int]  # clusters the officer's unit operates (any kind)

    @property
    def role(self) -> str:
        return self.officer.role

    @property
    def reads_all(self) -> bool:
        return self.role in READ_ALL_ROLES or self.provincial


def scope_of(session: Session, *, officer: Officer, on: date) -> Scope:
    """Compute the officer's scope (a few small queries) for use in filters and checks."""
    clusters = session.exec(select(Cluster)).all()
    public: dict[int, set[int]] = {}
    for c in clusters:
        if c.kind == ClusterKind.public.value and c.id is not None:
            public.setdefault(c.operator_unit_id, set()).add(c.id)
    return Scope(
        officer=officer,
        provincial=is_provincial_editor(session, officer=officer, on=on),
        border_ids=frozenset(c.id for c in clusters if c.kind == ClusterKind.border_gate.value and c.id is not None),
        public_by_unit={u: frozenset(ids) for u, ids in public.items()},
        operated_ids=frozenset(c.id for c in clusters if c.operator_unit_id == officer.unit_id and c.id is not None),
    )


def _provincial_clause(scope: Scope) -> ColumnElement[bool]:
    s = Submission
    return or_(
        col(s.target_kind).is_(None),
        col(s.target_kind).in_(PROVINCIAL_TARGETS),
        and_(col(s.target_kind) == TargetKind.cluster.value, col(s.target_cluster_id).in_(scope.border_ids)),
        and_(col(s.target_kind) == TargetKind.own_unit.value, col(s.unit_id).not_in(list(scope.public_by_unit))),
    )


def _unit_clause(scope: Scope) -> ColumnElement[bool] | None:
    unit_id = scope.officer.unit_id
    own_public = scope.public_by_unit.get(unit_id)
    if not own_public or scope.role not in {Role.operator.value, Role.editor.value}:
        return None
    s = Submission
    return or_(
        and_(col(s.target_kind) == TargetKind.cluster.value, col(s.target_cluster_id).in_(own_public)),
        and_(col(s.target_kind) == TargetKind.own_unit.value, col(s.unit_id) == unit_id),
    )


def reviewable_clause(scope: Scope) -> ColumnElement[bool]:
    """SQL condition: submissions the officer may decide on (approve, reject, correct)."""
    if scope.role == Role.administrator.value:
        return true()
    parts = [c for c in (_provincial_clause(scope) if scope.provincial else None, _unit_clause(scope)) if c is not None]
    return or_(*parts) if parts else false()


def visible_submission_clause(scope: Scope) -> ColumnElement[bool]:
    """SQL condition: submissions the officer may see at all (by URL, list or API)."""
    s, me = Submission, scope.officer
    if scope.role in READ_ALL_ROLES:
        return true()
    if scope.role == Role.contributor.value:
        return col(s.officer_id) == me.id
    if scope.role == Role.translator.value:
        assigned = select(TranslationRequest.submission_id).where(TranslationRequest.assigned_to_id == me.id)
        return or_(col(s.officer_id) == me.id, col(s.id).in_(assigned))
    return or_(reviewable_clause(scope), col(s.unit_id) == me.unit_id, col(s.officer_id) == me.id)


def may_review(session: Session, *, scope: Scope, submission: Submission) -> bool:
    """True when the officer may decide on this submission."""
    query = select(Submission.id).where(Submission.id == submission.id, reviewable_clause(scope))
    return session.exec(query).first() is not None


def get_submission_for(session: Session, *, scope: Scope, submission_id: int, review: bool = False) -> Submission:
    """The submission if visible (or reviewable); otherwise NotFound, as if it did not exist."""
    clause = reviewable_clause(scope) if review else visible_submission_clause(scope)
    found = session.exec(select(Submission).where(Submission.id == submission_id, clause)).first()
    if found is None:
        raise NotFound("not found")
    return found


def approvable_clusters(session: Session, *, scope: Scope) -> list[Cluster]:
    """Active clusters the officer may approve content for (Điều 10.2)."""
    rows = session.exec(select(Cluster).where(Cluster.is_active).order_by(col(Cluster.kind), col(Cluster.name))).all()
    if scope.role == Role.administrator.value:
        return list(rows)
    own = scope.public_by_unit.get(scope.officer.unit_id, frozenset()) if scope.role in {
        Role.operator.value, Role.editor.value} else frozenset()
    return [c for c in rows if (scope.provincial and c.id in scope.border_ids) or c.id in own]


def visible_item_clause(scope: Scope) -> ColumnElement[bool]:
    """SQL condition: content items the officer may see (library, API)."""
    item, me = ContentItem, scope.officer
    if scope.reads_all:
        return true()
    if scope.role == Role.contributor.value:
        return col(item.submission_id).in_(select(Submission.id).where(Submission.officer_id == me.id))
    if scope.role == Role.translator.value:
        assigned = select(TranslationRequest.submission_id).where(TranslationRequest.assigned_to_id == me.id)
        return col(item.submission_id).in_(assigned)
    kinds = {ClusterKind.border_gate.value if cid in scope.border_ids else ClusterKind.public.value
             for cid in scope.operated_ids}
    airs_here = select(ContentTarget.content_item_id).where(or_(
        col(ContentTarget.cluster_id).in_(scope.operated_ids),
        col(ContentTarget.target_kind) == "all",
        and_(col(ContentTarget.target_kind) == "cluster_kind", col(ContentTarget.cluster_kind).in_(kinds)),
    ))
    return or_(col(item.unit_id) == me.unit_id, col(item.id).in_(airs_here))


def get_item_for(session: Session, *, scope: Scope, item_id: int) -> ContentItem:
    """The content item if visible; otherwise NotFound."""
    found = session.exec(select(ContentItem).where(ContentItem.id == item_id, visible_item_clause(scope))).first()
    if found is None:
        raise NotFound("not found")
    return found


def may_manage_officers_of(scope: Scope, *, unit_id: int) -> bool:
    """Administrators manage every unit's officers; editors and operators their own unit's."""
    if scope.role == Role.administrator.value:
        return True
    return scope.role in {Role.editor.value, Role.operator.value} and unit_id == scope.officer.unit_id


# Rank for managing accounts: nobody manages, invites or binds an account of a higher rank.
RANK = {Role.administrator.value: 4, Role.editor.value: 3, Role.inspector.value: 3, Role.operator.value: 2,
        Role.translator.value: 1, Role.contributor.value: 0}


def may_manage_officer(scope: Scope, *, officer: Officer) -> bool:
    """May manage this officer: their unit is one the caller manages, and their rank is not above the caller's."""
    return (may_manage_officers_of(scope, unit_id=officer.unit_id)
            and RANK.get(officer.role, 0) <= RANK.get(scope.role, 0))


def may_break_lock(scope: Scope) -> bool:
    """A senior editor: an administrator, or an editor of the provincial editor unit."""
    return scope.role == Role.administrator.value or (scope.provincial and scope.role == Role.editor.value)
