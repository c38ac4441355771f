"""Retention that is enforced (Điều 10.1.a: at least 6 months): old plays, heartbeats, delivered notifications
and audit events are removed nightly, but only rows that the newest backup snapshot holds.

The snapshot's own table files are read (their hashes checked against its manifest first), and only ids
found there, older than the limit, are deleted. Plays are summarised per board, local day and item into
`play_summary` in the same transaction, so reports of any period keep their figures. Audit events older
than AUDIT_RETENTION_DAYS are cut as a prefix of the chain; the head where the cut falls is kept as a signed
checkpoint (`keep_checkpoint`, the one function to swap for the audit chain's own signer), from which
`audit.verify` starts.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.airing.models import Board, BroadcastWindow, Heartbeat, Play
from core.airing.plans import local_bounds, windows_on
from core.notify.models import Notification
from core.records import audit, backup
from core.records.models import AuditCheckpoint, AuditEvent, PlaySummary

BATCH = 5000


@dataclass
class RetentionReport:
    snapshot: str | None
    plays: int = 0
    heartbeats: int = 0
    notifications: int = 0
    audit_events: int = 0
    checkpoint_seq: int | None = None
    summaries: int = 0
    skipped: str | None = None
    kept_not_in_snapshot: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def checkpoint_signature(*, seq: int, hash_: str, occurred_at: datetime, key: bytes) -> str:
    message = f"audit-checkpoint:{seq}:{hash_}:{occurred_at.astimezone(UTC).isoformat()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def keep_checkpoint(session: Session, *, event: AuditEvent, key: bytes) -> AuditCheckpoint:
    """Record the chain head at the cut, signed with the audit chain's key (HMAC-SHA256)."""
    row = AuditCheckpoint(seq=event.seq, hash=event.hash, occurred_at=event.occurred_at,
                          signature=checkpoint_signature(seq=event.seq, hash_=event.hash, occurred_at=event.occurred_at,
                                                         key=key))
    session.add(row)
    session.flush()
    return row


