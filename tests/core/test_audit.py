"""The audit log: append-only in the database, and tampering is found by `audit verify`."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.records import audit
from core.types import Channel

EDITOR = audit.Actor(label="bientap", channel=Channel.web, officer_id=None, address="10.0.0.5")


def _append(rt, n: int) -> None:
    for i in range(n):
        with rt.db.unit_of_work() as session:
            audit.record(session, actor=EDITOR, action="unit.updated", object_type="unit", object_id=i,
                         before={"name": "Sở Thông tin và Truyền thông"}, after={"name": "Sở Khoa học và Công nghệ"})


def test_events_record_who_what_when_where_and_verify(rt_any) -> None:
    _append(rt_any, 3)
    with rt_any.db.reading() as session:
        report = audit.verify(session)
        first = session.exec(text("SELECT actor_label, channel, address, action FROM audit_event WHERE seq = 1")).one()
    assert report.ok and report.events == 3
    assert tuple(first) == ("bientap", "web", "10.0.0.5", "unit.updated")


def test_update_and_delete_are_refused_by_the_database(rt_any) -> None:
    _append(rt_any, 1)
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            with rt_any.db.unit_of_work() as session:
                session.exec(text(statement))


def test_tampering_behind_the_triggers_is_detected(rt) -> None:
    _append(rt, 5)
    with rt.db.unit_of_work() as session:  # an attacker with database access
        session.exec(text("DROP TRIGGER audit_event_no_update"))
        session.exec(text("UPDATE audit_event SET after = '{\"name\": \"forged\"}' WHERE seq = 3"))
    with rt.db.reading() as session:
        report = audit.verify(session)
    assert not report.ok
    assert report.broken_at == 3
    assert report.events == 2


def test_a_deleted_event_breaks_the_chain(rt) -> None:
    _append(rt, 4)
    with rt.db.unit_of_work() as session:
        session.exec(text("DROP TRIGGER audit_event_no_delete"))
        session.exec(text("DELETE FROM audit_event WHERE seq = 2"))
    with rt.db.reading() as session:
        report = audit.verify(session)
    assert not report.ok and report.broken_at == 3


def test_concurrent_appenders_keep_one_linear_chain(rt_any) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            _append(rt_any, 10)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with rt_any.db.reading() as session:
        report = audit.verify(session)
    assert report.ok and report.events == 40
