"""Searching for "50%" or "a_b" finds those characters, not any text: LIKE wildcards are escaped."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.records import auditlog
from core.records.audit import Actor, record
from core.records.models import AuditEvent
from core.runtime import Runtime
from core.types import Channel

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _actors(rt: Runtime, text: str) -> list[str]:
    with rt.db.reading() as session:
        where = auditlog._where(auditlog.Filters(actor=text), TZ)
        return list(session.exec(select(AuditEvent.actor_label).where(*where)
                                 .order_by(col(AuditEvent.seq))).all())


def test_audit_actor_filter_takes_percent_and_underscore_literally(rt: Runtime) -> None:
    with rt.db.unit_of_work() as session:
        for label in ("Giảm 50% phí", "Giảm 500 phí", "nguyen_van_a", "nguyenXvanXa"):
            record(session, actor=Actor(label=label, channel=Channel.system), action="test.like")
    assert _actors(rt, "50%") == ["Giảm 50% phí"]
    assert _actors(rt, "n_v") == ["nguyen_van_a"]