def _snapshot_rows(snapshot: Path, table: str, manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    path = backup.table_file(snapshot, table)
    expected = manifest.get("tables", {}).get(table, {}).get("sha256")
    if not path.exists() or expected is None:
        return
    if backup.sha256_of(path) != expected:
        raise backup.BackupError(f"{snapshot.name}: {table} does not match its manifest; nothing removed")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _batches(ids: Iterator[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for i in ids:
        chunk.append(i)
        if len(chunk) >= BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _summarise(session: Session, plays: list[Play], tz: Any, windows: dict[int, list[BroadcastWindow]],
               clusters: dict[int, int]) -> int:
    """Add the plays' contribution to `play_summary` (airtime counted once per board where plays overlap)."""
    sums: dict[tuple[int, date, int | None, bool], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    cursor: dict[int, int] = {}
    for p in sorted(plays, key=lambda p: (p.board_id, p.started_at, p.id)):
        a, b = int(p.started_at.timestamp() * 1000), int(p.ended_at.timestamp() * 1000)
        lo = max(a, cursor.get(p.board_id, 0))
        day = p.started_at.astimezone(tz).date()
        row = sums[(p.board_id, day, p.content_item_id, p.emergency_id is not None)]
        row[0] += 1
        if b > lo:
            cursor[p.board_id] = b
            row[1] += b - lo
            for w in windows_on(windows.get(clusters.get(p.board_id, 0), []), day, tz):
                overlap = min(b, w.end_ms) - max(lo, w.start_ms)
                if overlap > 0 and w.part in ("morning", "afternoon"):
                    row[2 if w.part == "morning" else 3] += overlap
    for (board_id, day, item_id, emergency), (n, aired, morning, afternoon) in sums.items():
        found = session.exec(
            select(PlaySummary).where(
                PlaySummary.board_id == board_id,
                PlaySummary.day == day,
                PlaySummary.emergency == emergency,
                col(PlaySummary.content_item_id).is_(None)
                if item_id is None
                else PlaySummary.content_item_id == item_id,
            )
        ).first()
        found = found or PlaySummary(board_id=board_id, day=day, content_item_id=item_id, emergency=emergency)
        found.plays += n
        found.aired_ms += aired
        found.morning_ms += morning
        found.afternoon_ms += afternoon
        session.add(found)
    session.flush()
    return len(sums)


def enforce(session: Session, *, settings: Any, now: datetime, backup_dir: Path | None = None) -> RetentionReport:
    """Remove what is older than its retention and held by the newest snapshot; flushes, never commits."""
    snapshots = backup.list_snapshots(backup_dir or settings.backup_path)
    if not snapshots:
        return RetentionReport(snapshot=None, skipped="no backup snapshot: nothing is removed before it is backed up")
    snapshot = snapshots[-1]
    manifest = backup.read_manifest(snapshot)
    report = RetentionReport(snapshot=snapshot.name)
    tz = settings.tz
    today = now.astimezone(tz).date()
    airing_cut, _ = local_bounds(today - timedelta(days=settings.airing_retention_days), tz)
    audit_cut = now - timedelta(days=settings.audit_retention_days)

    # Plays: summarised, then removed.
    boards = {b.id: b.cluster_id for b in session.exec(select(Board)).all() if b.id is not None}
    windows: dict[int, list[BroadcastWindow]] = defaultdict(list)
    for w in session.exec(select(BroadcastWindow)).all():
        windows[w.cluster_id].append(w)
    old = (
        r["id"]
        for r in _snapshot_rows(snapshot, "play", manifest)
        if (m := _moment(r.get("started_at"))) is not None and m < airing_cut
    )
    for ids in _batches(old):
        rows = list(session.exec(select(Play).where(col(Play.id).in_(ids), col(Play.started_at) < airing_cut)).all())
        if rows:
            report.summaries += _summarise(session, rows, tz, windows, boards)
            session.exec(delete(Play).where(col(Play.id).in_([r.id for r in rows])))
            report.plays += len(rows)
    # Heartbeats and delivered notifications: removed.
    old = (
        r["id"]
        for r in _snapshot_rows(snapshot, "heartbeat", manifest)
        if (m := _moment(r.get("received_at"))) is not None and m < airing_cut
    )
    for ids in _batches(old):
        report.heartbeats += (
            session.exec(
                delete(Heartbeat).where(col(Heartbeat.id).in_(ids), col(Heartbeat.received_at) < airing_cut)
            ).rowcount
            or 0
        )
    old = (
        r["id"]
        for r in _snapshot_rows(snapshot, "notification", manifest)
        if r.get("state") == "sent" and (m := _moment(r.get("created_at"))) is not None and m < airing_cut
    )
    for ids in _batches(old):
        report.notifications += (
            session.exec(
                delete(Notification).where(
                    col(Notification.id).in_(ids),
                    col(Notification.state) == "sent",
                    col(Notification.created_at) < airing_cut,
                )
            ).rowcount
            or 0
        )
    # Audit events: a prefix of the chain that the snapshot holds, with a signed checkpoint of its head.
    last = 0
    for r in _snapshot_rows(snapshot, "audit_event", manifest):
        moment = _moment(r.get("occurred_at"))
        if moment is None or moment >= audit_cut:
            break  # rows are in id order, which is seq order: the prefix ends here
        last = int(r["seq"])
    head = session.exec(select(AuditEvent).where(AuditEvent.seq == last)).first() if last else None
    if head is not None:
        keep_checkpoint(session, event=head, key=settings.audit_hmac_key())
        report.audit_events = session.exec(delete(AuditEvent).where(col(AuditEvent.seq) <= last)).rowcount or 0
        report.checkpoint_seq = last
    session.flush()
    if report.plays or report.heartbeats or report.notifications or report.audit_events:
        audit.record(
            session, actor=audit.SYSTEM, action="records.retention", object_type="retention", after=report.as_dict()
        )
    return report
