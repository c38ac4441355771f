"""The audit log: who did what, when, from where, before/after; a keyed hash chain makes tampering visible.

Each event's hash is an HMAC (SHA-256) of its content and the previous hash, under a key that is not
in the database (Settings.audit_hmac_key): someone who can edit the database can neither recompute
the chain after an edit nor forge its head. Truncation (the newest events, or all of them) is found
against signed checkpoints (sequence, hash, time) written outside the database, into the backup
directory and the log, at intervals; `bangtin audit verify` checks the chain against them.

Events written before the chain was keyed (plain SHA-256) are accepted only as a prefix: the first
keyed event covers the last of them, so they cannot be recomputed either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, col, select

from core.records.models import AuditEvent
from core.types import Channel, utcnow

GENESIS = "0" * 64
CHECKPOINTS = "audit-checkpoints.jsonl"
log = logging.getLogger("bangtin.audit")


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


# Personal data (Decree 13/2023) never goes into the append-only log, which cannot forget it: the
# event says that the field was set or changed, and the row it belongs to is the reference.
PERSONAL_FIELDS = frozenset({"phone", "external_id", "display_name"})
PERSONAL = "[personal data]"


def snapshot(obj: SQLModel, *, exclude: frozenset[str] = frozenset({"password_hash", "totp_secret"})) -> dict[str, Any]:
    """The column values of a row as JSON-safe data, secrets left out and personal data replaced by a marker."""
    return {k: (PERSONAL if k in PERSONAL_FIELDS and v is not None else _jsonable(v))
            for k, v in obj.model_dump().items() if k not in exclude}


def _canonical(event: AuditEvent) -> bytes:
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
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _legacy_digest(event: AuditEvent) -> str:
    """The unkeyed digest of events written before the chain was keyed."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def _digest(event: AuditEvent, key: bytes) -> str:
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def _key_of(session: Session) -> bytes:
    key = session.info.get("audit_key")
    if not key:
        raise RuntimeError("the audit chain needs its key: the session must come from core.db.Database "
                           "built with the settings (BANGTIN_SECRET_KEY or BANGTIN_AUDIT_KEY)")
    return bytes(key)


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
    event.hash = _digest(event, _key_of(session))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events: int
    broken_at: int | None = None
    reason: str | None = None


def verify(session: Session, *, batch: int = 5000, key: bytes | None = None,
           checkpoints: list[dict[str, Any]] | None = None) -> ChainReport:
    """Walk the chain in order, recomputing every keyed hash; then hold it against the checkpoints.

    Where retention cut old events, the walk starts at the latest cut kept in the database (the head at
    the cut, signed with the audit key); checkpoints of the file at or below the cut are checked by
    signature only, since their events are legitimately gone.
    """
    from core.records.models import AuditCheckpoint
    from core.records.retention import checkpoint_signature

    key = key or _key_of(session)
    expected_prev, expected_seq, count = GENESIS, 1, 0
    legacy_allowed = True  # an unkeyed prefix (before the key existed); never after a keyed event
    after_seq = 0
    cut = session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq).desc()).limit(1)).first()
    if cut is not None:
        signed = checkpoint_signature(seq=cut.seq, hash_=cut.hash, occurred_at=cut.occurred_at, key=key)
        if not hmac.compare_digest(signed, cut.signature):
            return ChainReport(False, 0, cut.seq, "the retention checkpoint's signature does not match")
        expected_prev, expected_seq, after_seq, legacy_allowed = cut.hash, cut.seq + 1, cut.seq, False
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
            if hmac.compare_digest(_digest(event, key), event.hash):
                legacy_allowed = False
            elif not (legacy_allowed and _legacy_digest(event) == event.hash):
                return ChainReport(False, count, event.seq, "content changed after it was written")
            expected_prev, expected_seq, count = event.hash, expected_seq + 1, count + 1
        after_seq = rows[-1].seq
    total = session.exec(select(func.count()).select_from(AuditEvent)).one()
    if total != count:
        return ChainReport(False, count, None, "events outside the sequence")
    for point in checkpoints or []:
        problem = _check_point(session, point, key, cut=(cut.seq, cut.hash) if cut else None)
        if problem:
            return ChainReport(False, count, point.get("seq"), problem)
    return ChainReport(True, count)


# --- checkpoints: the chain's head, signed, kept outside the database ------------------------------

def _sign(key: bytes, seq: int, digest: str, at: str) -> str:
    return hmac.new(key, f"{seq}|{digest}|{at}".encode(), hashlib.sha256).hexdigest()


def checkpoint_path(settings: Any) -> Path:
    return Path(settings.backup_path) / CHECKPOINTS


def write_checkpoint(session: Session, *, settings: Any) -> dict[str, Any] | None:
    """Append the chain's head (sequence, hash, time, signature) to the backup directory and the log."""
    key = settings.audit_hmac_key()
    last = session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1)).first()
    if last is None:
        return None
    at = utcnow().isoformat()
    point = {"seq": last.seq, "hash": last.hash, "at": at, "mac": _sign(key, last.seq, last.hash, at)}
    path = checkpoint_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(point, sort_keys=True) + "\n")
        handle.flush()
    log.info("audit.checkpoint seq=%s hash=%s at=%s mac=%s", point["seq"], point["hash"], at, point["mac"])
    return point


def read_checkpoints(settings: Any) -> list[dict[str, Any]]:
    """Every checkpoint in the backup directory (none yet: an empty list)."""
    path = checkpoint_path(settings)
    if not path.is_file():
        return []
    points = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                points.append(json.loads(line))
            except json.JSONDecodeError:
                points.append({"broken": line[:80]})
    return points


def _check_point(session: Session, point: dict[str, Any], key: bytes, *, cut: tuple[int, str] | None = None
                 ) -> str | None:
    try:
        seq, digest, at, mac = int(point["seq"]), str(point["hash"]), str(point["at"]), str(point["mac"])
    except (KeyError, TypeError, ValueError):
        return "a checkpoint line is unreadable"
    if not hmac.compare_digest(_sign(key, seq, digest, at), mac):
        return f"checkpoint {seq} at {at} is not signed with the audit key (forged or edited)"
    if cut is not None and seq <= cut[0]:  # retention removed these events after keeping the head at the cut
        differs = seq == cut[0] and digest != cut[1]
        return f"checkpoint {seq} at {at}: differs from the retention cut" if differs else None
    event = session.exec(select(AuditEvent).where(AuditEvent.seq == seq)).first()
    if event is None:
        return f"checkpoint {seq} at {at}: the event is gone (the log was truncated)"
    if event.hash != digest:
        return f"checkpoint {seq} at {at}: the event's hash differs (the log was rewritten)"
    return None
