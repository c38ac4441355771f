"""The real organisation (38 commune-level units since 1 July 2025) and the hand-over to successors."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from core.airing.models import Cluster
from core.notify.models import DeadlineRule, DeadlineRuleUnit, Obligation
from core.org import service as org
from core.org import succession
from core.org.models import Officer, Unit, UnitDuty
from core.org.seed import load_organisation, read_organisation
from core.records import audit
from core.records.models import AuditEvent
from core.types import Duty, ObligationStatus

# Resolution 1670/NQ-UBTVQH15, Article 1: the 34 communes and 2 wards formed, and the 2 left as they were.
FORMED_COMMUNES = [
    "Mường Kim", "Khoen On", "Than Uyên", "Mường Than", "Pắc Ta", "Nậm Sỏ", "Tân Uyên", "Mường Khoa", "Bản Bo",
    "Bình Lư", "Tả Lèng", "Khun Há", "Sin Suối Hồ", "Phong Thổ", "Dào San", "Sì Lở Lầu", "Khổng Lào", "Tủa Sín Chải",
    "Sìn Hồ", "Hồng Thu", "Nậm Tăm", "Pu Sam Cáp", "Nậm Cuổi", "Nậm Mạ", "Lê Lợi", "Nậm Hàng", "Mường Mô",
    "Hua Bum", "Pa Tần", "Bum Nưa", "Bum Tở", "Mường Tè", "Thu Lũm", "Pa Ủ",
]
WARDS = ["Tân Phong", "Đoàn Kết"]
UNCHANGED = ["Mù Cả", "Tà Tổng"]
DAY_ONE = date(2025, 7, 1)


def _seed(rt) -> None:
    with rt.db.unit_of_work() as session:
        load_organisation(session, data=read_organisation(), actor=audit.SYSTEM)


def _unit(session, code: str) -> Unit:
    return session.exec(select(Unit).where(Unit.code == code)).one()


def test_the_38_commune_level_units_in_force_since_1_july_2025(rt) -> None:
    _seed(rt)
    with rt.db.reading() as session:
        local = [u for u in org.list_units(session, on=DAY_ONE) if u.kind in ("commune", "ward")]
        communes = sorted(u.short_name for u in local if u.kind == "commune")
        wards = sorted(u.short_name for u in local if u.kind == "ward")
        assert communes == sorted(f"Xã {n}" for n in FORMED_COMMUNES + UNCHANGED)
        assert wards == sorted(f"Phường {n}" for n in WARDS)
        assert len(local) == 38
        # The day before, the old map: 8 districts and 106 commune-level units, none of the new ones.
        before = org.list_units(session, on=date(2025, 6, 30))
        assert sum(u.kind == "district" for u in before) == 8
        assert sum(u.kind in ("commune", "ward") for u in before) == 106
        assert not [u for u in before if u.valid_from == DAY_ONE]


def test_every_former_unit_names_a_successor_in_force_the_next_day(rt) -> None:
    _seed(rt)
    with rt.db.reading() as session:
        ended = session.exec(select(Unit).where(Unit.valid_to == date(2025, 6, 30),
                                                Unit.kind.in_(["district", "commune", "ward"]))).all()
        assert len(ended) == 8 + 104  # Mù Cả and Tà Tổng did not end
        current = {u.id for u in org.list_units(session, on=DAY_ONE)}
        taken_in = {u.successor_id for u in ended}
        for unit in ended:
            assert unit.successor_id in current, unit.code
        formed = {u.id for u in org.list_units(session, on=DAY_ONE) if u.valid_from == DAY_ONE
                  and u.kind in ("commune", "ward")}
        assert formed <= taken_in, "a new commune that took in nobody"
        # Spot checks against the resolution's seats: Khoen On from Ta Gia and Khoen On; Mường Than from Phúc Than.
        names = {u.id: u.short_name for u in org.list_units(session)}
        assert sorted(names[u.id] for u in ended if names[u.successor_id] == "Xã Khoen On") == [
            "Xã Khoen On (cũ)", "Xã Ta Gia (cũ)"]
        assert "Xã Phúc Than (cũ)" in [names[u.id] for u in ended if names[u.successor_id] == "Xã Mường Than"]
        assert names[_unit(session, "H-THANUYEN").successor_id] == "Xã Than Uyên"


def test_what_hangs_on_an_ended_unit_moves_to_its_successor_the_next_day(rt) -> None:
    _seed(rt)
    with rt.db.unit_of_work() as session:
        old, district, new = _unit(session, "C-03640"), _unit(session, "H-THANUYEN"), _unit(session, "X-KHOENON")
        than_uyen = _unit(session, "X-THANUYEN")
        officer = Officer(unit_id=old.id, full_name="Lò Văn Pọm")
        gone = Officer(unit_id=old.id, full_name="Đã nghỉ", is_active=False)
        session.add_all([officer, gone])
        cluster = session.exec(select(Cluster).where(Cluster.code == "THANUYEN")).one()
        cluster.operator_unit_id, cluster.commune_unit_id = district.id, district.id
        session.add(cluster)
        session.add(UnitDuty(unit_id=old.id, duty=Duty.emergency_sender.value))
        rule = session.exec(select(DeadlineRule).where(DeadlineRule.code == "D10.1B-QUY")).one()
        session.add(DeadlineRuleUnit(rule_id=rule.id, unit_id=old.id))
        period = {"period_start": date(2025, 6, 15), "period_end": date(2025, 9, 14), "due_on": date(2025, 9, 20)}
        moves = Obligation(rule_id=rule.id, unit_id=old.id, **period)
        twin_old = Obligation(rule_id=rule.id, unit_id=district.id, **period)
        twin_new = Obligation(rule_id=rule.id, unit_id=than_uyen.id, **period)
        done = Obligation(rule_id=rule.id, unit_id=old.id, status=ObligationStatus.fulfilled.value,
                          period_start=date(2025, 3, 15), period_end=date(2025, 6, 14), due_on=date(2025, 6, 20))
        session.add_all([moves, twin_old, twin_new, done])
        session.flush()
        ids = {k: v.id for k, v in dict(officer=officer, gone=gone, cluster=cluster, moves=moves, twin_old=twin_old,
                                        done=done, old=old, new=new, district=district, than_uyen=than_uyen).items()}

    with rt.db.unit_of_work() as session:  # on its last day nothing moves
        assert succession.carry_over(session, today=date(2025, 6, 30), actor=audit.SYSTEM) == []
    with rt.db.unit_of_work() as session:
        moved = {m.unit_id: m for m in succession.carry_over(session, today=DAY_ONE, actor=audit.SYSTEM)}
    assert set(moved) == {ids["old"], ids["district"]}
    assert moved[ids["old"]].officers == [ids["officer"]] and moved[ids["old"]].obligations == [ids["moves"]]
    assert moved[ids["old"]].duties == ["emergency_sender"] and moved[ids["old"]].rules
    assert moved[ids["district"]].clusters == [ids["cluster"]] and moved[ids["district"]].waived == [ids["twin_old"]]

    with rt.db.reading() as session:
        assert session.get(Officer, ids["officer"]).unit_id == ids["new"]
        assert session.get(Officer, ids["gone"]).unit_id == ids["old"]  # history stays where it was
        cluster = session.get(Cluster, ids["cluster"])
        assert (cluster.operator_unit_id, cluster.commune_unit_id) == (ids["than_uyen"], ids["than_uyen"])
        assert session.get(Obligation, ids["moves"]).unit_id == ids["new"]
        assert session.get(Obligation, ids["done"]).unit_id == ids["old"]
        twin = session.get(Obligation, ids["twin_old"])
        assert twin.status == "waived" and "X-THANUYEN" in twin.note
        assert "emergency_sender" in org.duties_of(session, unit_id=ids["new"], on=DAY_ONE)
        assert "emergency_sender" in org.duties_of(session, unit_id=ids["old"], on=date(2025, 6, 30))
        assert org.duties_of(session, unit_id=ids["old"], on=DAY_ONE) == []
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()]
        assert actions.count("unit.carried_over") == 2 and "officer.updated" in actions
        assert audit.verify(session).ok
        shown = succession.handovers(session, unit=session.get(Unit, ids["new"]))
        assert [(h.from_id, h.counts) for h in shown] == [
            (ids["old"], {"officers": 1, "obligations": 1, "duties": 1, "rules": 1})]

    with rt.db.unit_of_work() as session:  # a second run has nothing left to move
        assert succession.carry_over(session, today=date(2025, 7, 2), actor=audit.SYSTEM) == []


def test_a_chain_of_successors_lands_on_the_unit_in_force(rt) -> None:
    with rt.db.unit_of_work() as session:
        last = Unit(code="C", name="C", kind="commune")
        session.add(last)
        session.flush()
        middle = Unit(code="B", name="B", kind="commune", valid_to=date(2025, 6, 30), successor_id=last.id)
        session.add(middle)
        session.flush()
        first = Unit(code="A", name="A", kind="commune", valid_to=date(2024, 12, 31), successor_id=middle.id)
        session.add(first)
        session.flush()
        session.add(Officer(unit_id=first.id, full_name="Người ở lại"))
        session.flush()
        assert succession.successor_on(session, first, on=date(2025, 1, 1)).code == "B"
        assert succession.successor_on(session, first, on=DAY_ONE).code == "C"
        succession.carry_over(session, today=DAY_ONE, actor=audit.SYSTEM)
        assert session.exec(select(Officer).where(Officer.full_name == "Người ở lại")).one().unit_id == last.id
