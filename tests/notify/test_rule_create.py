"""Deadline rules made in the web: the service's checks, audit and obligations; the form over HTTP; and the
department's monthly supply to the border-gate clusters (Điều 10.1.a) fulfilled by what its editors approve."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

import i18n
from admin.deps import error_text
from core.airing.models import Cluster
from core.errors import Invalid
from core.notify import deadlines, rules, supply
from core.notify.models import DeadlineRule, DeadlineRuleUnit, DeadlineRuleVersion, Notification, Obligation
from core.notify.tasks import run_reminders
from core.org.models import Officer, Unit, UnitDuty
from core.records import audit
from core.records.models import AuditEvent
from core.review.models import ContentItem
from core.types import Channel
from tests.admin.conftest import csrf_of, ids, make_submission, sign_in
from tests.web.test_pages_walk import RAW, visible_text

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 12, 2)


def build_org(rt) -> dict[str, int]:
    """A department holding the provincial editor duty (with an editor), a newspaper, a commune, the border guard."""
    made: dict[str, int] = {}
    with rt.db.unit_of_work() as s:
        for code, kind in (("SO", "department"), ("BAO", "press"), ("XA", "commune"), ("BDBP", "border_guard")):
            unit = Unit(code=code, name=f"Đơn vị {code}", kind=kind)
            s.add(unit)
            s.flush()
            made[code] = unit.id  # type: ignore[assignment]
        s.add(UnitDuty(unit_id=made["SO"], duty="provincial_editor"))
        editor = Officer(unit_id=made["SO"], full_name="Biên tập viên", role="editor")
        s.add(editor)
        s.flush()
        made["editor"] = editor.id  # type: ignore[assignment]
    return made


def actor(officer_id: int) -> audit.Actor:
    return audit.Actor(label="bientap", channel=Channel.web, officer_id=officer_id)


def form(**changes) -> rules.RuleForm:
    typed = {"code": "D-THU", "name": "Gửi tin thử nghiệm hằng tháng", "article": "Điều 10.1.c",
             "recurrence": "monthly", "due_day": "20", "reminder_offsets": "-3, 0, 2", "min_count": "1",
             "fulfilment": "submission", "applies_to_kinds": ["press"], "is_active": True}
    typed.update(changes)
    return typed  # type: ignore[return-value]


def create(rt, made, **changes) -> DeadlineRule:
    with rt.db.unit_of_work() as s:
        return rules.create_rule(s, form=form(**changes), actor=actor(made["editor"]), today=TODAY)


def obligations(rt, code: str) -> list[tuple[str, date, date, str]]:
    with rt.db.reading() as s:
        rows = s.exec(select(Unit.code, Obligation.period_start, Obligation.due_on, Obligation.status)
                      .join(Obligation, col(Obligation.unit_id) == col(Unit.id))
                      .join(DeadlineRule, col(DeadlineRule.id) == col(Obligation.rule_id))
                      .where(DeadlineRule.code == code).order_by(col(Obligation.period_start), col(Unit.code))).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_created_rule_is_audited_listed_and_owed_for_the_current_period_at_once(rt) -> None:
    made = build_org(rt)
    create(rt, made, code="d-thu", unit_ids=[str(made["XA"])])
    assert obligations(rt, "D-THU") == [  # the press by kind, the commune by name: December now, January ahead
        ("BAO", date(2026, 12, 1), date(2026, 12, 20), "open"), ("XA", date(2026, 12, 1), date(2026, 12, 20), "open"),
        ("BAO", date(2027, 1, 1), date(2027, 1, 20), "open"), ("XA", date(2027, 1, 1), date(2027, 1, 20), "open")]
    with rt.db.reading() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "deadline_rule.created")).one()
        assert [r.code for r in rules.list_rules(s)] == ["D-THU"]
    assert event.actor_id == made["editor"] and event.object_type == "deadline_rule"
    assert event.after["code"] == "D-THU" and event.after["unit_ids"] == [made["XA"]]
    assert event.after["reminder_offsets"] == [-3, 0, 2] and event.after["valid_from"] == "2026-12-02"
    run_reminders(rt, now=datetime(2026, 12, 2, 9, 0, tzinfo=TZ))  # the next evaluation adds nothing twice
    assert len(obligations(rt, "D-THU")) == 4


def test_a_rule_made_today_owes_nothing_for_a_period_already_over(rt) -> None:
    made = build_org(rt)
    create(rt, made, due_day="30", reminder_offsets="-7, -1, 0, 1, 3")  # November's due day is 2 days back
    run_reminders(rt, now=datetime(2026, 12, 2, 9, 0, tzinfo=TZ))
    assert [row[1] for row in obligations(rt, "D-THU")] == [date(2026, 12, 1), date(2027, 1, 1)]
    with rt.db.reading() as s:
        assert s.exec(select(Notification)).all() == []  # nobody is told they are late for November
    with rt.db.unit_of_work() as s:  # without its start the same rule would have owed November, overdue
        rule = s.exec(select(DeadlineRule).where(DeadlineRule.code == "D-THU")).one()
        rules.update_rule(s, rule_id=rule.id, changes={"valid_from": None}, officer_id=made["editor"], today=TODAY)  # type: ignore[arg-type]
    run_reminders(rt, now=datetime(2026, 12, 2, 9, 5, tzinfo=TZ))
    assert ("BAO", date(2026, 11, 1), date(2026, 11, 30), "overdue") in obligations(rt, "D-THU")


def test_a_rule_may_apply_to_a_duty_alone(rt) -> None:
    made = build_org(rt)
    create(rt, made, applies_to_kinds=[], applies_to_duty="provincial_editor", fulfilment="report")
    assert {row[0] for row in obligations(rt, "D-THU")} == {"SO"}


@pytest.mark.parametrize(("changes", "field"), [
    ({"code": ""}, "code"),
    ({"code": "Quý 1"}, "code"),
    ({"name": "   "}, "name"),
    ({"due_day": "0"}, "due_day"),
    ({"due_day": "32"}, "due_day"),
    ({"due_day": "ngày 20"}, "due_day"),
    ({"recurrence": "weekly"}, "recurrence"),
    ({"recurrence": "yearly"}, "due_month"),
    ({"recurrence": "yearly", "due_month": "13"}, "due_month"),
    ({"due_month": "12"}, "due_month"),
    ({"period_cutoff_day": "30"}, "period_cutoff_day"),
    ({"applies_to_kinds": []}, "applies_to"),
    ({"applies_to_kinds": ["planet"]}, "applies_to_kinds"),
    ({"applies_to_duty": "boss"}, "applies_to_duty"),
    ({"unit_ids": ["999999"]}, "unit_ids"),
    ({"fulfilment": "telepathy"}, "fulfilment"),
    ({"fulfil_kinds": ["hologram"]}, "fulfil_kinds"),
    ({"min_count": "0"}, "min_count"),
    ({"reminder_offsets": "-7, soon"}, "reminder_offsets"),
    ({"reminder_offsets": "-1.5, 0"}, "reminder_offsets"),
    ({"reminder_offsets": "-90, 0"}, "reminder_offsets"),
    ({"reminder_offsets": " "}, "reminder_offsets"),
    ({"valid_from": "ngày mai"}, "valid_from"),
])
def test_a_wrong_field_is_refused_by_name_in_vietnamese_and_nothing_is_stored(rt, changes, field) -> None:
    made = build_org(rt)
    with pytest.raises(Invalid) as refused, rt.db.unit_of_work() as s:
        rules.create_rule(s, form=form(**changes), actor=actor(made["editor"]), today=TODAY)
    assert refused.value.field == field
    vietnamese = error_text("vi", refused.value)
    assert vietnamese != error_text("en", refused.value) and "%(" not in vietnamese
    with rt.db.reading() as s:
        assert s.exec(select(DeadlineRule)).all() == [] and s.exec(select(AuditEvent)).all() == []


def test_a_taken_code_is_refused(rt) -> None:
    made = build_org(rt)
    create(rt, made)
    with pytest.raises(Invalid) as refused, rt.db.unit_of_work() as s:
        rules.create_rule(s, form=form(code=" d-thu "), actor=actor(made["editor"]), today=TODAY)
    assert refused.value.field == "code" and error_text("vi", refused.value) == "mã này đã được dùng"


def test_due_days_29_to_31_fall_on_the_months_last_day_or_its_last_working_day(rt) -> None:
    made = build_org(rt)
    plain = create(rt, made, code="CUOI-THANG", due_day="31")
    working = create(rt, made, code="CUOI-THANG-LV", due_day="31", due_working_day=True)

    def due(rule: DeadlineRule, year: int, month: int) -> date:
        return deadlines.period(rule, year=year, index=month).due_on

    assert due(plain, 2027, 2) == date(2027, 2, 28) and due(plain, 2026, 4) == date(2026, 4, 30)
    assert due(working, 2027, 2) == date(2027, 2, 26)  # Sunday the 28th → Friday
    assert due(working, 2026, 4) == date(2026, 4, 29)  # 30 April is Reunification Day
    assert due(working, 2026, 8) == date(2026, 8, 28)  # Monday 31 August is a National Day holiday
    assert due(working, 2026, 12) == date(2026, 12, 31)  # a Thursday: stays


def test_editing_names_units_keeps_the_old_version_and_is_audited(rt) -> None:
    made = build_org(rt)
    rule = create(rt, made)
    with rt.db.unit_of_work() as s:
        rules.edit_rule(s, rule_id=rule.id, form=form(unit_ids=[str(made["BDBP"])], applies_to_duty=""),  # type: ignore[arg-type]
                        actor=actor(made["editor"]), today=TODAY, note="Thêm Bộ đội biên phòng")
    with rt.db.reading() as s:
        named = s.exec(select(DeadlineRuleUnit.unit_id).where(DeadlineRuleUnit.rule_id == rule.id)).all()
        version = s.exec(select(DeadlineRuleVersion)).one()
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "deadline_rule.updated")).one()
    assert named == [made["BDBP"]] and version.snapshot["unit_ids"] == [] and version.note == "Thêm Bộ đội biên phòng"
    assert event.before["unit_ids"] == [] and event.after["unit_ids"] == [made["BDBP"]]
    run_reminders(rt, now=datetime(2026, 12, 2, 9, 0, tzinfo=TZ))
    assert ("BDBP", date(2026, 12, 1), date(2026, 12, 20), "open") in obligations(rt, "D-THU")


# --- over HTTP, on the seeded demo ---------------------------------------------------------------------------


def test_an_administrator_creates_a_rule_through_the_form(org, web) -> None:
    sign_in(web, "quantri")
    listing = web.get("/notify/rules?lang=vi")
    assert 'href="/notify/rules/new"' in listing.text and "Thêm quy định thời hạn" in listing.text
    page = web.get("/notify/rules/new?lang=vi")
    assert page.status_code == 200 and not RAW.search(visible_text(page.text))  # Vietnamese, no raw codes
    token = csrf_of(page.text)
    health, tan_phong = ids(org, Unit, code="SYT"), ids(org, Unit, code="P-TANPHONG")
    typed = {"csrf_token": token, "code": "D-BAOCAO-THANG", "name": "Báo cáo nhanh tình hình đăng phát hằng tháng",
             "article": "Điều 14.3", "recurrence": "monthly", "due_day": "32", "reminder_offsets": "-3, 0, 1",
             "min_count": "1", "fulfilment": "report", "applies_to_duty": "cluster_operator",
             "unit_ids": [str(health)], "is_active": "true"}
    refused = web.post("/notify/rules", data=typed)
    assert refused.status_code == 422
    assert "ngày đến hạn là số nguyên từ 1 đến 31" in refused.text and 'id="error-due_day"' in refused.text
    assert "Báo cáo nhanh tình hình đăng phát hằng tháng" in refused.text  # what was typed stays on the form
    taken = web.post("/notify/rules", data={**typed, "due_day": "25", "code": "D10.1C-THANG"})
    assert taken.status_code == 422 and "mã này đã được dùng" in taken.text
    nobody = web.post("/notify/rules", data={**typed, "due_day": "25", "applies_to_duty": "", "unit_ids": []})
    assert nobody.status_code == 422 and "hãy chọn đối tượng áp dụng" in nobody.text
    done = web.post("/notify/rules", data={**typed, "due_day": "25"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/notify/rules"
    assert "D-BAOCAO-THANG" in web.get("/notify/rules").text
    obligations_page = web.get("/notify/obligations?lang=vi").text
    assert "Báo cáo nhanh tình hình đăng phát hằng tháng" in obligations_page
    today = org.settings.today()
    with org.db.reading() as s:
        rule = s.exec(select(DeadlineRule).where(DeadlineRule.code == "D-BAOCAO-THANG")).one()
        owed = s.exec(select(Obligation).where(Obligation.rule_id == rule.id, Obligation.period_start <= today,
                                               Obligation.period_end >= today)).all()
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "deadline_rule.created",
                                                AuditEvent.object_id == str(rule.id))).one()
        admin = s.exec(select(Officer).where(Officer.username == "quantri")).one()
    assert rule.due_day == 25 and rule.fulfilment == "report" and rule.applies_to_duty == "cluster_operator"
    assert {health, tan_phong} <= {o.unit_id for o in owed}  # named one by one, and an operator by its duty
    assert event.actor_id == admin.id and event.after["code"] == "D-BAOCAO-THANG"
    edit = web.get(f"/notify/rules/{rule.id}?lang=vi")  # it opens for editing, with what was chosen
    assert edit.status_code == 200 and not RAW.search(visible_text(edit.text))
    assert re.search(rf'<option value="{health}" selected>', edit.text)


def test_only_those_who_edit_rules_may_create_them(org, web) -> None:
    for user in ("thanhtra", "congtacvien", "vanhanh"):
        sign_in(web, user)
        assert web.get("/notify/rules/new").status_code == 404, user
        token = csrf_of(web.get("/home").text)
        answer = web.post("/notify/rules", data={"csrf_token": token, "code": "X-1", "name": "x", "due_day": "5",
                                                 "recurrence": "monthly", "fulfilment": "report",
                                                 "applies_to_kinds": ["commune"], "reminder_offsets": "0"})
        assert answer.status_code == 404, user
    with org.db.reading() as s:
        assert s.exec(select(DeadlineRule).where(DeadlineRule.code == "X-1")).first() is None


# --- Điều 10.1.a: the department's monthly supply, on the seeded demo ---------------------------------------


def _approve(web, org, sid: int, cluster: str) -> None:
    page = web.get(f"/review/{sid}")
    now = datetime.now(UTC)
    answer = web.post(f"/review/{sid}/approve", data={
        "csrf_token": csrf_of(page.text), "clusters": [ids(org, Cluster, code=cluster)], "priority": "normal",
        "valid_from": now.date().isoformat(), "valid_to": (now + timedelta(days=10)).date().isoformat(),
        "title": "Lai Châu – điểm đến hấp dẫn"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def _supply_obligation(org) -> Obligation:
    today = org.settings.today()
    with org.db.reading() as s:
        editor_unit = s.exec(select(Unit).where(Unit.code == "SVHTTDL")).one()
        return s.exec(select(Obligation).join(DeadlineRule).where(
            DeadlineRule.code == "D10.1A-THANG", Obligation.unit_id == editor_unit.id,
            Obligation.period_start <= today, Obligation.period_end >= today)).one()


def test_the_monthly_supply_is_fulfilled_by_a_video_approved_for_a_border_gate(org, web) -> None:
    run_reminders(org, now=datetime.now(UTC))
    owed = _supply_obligation(org)
    last_day = (owed.period_start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert owed.status == "open" and owed.due_on == deadlines.previous_working_day(last_day)
    assert owed.period_start.day == 1 and owed.period_end == last_day
    # Not supply: a photo for a border gate (the rule wants video), a video for a commune's own board only,
    # a video approved for a border gate and then taken off the air.
    sign_in(web, "bientap")
    _approve(web, org, make_submission(org, category="4", kind="image"), "MLT")
    withdrawn = make_submission(org, category="4", video=True)
    _approve(web, org, withdrawn, "UMTK")
    with org.db.unit_of_work() as s:  # as a correction after approval does (review.reopen_if_approved)
        item = s.exec(select(ContentItem).where(ContentItem.submission_id == withdrawn)).one()
        item.is_active = False
        s.add(item)
    sign_in(web, "quantri")
    _approve(web, org, make_submission(org, category="4", video=True), "TANPHONG")
    run_reminders(org, now=datetime.now(UTC))
    assert _supply_obligation(org).status == "open"
    sign_in(web, "bientap")
    _approve(web, org, make_submission(org, category="4", video=True), "MLT")
    run_reminders(org, now=datetime.now(UTC))
    done = _supply_obligation(org)
    assert done.status == "fulfilled" and done.note == supply.NOTE
    page = web.get("/notify/obligations?lang=vi").text
    assert i18n.gettext("vi", supply.NOTE, domain="notify") in page and "D10.1A-THANG" in page


def test_a_supplied_video_taken_off_the_air_reopens_the_months_supply(org, web) -> None:
    run_reminders(org, now=datetime.now(UTC))
    sign_in(web, "bientap")
    sid = make_submission(org, category="4", video=True)
    _approve(web, org, sid, "MLT")
    run_reminders(org, now=datetime.now(UTC))
    assert _supply_obligation(org).status == "fulfilled"
    from core.intake.models import Submission
    from core.review import service as review

    with org.db.unit_of_work() as s:  # an editor corrects it after approval: it leaves the boards until approved again
        submission = s.get(Submission, sid)
        assert review.reopen_if_approved(s, submission=submission, actor=audit.SYSTEM, reason="sai tên địa danh")
    reopened = _supply_obligation(org)
    assert reopened.status in ("open", "overdue") and reopened.fulfilled_at is None
    with org.db.reading() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "obligation.reopened")).one()
        assert event.object_id == str(reopened.id)
