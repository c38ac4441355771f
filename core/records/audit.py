"""The audit log: who did what, when, from where, before/after; a hash chain makes tampering visible."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, col, select

from core.records.models import AuditEvent
from core.types import Channel, utcnow

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Actor:
    """The person or process behind a change, and where it came from."""

    label: str
    channel: Channel
    officer_id: int | None = None
    address: str | None = None


SYSTEM = Actor(label="system", channel=Channel.system)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: SQLModel, *, exclude: frozenset[str] = frozenset({"password_hash", "totp_secret"})) -> dict[str, Any]:
    """The column values of a row as JSON-safe data, secrets left out."""
    return {k: _jsonable(v) for k, v in obj.model_dump().items() if k not in exclude}


def _digest(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "channel": event.channel,
        "address": event.address,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str | None = None,
    object_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's unit of work."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appenders: two transactions must never both extend the same link.
        session.execute(text("SELECT pg_advisory_xact_lock(7261001)"))
    last = session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
    if last is None:  # every event was cut by retention: the chain goes on from the checkpoint's head
        from core.records.models import AuditCheckpoint

        head = session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq).desc()).limit(1)).first()
        if head is not None:
            seq, prev_hash = head.seq + 1, head.hash
    event = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        actor_id=actor.officer_id,
        actor_label=actor.label,
        channel=str(actor.channel),
        address=actor.address,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=prev_hash,
        hash="",  # set below, from the other fields
    )
    event.hash = _digest(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events: int
    broken_at: int | None = None
    reason: str | None = None


def verify(session: Session, *, batch: int = 5000, key: str | None = None) -> ChainReport:
    """Walk the chain in order, recomputing every hash; report the first broken link.

    Where retention cut old events, the walk starts at the latest checkpoint (the head at the cut); with
    `key`, the checkpoint's signature is checked too.
    """
    from core.records.models import AuditCheckpoint

    expected_prev, expected_seq, count = GENESIS, 1, 0
    after_seq = 0
    checkpoint = session.exec(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1)).first()  # type: ignore[attr-defined]
    if checkpoint is not None:
        if key is not None:
            from core.records.retention import checkpoint_signature

            signed = checkpoint_signature(seq=checkpoint.seq, hash_=checkpoint.hash,
                                          occurred_at=checkpoint.occurred_at, key=key)
            if signed != checkpoint.signature:
                return ChainReport(False, 0, checkpoint.seq, "the checkpoint's signature does not match")
        expected_prev, expected_seq, after_seq = checkpoint.hash, checkpoint.seq + 1, checkpoint.seq
    while True:
        rows = session.exec(
            select(AuditEvent).where(col(AuditEvent.seq) > after_seq).order_by(col(AuditEvent.seq)).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                return ChainReport(False, count, event.seq, f"missing event {expected_seq}")
            if event.prev_hash != expected_prev:
                return ChainReport(False, count, event.seq, "link to the previous event does not match")
            if _digest(event) != event.hash:
                return ChainReport(False, count, event.seq, "content changed after it was written")
            expected_prev, expected_seq, count = event.hash, expected_seq + 1, count + 1
        after_seq = rows[-1].seq
    total = session.exec(select(func.count()).select_from(AuditEvent)).one()
    if total != count:
        return ChainReport(False, count, None, "events outside the sequence")
    return ChainReport(True, count)
