"""The demo organisation: realistic Lai Châu data, loaded twice without duplicates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import select

from core.airing.models import Board, BroadcastWindow, Cluster
from core.notify.models import DeadlineRule
from core.org import service as org
from core.org.models import Officer, Unit
from core.org.seed import load_organisation, read_organisation
from core.records import audit
from core.types import Duty, Role


def _seed(rt) -> dict[str, int]:
    with rt.db.unit_of_work() as session:
        return load_organisation(session, data=read_organisation(), actor=audit.SYSTEM)


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_seeding_twice_changes_nothing_the_second_time(rt_any) -> None:
    first = _seed(rt_any)
    with rt_any.db.reading() as session:
        before = {
            m.__name__: _count(session, m) for m in (Unit, Cluster, Board, BroadcastWindow, DeadlineRule, Officer)
        }
    second = _seed(rt_any)
    with rt_any.db.reading() as session:
        after = {m.__name__: _count(session, m) for m in (Unit, Cluster, Board, BroadcastWindow, DeadlineRule, Officer)}
        assert audit.verify(session).ok
    assert first and second == {}
    assert before == after


def test_border_gate_clusters_and_public_boards_with_three_plus_three_hours(rt) -> None:
    _seed(rt)
    with rt.db.reading() as session:
        border = session.exec(select(Cluster).where(Cluster.kind == "border_gate")).all()
        assert {"Cụm TTĐTCC cửa khẩu quốc tế Ma Lù Thàng", "Cụm TTĐTCC cửa khẩu U Ma Tu Khoòng"} <= {
            c.name for c in border
        }
        operators = {session.get(Unit, c.operator_unit_id).name for c in border}
        assert operators == {"Ban Quản lý Khu kinh tế tỉnh Lai Châu"}
        for cluster in session.exec(select(Cluster)).all():
            boards = session.exec(select(Board).where(Board.cluster_id == cluster.id)).all()
            assert boards, cluster.code
            windows = {
                w.part: w for w in session.exec(select(BroadcastWindow).where(BroadcastWindow.cluster_id == cluster.id))
            }
            for part in ("morning", "afternoon"):
                w = windows[part]
                length = datetime.combine(date.min, w.end_local) - datetime.combine(date.min, w.start_local)
                assert length.total_seconds() >= 3 * 3600, (cluster.code, part)


def test_the_editor_duty_follows_the_2025_mergers(rt) -> None:
    _seed(rt)
    with rt.db.reading() as session:
        def editor_on(day: date) -> list[str]:
            return [u.code for u in org.units_with_duty(session, duty=Duty.provincial_editor, on=day)]

        assert editor_on(date(2024, 7, 1)) == ["STTTT"]
        assert editor_on(date(2025, 4, 1)) == ["SKHCN"]
        assert editor_on(date(2026, 11, 28)) == ["SVHTTDL"]
        merged = session.exec(select(Unit).where(Unit.code == "BAOLC")).one()
        assert session.get(Unit, merged.successor_id).name == "Báo và Phát thanh, Truyền hình Lai Châu"
        assert "BAOLC" not in [u.code for u in org.list_units(session, on=date(2026, 1, 1))]


def test_deadline_rules_of_articles_10_and_14(rt) -> None:
    _seed(rt)
    with rt.db.reading() as session:
        rules = {r.article: r for r in session.exec(select(DeadlineRule)).all()}
    assert rules["Điều 10.1.c"].recurrence == "monthly" and rules["Điều 10.1.c"].due_day == 20
    assert rules["Điều 10.1.b"].recurrence == "quarterly" and "border_guard" in rules["Điều 10.1.b"].applies_to_kinds
    assert (rules["Điều 14.1"].due_month, rules["Điều 14.1"].due_day, rules["Điều 14.1"].due_exclusive) == (
        12,
        15,
        True,
    )
    assert rules["Điều 14.1"].period_cutoff_day == 15
    assert rules["Điều 14.2"].applies_to_duty == "provincial_editor"
    assert rules["Điều 14.2"].reminder_offsets == [-7, -3, -1, 0, 1, 3]


def test_one_demo_login_per_role(rt) -> None:
    _seed(rt)
    with rt.db.reading() as session:
        roles = {o.role for o in session.exec(select(Officer).where(Officer.username.is_not(None))).all()}
    assert roles == {r.value for r in Role}


def test_seeding_again_keeps_what_people_changed_in_the_web(rt) -> None:
    from core.accounts import access
    from core.airing import clusters

    _seed(rt)
    today = date.today()
    with rt.db.unit_of_work() as session:
        admin = session.exec(select(Officer).where(Officer.role == Role.administrator.value)).first()
        scope = access.scope_of(session, officer=admin, on=today)
        cluster = session.exec(select(Cluster).order_by(Cluster.id)).first()
        values = {k: getattr(cluster, k) for k in clusters.CLUSTER_FIELDS}
        clusters.save_cluster(session, scope=scope, cluster=cluster, values={**values, "name": "Cụm đã đổi tên"},
                              on=today, actor=audit.SYSTEM)
        unit = session.exec(select(Unit).order_by(Unit.id)).first()
        unit.name = "Đơn vị đã đổi tên"  # as the units page saves it
        session.add(unit)
        cluster_id, unit_id = cluster.id, unit.id
    assert _seed(rt) == {}
    with rt.db.reading() as session:
        assert session.get(Cluster, cluster_id).name == "Cụm đã đổi tên"
        assert session.get(Unit, unit_id).name == "Đơn vị đã đổi tên"
