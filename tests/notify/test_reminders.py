"""Deadline reminders by time travel: month, quarter and year ends, Tết, a weekend 20th, overlapping runs."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.intake.models import Submission
from core.notify import deadlines, reminders, rules
from core.notify.models import DeadlineRule, DeadlineRuleVersion, Notification, Obligation, Reminder
from core.notify.tasks import run_reminders
from core.org.models import ChannelAccount, Officer, Unit, UnitDuty
from core.records.models import TaskRun

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


RULES = [
    dict(code="D10.1C-THANG", name="Gửi ít nhất 01 tác phẩm quảng bá", recurrence="monthly", due_day=20,
         applies_to_kinds=["press"], fulfil_categories=["4", "2a"]),
    dict(code="D10.1B-QUY", name="Gửi phóng sự quý", recurrence="quarterly", due_day=20,
         applies_to_kinds=["commune", "border_guard"], fulfil_kinds=["video"]),
    dict(code="D14.1-NAM", name="Báo cáo năm", recurrence="yearly", due_day=15, due_month=12, due_exclusive=True,
         period_cutoff_day=15, applies_to_duty="cluster_operator", fulfilment="report"),
    dict(code="D14.2-TONGHOP", name="Báo cáo tổng hợp", recurrence="yearly", due_day=20, due_month=12,
         due_exclusive=True, period_cutoff_day=15, applies_to_duty="provincial_editor", fulfilment="report"),
]


def build_org(rt) -> dict[str, list[int]]:
    """Units with registered officers (one press officer has no chat) and the four rules of the regulation."""
    people: dict[str, list[int]] = {}
    with rt.db.unit_of_work() as s:
        for code, kind, duty, n in (("SO", "department", "provincial_editor", 1), ("BAO", "press", None, 2),
                                    ("XA", "commune", "cluster_operator", 1), ("BDBP", "border_guard", None, 1)):
            unit = Unit(code=code, name=f"Đơn vị {code}", kind=kind)
            s.add(unit)
            s.flush()
            if duty:
                s.add(UnitDuty(unit_id=unit.id, duty=duty))  # type: ignore[arg-type]
            officers = [
                Officer(unit_id=unit.id, full_name=f"{code} {i}", role="editor" if code == "SO" else "contributor")  # type: ignore[arg-type]
                for i in range(n + (1 if code == "BAO" else 0))
            ]
            s.add_all(officers)
            s.flush()
            for o in officers[:n]:
                s.add(ChannelAccount(officer_id=o.id, channel="telegram", external_id=str(1000 + o.id)))  # type: ignore[arg-type]
            people[code] = [o.id for o in officers[:n]]  # type: ignore[misc]
            people[code + "_unit"] = [unit.id]  # type: ignore[list-item]
        for rule in RULES:
            s.add(DeadlineRule(**rule))
    return people


def reminded(rt, officer_ids: list[int], rule: str | None = None) -> list[Notification]:
    with rt.db.reading() as s:
        rows = list(s.exec(select(Notification).where(Notification.event == "reminder.due",
                                                      col(Notification.officer_id).in_(officer_ids))
                           .order_by(col(Notification.id))).all())
    return [n for n in rows if rule is None or n.payload["rule_code"] == rule]


def days_sent(rt, officer_id: int, start: date, end: date, rule: str | None = None) -> list[date]:
    """Run reminders at 08:00 every day from start to end; the days on which `officer_id` heard."""
    heard = []
    day = start
    while day <= end:
        before = len(reminded(rt, [officer_id], rule))
        run_reminders(rt, now=at(day.year, day.month, day.day))
        if len(reminded(rt, [officer_id], rule)) > before:
            heard.append(day)
        day += timedelta(days=1)
    return heard


def test_periods_follow_calendar_and_15th_to_14th_cut_offs() -> None:
    monthly, quarterly, yearly, synthesis = (DeadlineRule(**r) for r in RULES)
    p = deadlines.period_containing(monthly, date(2026, 11, 30))
    assert (p.start, p.end, p.due_on) == (date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 20))
    q = deadlines.period_containing(quarterly, date(2026, 12, 31))
    assert (q.start, q.end, q.due_on) == (date(2026, 10, 1), date(2026, 12, 31), date(2026, 12, 20))
    y = deadlines.period_containing(yearly, date(2026, 12, 14))
    assert (y.start, y.end, y.due_on) == (date(2025, 12, 15), date(2026, 12, 14), date(2026, 12, 14))
    assert deadlines.period_containing(yearly, date(2026, 12, 15)).start == date(2026, 12, 15)  # the new data year
    assert deadlines.period_containing(synthesis, date(2026, 6, 1)).due_on == date(2026, 12, 19)  # "before 20 December"
    cut = DeadlineRule(code="X", name="x", recurrence="monthly", due_day=20, period_cutoff_day=15)
    c = deadlines.period_containing(cut, date(2027, 1, 3))
    assert (c.start, c.end, c.due_on) == (date(2026, 12, 15), date(2027, 1, 14), date(2027, 1, 20))


def test_working_days_skip_weekends_and_lunar_new_year() -> None:
    assert not deadlines.is_working_day(date(2026, 2, 17))  # Tết
    assert deadlines.next_working_day(date(2026, 2, 16)) == date(2026, 2, 23)
    assert deadlines.next_working_day(date(2026, 9, 20)) == date(2026, 9, 21)  # a Sunday 20th
    assert deadlines.next_working_day(date(2026, 9, 1)) == date(2026, 9, 3)  # National Day
    assert deadlines.reminder_moment(date(2026, 9, 20), 0, TZ) == at(2026, 9, 21)


def test_a_month_of_reminders_at_eight_on_working_days_then_escalation_once(rt) -> None:
    people = build_org(rt)
    press = people["BAO"][0]
    # November 2026: due Fri 20th; −7 Fri 13, −3 Tue 17, −1 Thu 19, 0 Fri 20, +1 Sat 21 and +3 Mon 23 → Mon 23, once.
    assert days_sent(rt, press, date(2026, 11, 1), date(2026, 11, 30)) == [
        date(2026, 11, 13), date(2026, 11, 17), date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23)]
    texts = [n.payload["days"] for n in reminded(rt, [press])]
    assert texts == [-7, -3, -1, 0, 3]
    assert len(reminded(rt, people["BAO"])) == 10  # both registered press officers, never the one without a chat
    with rt.db.reading() as s:
        escalations = s.exec(select(Notification).where(Notification.event == "obligation.overdue")).all()
        skipped = s.exec(select(Reminder).where(col(Reminder.sent_at).is_(None))).all()
    monthly_escalations = [n for n in escalations if n.payload["rule_code"] == "D10.1C-THANG"]
    assert [n.officer_id for n in monthly_escalations] == people["SO"]  # the provincial editors, once
    assert {r.offset_days for r in skipped} >= {1}  # +1 was recorded but collapsed into +3


def test_eight_oclock_local_not_utc_and_runs_are_idempotent_with_a_record(rt) -> None:
    people = build_org(rt)
    press = people["BAO"][0]
    run_reminders(rt, now=at(2026, 11, 13, 7, 59))
    assert reminded(rt, [press]) == []
    first = run_reminders(rt, now=at(2026, 11, 13, 8, 0))
    again = run_reminders(rt, now=at(2026, 11, 13, 8, 15))
    assert len(reminded(rt, [press])) == 1
    assert first["reminders_sent"] >= 1 and again.get("reminders_sent", 0) == 0
    with rt.db.reading() as s:
        runs = s.exec(select(TaskRun).where(TaskRun.name == "reminders.run")).all()
    assert len(runs) == 3 and all(r.ok and r.finished_at for r in runs)


def test_tet_moves_every_reminder_to_the_first_working_day_after(rt) -> None:
    people = build_org(rt)
    # February 2026: due Fri 20 in Tết (16–20 Feb); −7 Fri 13 goes, the rest wait for Mon 23 and go once.
    assert days_sent(rt, people["BAO"][0], date(2026, 2, 10), date(2026, 2, 27)) == [
        date(2026, 2, 13),
        date(2026, 2, 23),
    ]


def test_a_quarter_ending_on_a_sunday_20th_and_the_year_change(rt) -> None:
    people = build_org(rt)
    commune = people["XA"][0]
    # Q4 2026 due Sun 20 Dec: −7 Sun 13 → Mon 14, −3 Thu 17, −1 Sat 19 / 0 Sun 20 / +1 Mon 21 → Mon 21, +3 Wed 23.
    assert days_sent(rt, commune, date(2026, 12, 10), date(2027, 1, 5), "D10.1B-QUY") == [
        date(2026, 12, 14), date(2026, 12, 17), date(2026, 12, 21), date(2026, 12, 23)]
    with rt.db.reading() as s:
        year_report = s.exec(select(Obligation).join(DeadlineRule).where(DeadlineRule.code == "D14.1-NAM",
                                                                         Obligation.unit_id == people["XA_unit"][0])
                             .order_by(col(Obligation.period_start))).all()
    assert [(o.period_start, o.due_on) for o in year_report][:2] == [(date(2025, 12, 15), date(2026, 12, 14)),
                                                                      (date(2026, 12, 15), date(2027, 12, 14))]
    assert year_report[0].status == "overdue" and year_report[0].escalated_at is not None


def test_a_qualifying_submission_fulfils_and_stops_reminders(rt) -> None:
    people = build_org(rt)
    press_unit = people["BAO_unit"][0]
    run_reminders(rt, now=at(2026, 11, 13))
    with rt.db.unit_of_work() as s:
        wrong = Submission(officer_id=people["BAO"][0], unit_id=press_unit, channel="telegram", state="received",
                           kind="video", category="2c", received_at=at(2026, 11, 14, 9))
        right = Submission(officer_id=people["BAO"][0], unit_id=press_unit, channel="telegram", state="received",
                           kind="video", category="4", received_at=at(2026, 11, 15, 9))
        s.add(wrong)
        s.flush()
        assert reminders.fulfil_from_submission(s, submission_id=wrong.id) == []  # type: ignore[arg-type]
        s.add(right)
        s.flush()
        done = reminders.fulfil_from_submission(s, submission_id=right.id)  # type: ignore[arg-type]
    assert len(done) == 1
    before = len(reminded(rt, people["BAO"]))
    for day in (17, 19, 20, 23):
        run_reminders(rt, now=at(2026, 11, day))
    assert len(reminded(rt, people["BAO"])) == before


def test_sending_through_intake_fulfils_the_obligation_at_once(rt) -> None:
    """The intake service itself fulfils: the press officer's notice on 'Gửi' closes this month's duty."""
    from core.intake import service as intake
    from core.records import audit
    from core.types import Channel

    people = build_org(rt)
    now = datetime.now(TZ)  # intake stamps the real time, so the period is today's
    run_reminders(rt, now=now)
    start, end = intake.default_period(now=now)
    with rt.db.unit_of_work() as s:
        draft = Submission(officer_id=people["BAO"][0], unit_id=people["BAO_unit"][0], channel="telegram",
                           state="draft", category="4", target_kind="border_gate", wished_start=start, wished_end=end,
                           body="Lễ hội Then Kin Pang của người Thái ở Lai Châu")
        s.add(draft)
        s.flush()
        intake.submit(
            s, submission=draft, actor=audit.Actor(label="bao", channel=Channel.telegram), queue=rt.queue, tz=TZ
        )
    with rt.db.reading() as s:
        duty = s.exec(select(Obligation).where(Obligation.unit_id == people["BAO_unit"][0],
                                               Obligation.period_start <= now.date(),
                                               Obligation.period_end >= now.date())).one()
    assert duty.status == "fulfilled" and duty.fulfilled_by_submission_id == draft.id


def test_an_editor_fulfils_a_report_with_a_note(rt) -> None:
    people = build_org(rt)
    run_reminders(rt, now=at(2026, 12, 1))
    with rt.db.unit_of_work() as s:
        ob = s.exec(select(Obligation).join(DeadlineRule).where(DeadlineRule.code == "D14.1-NAM")).first()
        assert ob is not None
        reminders.fulfil_by_editor(s, obligation_id=ob.id, officer_id=people["SO"][0], note="Nhận qua văn thư")  # type: ignore[arg-type]
    assert days_sent(rt, people["XA"][0], date(2026, 12, 7), date(2026, 12, 9), "D14.1-NAM") == []


def test_a_rule_edited_mid_period_moves_open_obligations_and_keeps_history(rt) -> None:
    people = build_org(rt)
    press = people["BAO"][0]
    run_reminders(rt, now=at(2026, 11, 13))
    with rt.db.unit_of_work() as s:
        rule = s.exec(select(DeadlineRule).where(DeadlineRule.code == "D10.1C-THANG")).one()
        rules.update_rule(s, rule_id=rule.id, changes={"due_day": 26, "reminder_offsets": [-1, 0, 2]},  # type: ignore[arg-type]
                              officer_id=people["SO"][0], today=date(2026, 11, 16))
    # Due Thu 26 now: −1 Wed 25, 0 Thu 26, +2 Sat 28 → Mon 30 (24 Nov, Vietnam Culture Day, is a holiday).
    assert days_sent(rt, press, date(2026, 11, 16), date(2026, 11, 30), "D10.1C-THANG") == [
        date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 30)]
    with rt.db.reading() as s:
        history = s.exec(select(DeadlineRuleVersion)).all()
        ob = s.exec(select(Obligation).where(Obligation.unit_id == people["BAO_unit"][0],
                                             Obligation.period_start == date(2026, 11, 1))).one()
    assert history[0].snapshot["due_day"] == 20 and ob.due_on == date(2026, 11, 26)
    assert reminded(rt, [press])[0].payload["due_on"] == "2026-11-20"  # what was sent stays as sent


def test_two_runs_at_once_on_postgresql_send_each_reminder_once(make_runtime, postgres_url) -> None:
    rt = make_runtime(database_url=postgres_url)
    people = build_org(rt)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            run_reminders(rt, now=at(2026, 11, 23))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with rt.db.reading() as s:
        sent = s.exec(select(Reminder).where(col(Reminder.sent_at).is_not(None))).all()
        notes = s.exec(select(Notification)).all()
        runs = s.exec(select(TaskRun)).all()
    keys = [n.dedupe_key for n in notes]
    assert len(keys) == len(set(keys))
    assert len({(r.obligation_id) for r in sent}) == len(sent)  # one sent reminder per obligation
    assert len([n for n in notes if n.event == "reminder.due" and n.officer_id == people["BAO"][0]]) == 1
    assert len(runs) == 2


def test_the_worker_tasks_are_registered_and_the_run_task_leaves_a_record(rt) -> None:
    from core.notify.tasks import reminders_run

    assert {"notify.deliver", "notify.tick", "reminders.run", "reminders.tick"} <= set(rt.queue.names)
    build_org(rt)
    result = reminders_run(now=at(2026, 11, 13).isoformat())
    with rt.db.reading() as s:
        run = s.get(TaskRun, result["run_id"])
    assert run is not None and run.ok and run.result["reminders_sent"] >= 1
