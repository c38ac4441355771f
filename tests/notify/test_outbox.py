"""The outbox writer: one row per event per person, ever, with the officer's language."""

from __future__ import annotations

import threading

from sqlmodel import select

from core.notify.models import Notification
from core.notify.outbox import dedupe_key, notify, notify_many
from tests.notify.conftest import add_people


def test_one_row_per_event_per_person_even_when_written_twice(rt) -> None:
    [(officer, _)] = add_people(rt, 1, first_chat=500, language="en")
    with rt.db.unit_of_work() as s:
        first = notify(s, officer_id=officer, event="review.rejected", object_type="submission", object_id=7,
                       payload={"code": "BT-1", "reason": "blurred"})
        again = notify(s, officer_id=officer, event="review.rejected", object_type="submission", object_id=7,
                       payload={"code": "BT-1", "reason": "blurred"})
    assert first is not None and again is None
    with rt.db.reading() as s:
        rows = s.exec(select(Notification)).all()
    assert len(rows) == 1
    assert rows[0].dedupe_key == dedupe_key(event="review.rejected", object_type="submission", object_id=7,
                                            officer_id=officer) == f"review.rejected:submission:7:{officer}"
    assert rows[0].language == "en" and rows[0].state == "queued" and rows[0].payload["reason"] == "blurred"


def test_a_rolled_back_change_tells_nobody(rt) -> None:
    [(officer, _)] = add_people(rt, 1, first_chat=510)
    try:
        with rt.db.unit_of_work() as s:
            notify(s, officer_id=officer, event="play.first", object_type="content_item", object_id=1, payload={})
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    with rt.db.reading() as s:
        assert s.exec(select(Notification)).all() == []


def test_racing_writers_on_both_databases_leave_one_row(rt_any) -> None:
    people = add_people(rt_any, 3, first_chat=520)
    barrier = threading.Barrier(4)

    def write() -> None:
        barrier.wait()
        with rt_any.db.unit_of_work() as s:
            notify_many(s, officer_ids=[p for p, _ in people], event="emergency.started", object_type="emergency",
                        object_id=3, payload={"title": "Lũ quét"}, urgent=True)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with rt_any.db.reading() as s:
        rows = s.exec(select(Notification)).all()
    assert sorted(r.officer_id for r in rows) == sorted(p for p, _ in people)
    assert all(r.urgent for r in rows)


def test_writing_kicks_one_delivery_pass_after_commit(rt) -> None:
    people = add_people(rt, 3, first_chat=530)
    before = rt.queue.pending()
    with rt.db.unit_of_work() as s:
        notify_many(s, officer_ids=[p for p, _ in people], event="board.offline", object_type="incident",
                    object_id=1, payload={"board": "B1", "last_seen_at": "2026-11-28T10:00:00+00:00"})
        assert rt.queue.pending() == before  # nothing is sent before the commit
    assert rt.queue.pending() == before + 1
