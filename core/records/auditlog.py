"""Reading the audit log: filters for the viewer and a CSV export (administrators and inspectors)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

import i18n
from core.accounts import access
from core.records import audit, exports
from core.records.models import AuditEvent
from core.types import Role

PAGE = 100
READERS = (Role.administrator, Role.inspector)


@dataclass(frozen=True, slots=True)
class Filters:
    action: str = ""  # a prefix: "review." or "auth.login_failed"
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    start: date | None = None
    end: date | None = None
    page: int = 1


def _where(filters: Filters, tz: ZoneInfo) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.action:
        where.append(col(AuditEvent.action).startswith(filters.action, autoescape=True))
    if filters.actor:
        where.append(col(AuditEvent.actor_label).contains(filters.actor, autoescape=True))  # 50% is literal
    if filters.object_type:
        where.append(col(AuditEvent.object_type) == filters.object_type)
    if filters.object_id:
        where.append(col(AuditEvent.object_id) == filters.object_id)
    if filters.start:
        where.append(col(AuditEvent.occurred_at) >= datetime.combine(filters.start, time(0), tz))
    if filters.end:
        where.append(col(AuditEvent.occurred_at) < datetime.combine(filters.end + timedelta(days=1), time(0), tz))
    return where


def events(session: Session, *, scope: access.Scope, filters: Filters, tz: ZoneInfo) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, and the total matching."""
    access.require_role(scope.officer, *READERS)
    where = _where(filters, tz)
    total = int(session.exec(select(func.count()).select_from(AuditEvent).where(*where)).one())
    rows = session.exec(select(AuditEvent).where(*where).order_by(col(AuditEvent.seq).desc())
                        .offset((max(filters.page, 1) - 1) * PAGE).limit(PAGE)).all()
    return list(rows), total


def export_csv(session: Session, *, scope: access.Scope, filters: Filters, tz: ZoneInfo,
               actor: audit.Actor, language: str = i18n.DEFAULT_LANGUAGE) -> Iterator[str]:
    """The matching events as CSV lines (oldest first); the export itself is audited first.

    Headers, channels, actions and object kinds are in the reader's `language`; an action without a
    label stays its code."""
    access.require_role(scope.officer, *READERS)
    where = _where(filters, tz)
    audit.record(session, actor=actor, action="audit.exported", object_type="audit_event",
                 after={f: str(getattr(filters, f)) for f in Filters.__dataclass_fields__
                        if getattr(filters, f) and f != "page"})
    rows = session.exec(select(AuditEvent).where(*where).order_by(col(AuditEvent.seq))).all()

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = exports.writer(buffer)
        writer.writerow(i18n.csv_header(language, "No.", "Time", "Who", "Channel", "Address", "Action", "Object",
                                        "Object number", "Before", "After", "Chain hash"))
        for e in rows:
            writer.writerow([e.seq, e.occurred_at.astimezone(tz).isoformat(), e.actor_label,
                             i18n.label(language, "channel", e.channel), e.address or "",
                             i18n.label(language, "audit_action", e.action),
                             i18n.label(language, "audit_object", e.object_type), e.object_id or "",
                             json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                             json.dumps(e.after, ensure_ascii=False) if e.after is not None else "", e.hash])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    header = "\ufeff"  # Excel opens UTF-8 Vietnamese correctly with a BOM

    def with_bom() -> Iterator[str]:
        yield header
        yield from lines()
    return with_bom()
