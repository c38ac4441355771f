"""The province's policy: which senders may start an emergency at which severities without a person."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.alerts.models import AlertPolicy
from core.records import audit
from core.types import utcnow

SEVERE = {"Extreme", "Severe"}


def may_start_unattended(session: Session, *, sender: str, severity: str) -> bool:
    """Whether the policy lets this sender start an emergency at this severity without a person."""
    rows = session.exec(select(AlertPolicy).where(col(AlertPolicy.sender).in_([sender, "*"]))).all()
    return any(severity in row.severities for row in rows)


def set_policy(session: Session, *, sender: str, severities: list[str], actor: audit.Actor) -> AlertPolicy | None:
    """Let `sender` (or `*`) start emergencies at `severities`; no severity removes the sender's row."""
    sender = sender.strip()
    if not sender:
        from core.errors import Invalid

        raise Invalid("name the sender", field="sender")
    chosen = sorted({s for s in severities if s in SEVERE})
    row = session.exec(select(AlertPolicy).where(AlertPolicy.sender == sender)).first()
    before = audit.snapshot(row) if row else None
    if not chosen:
        if row is not None:
            session.delete(row)
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="alert_policy.removed",
                object_type="alert_policy",
                object_id=row.id,
                before=before,
            )
        return None
    row = row or AlertPolicy(sender=sender)
    row.severities, row.updated_at = chosen, utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="alert_policy.saved",
        object_type="alert_policy",
        object_id=row.id,
        before=before,
        after=audit.snapshot(row),
    )
    return row
