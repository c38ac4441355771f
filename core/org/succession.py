"""When a unit ends and names a successor, what still hangs on it moves there the next day.

Communes merge, districts are abolished, departments are renamed (the 1 July 2025 arrangement): the
officers who keep working, the clusters the unit ran or hosted, its duties, the rules that name it and
its open obligations belong to the successor from the day after `valid_to`. Each run moves only what
still points at an ended unit, so it is safe to run every hour; every move is audited, and one
`unit.carried_over` event per ended unit says what went where (the unit pages show it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from core.airing.models import Cluster
from core.notify.models import DeadlineRuleUnit, Obligation
from core.org.models import Officer, Unit, UnitDuty
from core.records import audit
from core.records.models import AuditEvent
from core.types import ObligationStatus

CARRIED = "unit.carried_over"
_OPEN = (ObligationStatus.open.value, ObligationStatus.overdue.value)


@dataclass
class Carried:
    """What one run moved from an ended unit to its successor."""

    unit_id: int
    successor_id: int
    officers: list[int] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)
    obligations: list[int] = field(default_factory=list)
    waived: list[int] = field(default_factory=list)  # the successor already had the same obligation
    duties: list[str] = field(default_factory=list)
    rules: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.officers or self.clusters or self.obligations or self.waived or self.duties or self.rules)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "unit_id"}


def successor_on(session: Session, unit: Unit, *, on: date) -> Unit | None:
    """The unit that holds `unit`'s work on `on`: its successor, or that one's successor if it ended too."""
    seen = {unit.id}
    current: Unit | None = unit
    while current is not None and current.valid_to is not None and current.valid_to < on and current.successor_id:
        nxt = session.get(Unit, current.successor_id)
        if nxt is None or nxt.id in seen:  # a dangling or circular chain: stop where it is
            break
        seen.add(nxt.id)
        current = nxt
    return None if current is None or current.id == unit.id else current


def _move(session: Session, row: Any, changes: dict[str, Any], *, actor: audit.Actor) -> None:
    before = audit.snapshot(row)
    for column, value in changes.items():
        setattr(row, column, value)
    session.add(row)
    name = row.__tablename__
    audit.record(session, actor=actor, action=f"{name}.updated", object_type=name, object_id=row.id,
                 before=before, after=audit.snapshot(row))


def _carry(session: Session, unit: Unit, target: Unit, *, actor: audit.Actor) -> Carried:
    assert unit.id is not None and target.id is not None and unit.valid_to is not None
    moved = Carried(unit_id=unit.id, successor_id=target.id)
    for officer in session.exec(select(Officer).where(Officer.unit_id == unit.id, col(Officer.is_active))).all():
        _move(session, officer, {"unit_id": target.id}, actor=actor)
        moved.officers.append(officer.id)  # type: ignore[arg-type]  # a stored row
    clusters = session.exec(select(Cluster).where(
        (col(Cluster.operator_unit_id) == unit.id) | (col(Cluster.commune_unit_id) == unit.id))).all()
    for cluster in clusters:
        changes = {c: target.id for c in ("operator_unit_id", "commune_unit_id") if getattr(cluster, c) == unit.id}
        _move(session, cluster, changes, actor=actor)
        moved.clusters.append(cluster.id)  # type: ignore[arg-type]
    for obligation in session.exec(select(Obligation).where(Obligation.unit_id == unit.id,
                                                            col(Obligation.status).in_(_OPEN))).all():
        twin = session.exec(select(Obligation).where(Obligation.rule_id == obligation.rule_id,
                                                     Obligation.unit_id == target.id,
                                                     Obligation.period_start == obligation.period_start)).first()
        if twin is None:
            _move(session, obligation, {"unit_id": target.id}, actor=actor)
            moved.obligations.append(obligation.id)  # type: ignore[arg-type]
        else:  # the successor owes the same thing for the same period: one duty, not two
            _move(session, obligation, {"status": ObligationStatus.waived.value,
                                        "note": f"merged into {target.code}; its obligation #{twin.id} stands"},
                  actor=actor)
            moved.waived.append(obligation.id)  # type: ignore[arg-type]
    starts = unit.valid_to + timedelta(days=1)
    held = {d.duty for d in session.exec(select(UnitDuty).where(UnitDuty.unit_id == target.id)).all()
            if (d.valid_from is None or d.valid_from <= starts) and (d.valid_to is None or starts <= d.valid_to)}
    for duty in session.exec(select(UnitDuty).where(UnitDuty.unit_id == unit.id)).all():
        if duty.valid_to is not None and duty.valid_to <= unit.valid_to:
            continue  # it ended with (or before) the unit: nothing left to hand over
        _move(session, duty, {"valid_to": unit.valid_to}, actor=actor)
        if duty.duty not in held:
            given = UnitDuty(unit_id=target.id, duty=duty.duty, valid_from=starts)
            session.add(given)
            session.flush()
            audit.record(session, actor=actor, action="unit_duty.created", object_type="unit_duty",
                         object_id=given.id, after=audit.snapshot(given))
            held.add(duty.duty)
        moved.duties.append(duty.duty)
    named = {r.rule_id for r in session.exec(select(DeadlineRuleUnit).where(DeadlineRuleUnit.unit_id == target.id))}
    for link in session.exec(select(DeadlineRuleUnit).where(DeadlineRuleUnit.unit_id == unit.id)).all():
        if link.rule_id in named:
            session.delete(link)
        else:
            _move(session, link, {"unit_id": target.id}, actor=actor)
            named.add(link.rule_id)
        moved.rules.append(link.rule_id)
    return moved


def carry_over(session: Session, *, today: date, actor: audit.Actor) -> list[Carried]:
    """Move what still points at units that ended before `today` to their successors; what moved, by unit."""
    ended = session.exec(select(Unit).where(col(Unit.valid_to) < today, col(Unit.successor_id).is_not(None))
                         .order_by(col(Unit.valid_to), col(Unit.id))).all()
    done: list[Carried] = []
    for unit in ended:
        target = successor_on(session, unit, on=today)
        if target is None:
            continue
        moved = _carry(session, unit, target, actor=actor)
        if moved:
            session.flush()
            audit.record(session, actor=actor, action=CARRIED, object_type="unit", object_id=unit.id,
                         after=moved.as_dict())
            done.append(moved)
    return done


@dataclass(frozen=True)
class Handover:
    """One carry-over as the unit pages show it: when, from which unit to which, and how much moved."""

    at: Any
    from_id: int
    to_id: int
    counts: dict[str, int]


def handovers(session: Session, *, unit: Unit) -> list[Handover]:
    """The carry-overs out of `unit` and into it from the units it succeeded, newest first."""
    predecessors = [u.id for u in session.exec(select(Unit).where(Unit.successor_id == unit.id)).all()]
    ids = [str(i) for i in [unit.id, *predecessors]]
    rows = session.exec(select(AuditEvent).where(AuditEvent.action == CARRIED, AuditEvent.object_type == "unit",
                                                 col(AuditEvent.object_id).in_(ids))
                        .order_by(col(AuditEvent.seq).desc())).all()
    out = []
    for row in rows:
        after = row.after or {}
        if int(row.object_id or 0) != unit.id and after.get("successor_id") != unit.id:
            continue  # a predecessor's earlier hand-over to another unit (its successor was changed since)
        counts = {k: len(v) for k, v in after.items() if isinstance(v, list) and v}
        out.append(Handover(at=row.occurred_at, from_id=int(row.object_id or 0), to_id=int(after["successor_id"]),
                            counts=counts))
    return out
