"""The weekly airing summary: one message per officer whose items aired, counted in the local week."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from core.airing.models import Board, Cluster, Play
from core.intake.models import Submission
from core.notify import weekly
from core.notify.models import Notification
from core.notify.tasks import run_weekly
from core.org.models import Officer, Unit
from core.records.models import TaskRun
from core.review.models import ContentItem
from core.runtime import Runtime

WEEK = date(2026, 11, 23)  # a Monday
_uids = itertools.count(1)


def at_local(day: date, hh: int, mm: int = 0) -> datetime:
    """A wall-clock time in Lai Châu (UTC+7, no DST) as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC) - timedelta(hours=7)


def world(rt: Runtime) -> dict[str, int]:
    """A unit, three officers, one board, and one aired-able item per submission code."""
    with rt.db.unit_of_work() as s:
        unit = Unit(code="WK01", name="Xã Thử", kind="commune")
        s.add(unit)
        s.flush()
        a, b, c = (Officer(unit_id=unit.id, full_name=n, role="contributor") for n in ("An", "Bình", "Chi"))  # type: ignore[arg-type]
        s.add_all([a, b, c])
        s.flush()
        cluster = Cluster(code="CWK", name="Cụm", kind="public", operator_unit_id=unit.id)  # type: ignore[arg-type]
        s.add(cluster)
        s.flush()
        board = Board(code="BWK", name="Bảng", cluster_id=cluster.id)  # type: ignore[arg-type]
        s.add(board)
        s.flush()
        ids: dict[str, int] = {"a": a.id, "b": b.id, "c": c.id, "board": board.id}  # type: ignore[dict-item]
        for code, officer in (("BT-A1", a), ("BT-A2", a), ("BT-B1", b), ("BT-C1", c)):
            sub = Submission(code=code, officer_id=officer.id, unit_id=unit.id, channel="web", state="approved")  # type: ignore[arg-type]
            s.add(sub)
            s.flush()
            item = ContentItem(
                submission_id=sub.id,
                unit_id=unit.id,
                title=code,
                kind="video",
                category="1",  # type: ignore[arg-type]
                valid_from=at_local(WEEK, 0) - timedelta(days=30),
                valid_to=at_local(WEEK, 0) + timedelta(days=30),
            )
            s.add(item)
            s.flush()
            ids[code] = item.id  # type: ignore[assignment]
    return ids


def play(rt: Runtime, ids: dict[str, int], code: str, when: datetime) -> None:
    with rt.db.unit_of_work() as s:
        s.add(Play(board_id=ids["board"], play_uid=f"p{next(_uids)}", content_item_id=ids[code],
                   started_at=when, ended_at=when + timedelta(seconds=30)))


def summaries(rt: Runtime) -> dict[int, dict]:
    with rt.db.reading() as s:
        rows = s.exec(select(Notification).where(Notification.event == "airing.weekly")).all()
        return {r.officer_id: r.payload for r in rows}


def run(rt: Runtime) -> int:
    with rt.db.unit_of_work() as s:
        return weekly.weekly_summaries(s, week_start=WEEK, tz=rt.settings.tz)


def test_counts_per_officer_and_nothing_for_the_silent(rt: Runtime) -> None:
    ids = world(rt)
    for _ in range(3):
        play(rt, ids, "BT-A1", at_local(WEEK, 9))
    play(rt, ids, "BT-A2", at_local(WEEK + timedelta(days=2), 10))
    play(rt, ids, "BT-B1", at_local(WEEK + timedelta(days=6), 23, 59))
    assert run(rt) == 2
    got = summaries(rt)
    assert set(got) == {ids["a"], ids["b"]}  # Chi's item never aired: no message
    assert got[ids["a"]] == {"week_start": "2026-11-23", "week_end": "2026-11-29",
                             "items": [{"code": "BT-A1", "plays": 3}, {"code": "BT-A2", "plays": 1}]}
    assert got[ids["b"]]["items"] == [{"code": "BT-B1", "plays": 1}]


def test_second_run_writes_nothing_new(rt: Runtime) -> None:
    ids = world(rt)
    play(rt, ids, "BT-A1", at_local(WEEK, 12))
    assert run(rt) == 1
    play(rt, ids, "BT-B1", at_local(WEEK, 13))  # a late play: the first message for Bình, none again for An
    assert run(rt) == 1
    assert run(rt) == 0
    with rt.db.reading() as s:
        assert len(s.exec(select(Notification).where(Notification.event == "airing.weekly")).all()) == 2


def test_week_boundaries_are_local(rt: Runtime) -> None:
    ids = world(rt)
    # Monday 00:00 local is Sunday 17:00 UTC: in the week.
    play(rt, ids, "BT-A1", at_local(WEEK, 0))
    # Sunday 23:59 local before the week (Sunday 16:59 UTC): outside.
    play(rt, ids, "BT-B1", at_local(WEEK - timedelta(days=1), 23, 59))
    # Next Monday 00:00 local (the end, exclusive) and 06:00 local on that Monday (still the previous UTC day): outside.
    play(rt, ids, "BT-C1", at_local(WEEK + timedelta(days=7), 0))
    play(rt, ids, "BT-C1", at_local(WEEK + timedelta(days=7), 6))
    # Sunday 20:00 local is Sunday 13:00 UTC: inside.
    play(rt, ids, "BT-A2", at_local(WEEK + timedelta(days=6), 20))
    assert run(rt) == 1
    got = summaries(rt)
    assert set(got) == {ids["a"]}
    assert got[ids["a"]]["items"] == [{"code": "BT-A1", "plays": 1}, {"code": "BT-A2", "plays": 1}]


def test_plays_outside_the_week_and_emergency_plays_are_ignored(rt: Runtime) -> None:
    ids = world(rt)
    play(rt, ids, "BT-A1", at_local(WEEK - timedelta(days=3), 12))
    play(rt, ids, "BT-A1", at_local(WEEK + timedelta(days=10), 12))
    with rt.db.unit_of_work() as s:  # a play with no content item (an emergency) counts for nobody
        s.add(Play(board_id=ids["board"], play_uid="emerg", started_at=at_local(WEEK, 12),
                   ended_at=at_local(WEEK, 12) + timedelta(seconds=30)))
    assert run(rt) == 0
    assert summaries(rt) == {}


def test_task_run_leaves_a_row_and_the_previous_week_is_a_monday(rt: Runtime) -> None:
    ids = world(rt)
    play(rt, ids, "BT-C1", at_local(WEEK, 8))
    result = run_weekly(rt, week_start=WEEK)
    assert result["queued"] == 1
    with rt.db.reading() as s:
        done = s.exec(select(TaskRun).where(TaskRun.name == "airing.weekly_summary")).one()
        assert done.ok and done.finished_at is not None and done.result == {"week_start": "2026-11-23", "queued": 1}
    # Monday 01:00 UTC = 08:00 local Monday 30 Nov: the week just ended started on 23 Nov.
    assert weekly.previous_week_start(now=datetime(2026, 11, 30, 1, 0, tzinfo=UTC), tz=rt.settings.tz) == WEEK
    # Sunday 20:00 UTC is already Monday 03:00 local: still the week of 23 Nov.
    assert weekly.previous_week_start(now=datetime(2026, 11, 29, 20, 0, tzinfo=UTC), tz=rt.settings.tz) == WEEK
    assert "airing.weekly_summary" in rt.queue.names and "airing.weekly_tick" in rt.queue.names
