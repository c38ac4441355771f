"""The deadlines and deliveries pages over HTTP: provincial editors edit, inspectors read, others see nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from core.notify.models import DeadlineRule, DeadlineRuleVersion, Notification, Obligation
from core.notify.outbox import notify
from core.notify.tasks import run_reminders
from core.org.models import Officer
from core.records.models import AuditEvent
from tests.admin.conftest import csrf_of, ids, sign_in


def _prepare(rt) -> None:
    run_reminders(rt, now=datetime.now(UTC))
    with rt.db.unit_of_work() as s:
        officer = s.exec(select(Officer).where(Officer.username == "congtacvien")).one()
        notify(s, officer_id=officer.id, event="review.rejected", object_type="submission", object_id=1,  # type: ignore[arg-type]
               payload={"code": "BT-1", "reason": "x"})
        row = s.exec(select(Notification)).first()
        assert row is not None
        row.state, row.error = "undeliverable", "no active channel: the officer has no reachable chat account"
        s.add(row)


def test_an_inspector_reads_every_page_but_changes_nothing(org, web) -> None:
    _prepare(org)
    sign_in(web, "thanhtra")
    for path in ("/notify/obligations", "/notify/rules", "/notify/reminders", "/notify/deliveries",
                 "/notify/deliveries?state=undeliverable"):
        page = web.get(path)
        assert page.status_code == 200, path
    assert "no active channel" in web.get("/notify/deliveries?state=undeliverable").text
    assert "Mark fulfilled" not in web.get("/notify/obligations?lang=en").text
    rule_id = ids(org, DeadlineRule, code="D10.1C-THANG")
    assert web.get(f"/notify/rules/{rule_id}").status_code == 404
    with org.db.reading() as s:
        ob = s.exec(select(Obligation)).first()
    token = csrf_of(web.get("/notify/rules").text)
    answer = web.post(f"/notify/obligations/{ob.id}/fulfil", data={"note": "x", "csrf_token": token})  # type: ignore[union-attr]
    assert answer.status_code == 404


def test_others_do_not_see_the_pages(org, web) -> None:
    for user in ("congtacvien", "vanhanh"):
        sign_in(web, user)
        assert web.get("/notify/obligations").status_code == 404


def test_a_provincial_editor_fulfils_an_obligation_with_a_note(org, web) -> None:
    _prepare(org)
    sign_in(web, "bientap")
    page = web.get("/notify/obligations?lang=vi")
    assert page.status_code == 200 and "D10.1C-THANG" in page.text
    with org.db.reading() as s:
        ob = s.exec(select(Obligation).where(col(Obligation.status).in_(["open", "overdue"]))).first()
    assert ob is not None
    token = csrf_of(page.text)
    refused = web.post(
        f"/notify/obligations/{ob.id}/fulfil", data={"note": " ", "csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 303 and "error=note" in refused.headers["location"]
    done = web.post(f"/notify/obligations/{ob.id}/fulfil", data={"note": "Nhận bản giấy", "csrf_token": token},
                    follow_redirects=False)
    assert done.status_code == 303
    with org.db.reading() as s:
        after = s.get(Obligation, ob.id)
        audited = s.exec(select(AuditEvent).where(AuditEvent.action == "obligation.fulfilled")).all()
    assert after is not None and after.status == "fulfilled" and after.note == "Nhận bản giấy"
    assert len(audited) == 1


def test_a_provincial_editor_edits_a_rule_and_the_old_version_is_kept(org, web) -> None:
    sign_in(web, "bientap")
    rule_id = ids(org, DeadlineRule, code="D10.1C-THANG")
    page = web.get(f"/notify/rules/{rule_id}")
    assert page.status_code == 200
    token = csrf_of(page.text)
    bad = web.post(f"/notify/rules/{rule_id}", data={"name": "x", "due_day": 20, "reminder_offsets": "-7, soon",
                                                    "csrf_token": token})
    assert bad.status_code == 422
    form = {"name": "Quảng bá Lai Châu hằng tháng", "due_day": 25, "reminder_offsets": "-5, 0, 2", "min_count": 2,
            "applies_to_kinds": ["press"], "fulfil_categories": ["4"], "is_active": "true", "csrf_token": token,
            "note": "Công văn mới"}
    saved = web.post(f"/notify/rules/{rule_id}", data=form, follow_redirects=False)
    assert saved.status_code == 303
    with org.db.reading() as s:
        rule = s.get(DeadlineRule, rule_id)
        history = s.exec(select(DeadlineRuleVersion).where(DeadlineRuleVersion.rule_id == rule_id)).all()
    assert rule is not None and rule.due_day == 25 and rule.reminder_offsets == [-5, 0, 2] and rule.min_count == 2
    assert len(history) == 1 and history[0].snapshot["due_day"] == 20 and history[0].note == "Công văn mới"
    assert "Quảng bá Lai Châu hằng tháng" in web.get("/notify/rules").text
