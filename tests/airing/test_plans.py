"""The plan builder on the demo organisation: targets, windows, Điều 7.4, flags, versions, rebuilds."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core.airing import plans
from core.airing.models import BroadcastWindow, Plan
from core.records.models import TaskRun
from tests.airing.conftest import board_id, build, cluster_id, local, make_item


def _latest(rt, code: str, day) -> Plan:
    with rt.db.reading() as session:
        return session.exec(select(Plan).where(Plan.board_id == board_id(rt, code), Plan.day == day)
                            .order_by(Plan.version.desc())).first()


def _items(plan: Plan) -> list[int]:
    return [slot[0] for window in plan.entries for slot in window["slots"]]


def test_a_board_gets_the_items_targeted_at_it_inside_its_windows(seeded):
    rt = seeded
    day = rt.settings.today()
    everywhere = make_item(rt, title="Pháp luật", seconds=60)
    mlt_only = make_item(
        rt, title="Cửa khẩu", targets=[{"target_kind": "cluster", "cluster_id": cluster_id(rt, "MLT")}]
    )
    public_only = make_item(rt, title="Xã", targets=[{"target_kind": "cluster_kind", "cluster_kind": "public"}])
    one_board = make_item(rt, title="Bảng 2", targets=[{"target_kind": "board", "board_id": board_id(rt, "MLT-02")}])
    report = build(rt)
    assert report["boards"] >= 10 and report["built"] == report["boards"] * 3
    mlt1 = _latest(rt, "MLT-01", day)
    assert set(_items(mlt1)) == {everywhere, mlt_only}
    assert set(_items(_latest(rt, "MLT-02", day))) == {everywhere, mlt_only, one_board}
    assert set(_items(_latest(rt, "TANPHONG-01", day))) == {everywhere, public_only}
    morning, afternoon = mlt1.entries
    assert morning["start_ms"] == int(local(day, 7).timestamp() * 1000)
    assert afternoon["end_ms"] == int(local(day, 17).timestamp() * 1000)
    # 3 h filled by repetition: the last item ends within its length of the window's end
    last = morning["slots"][-1]
    assert morning["start_ms"] + last[1] + last[2] > morning["end_ms"] - 60_000
    assert mlt1.flags == []


def test_border_gates_favour_foreign_information_and_bilingual_items(seeded):
    rt = seeded
    day = rt.settings.today()
    plain = [make_item(rt, title=f"Tin {n}", seconds=40) for n in range(3)]
    foreign = make_item(rt, title="Quảng bá Lai Châu", category="4", seconds=40)
    bilingual = make_item(rt, title="Song ngữ", languages=["vi", "zh"], seconds=40)
    build(rt)
    gate = _items(_latest(rt, "MLT-01", day))
    commune = _items(_latest(rt, "TANPHONG-01", day))
    assert gate.count(foreign) > gate.count(plain[0]) and gate.count(bilingual) > gate.count(plain[1])
    assert gate[0] in {foreign, bilingual}
    assert abs(commune.count(foreign) - commune.count(plain[0])) <= 1


def test_advertising_stays_under_the_cluster_cap(seeded):
    rt = seeded
    day = rt.settings.today()
    make_item(rt, title="Chính sách", seconds=120)
    ad = make_item(rt, title="Quảng cáo", category="5", seconds=20)
    build(rt)
    for window in _latest(rt, "DOANKET-01", day).entries:
        total = sum(s[2] for s in window["slots"])
        ads = sum(s[2] for s in window["slots"] if s[0] == ad)
        assert 0 < ads <= 0.10 * total


def test_an_item_airs_only_inside_its_period(seeded):
    rt = seeded
    day = rt.settings.today()
    make_item(rt, title="Cả ngày", seconds=30)
    short = make_item(rt, title="Chỉ 8 giờ", seconds=30, valid_from=local(day, 8), valid_to=local(day, 8, 30))
    build(rt)
    plan = _latest(rt, "MLT-01", day)
    for window in plan.entries:
        for item, offset, duration in window["slots"]:
            if item == short:
                start = window["start_ms"] + offset
                assert local(day, 8).timestamp() * 1000 <= start
                assert start + duration <= local(day, 8, 30).timestamp() * 1000


def test_nothing_approved_flags_the_plan_and_a_short_window_is_flagged(seeded):
    rt = seeded
    day = rt.settings.today()
    with rt.db.unit_of_work() as session:
        window = session.exec(select(BroadcastWindow).where(BroadcastWindow.cluster_id == cluster_id(rt, "DOANKET"),
                                                            BroadcastWindow.part == "afternoon")).one()
        window.end_local = window.end_local.replace(hour=15)  # 13:30–15:00: under 3 h
        session.add(window)
    report = build(rt)
    flags = _latest(rt, "DOANKET-01", day).flags
    assert {"no_content", "morning_empty", "afternoon_empty", "afternoon_window_under_minimum"} <= set(flags)
    assert report["flagged"]["DOANKET-01"][day.isoformat()] == flags


def test_rebuilding_unchanged_inputs_keeps_the_version_and_a_change_makes_a_new_one(seeded):
    rt = seeded
    day = rt.settings.today()
    make_item(rt, title="Một", seconds=30)
    first = build(rt)
    again = build(rt)
    assert again["built"] == 0 and again["unchanged"] == first["built"]
    make_item(rt, title="Hai", seconds=30)
    assert build(rt)["built"] == first["built"]
    assert _latest(rt, "MLT-01", day).version == 2
    assert _latest(rt, "MLT-01", day + timedelta(days=2)).version == 2


def test_the_rebuild_task_is_idempotent_and_leaves_a_run_row(seeded):
    rt = seeded
    make_item(rt, title="Một", seconds=30)
    rt.queue.huey.immediate = True
    with rt.db.unit_of_work() as session:
        plans.request_rebuild(session, reason="test")
    with rt.db.unit_of_work() as session:
        plans.request_rebuild(session, reason="test again")
    with rt.db.reading() as session:
        runs = session.exec(select(TaskRun).where(TaskRun.name == "airing.rebuild_plans").order_by(TaskRun.id)).all()
    assert [r.result["built"] > 0 for r in runs] == [True, False]
