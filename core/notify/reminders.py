"""Obligations per unit per period, their fulfilment, reminders on working days and escalation.

Everything is idempotent and safe when two runs overlap (two workers, or a worker and the CLI):
obligations and reminders are inserted with ON CONFLICT DO NOTHING on their unique keys, only the
run whose insert won sends, and an escalation is claimed with `UPDATE … WHERE escalated_at IS NULL`.
When a run finds several reminders of one obligation due at once (days off in between, or a
missed run), it records them all and sends only the latest, so nobody gets three messages at 08:00.
The rules themselves are made and changed in core/notify/rules.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from core.intake.models import Submission
from core.notify import deadlines, supply
from core.notify.models import DeadlineRule, DeadlineRuleUnit, Obligation, Reminder
from core.notify.outbox import insert_ignoring_duplicates, insert_many_ignoring_duplicates, notify_many
from core.org import service as org
from core.org.models import ChannelAccount, Officer, Unit
from core.types import Duty, Fulfilment, ObligationStatus, SubmissionState, utcnow

QUIET = {"synchronize_session": False}  # Core-speed UPDATEs: the rows are refreshed where needed

OPEN = (ObligationStatus.open.value, ObligationStatus.overdue.value)
QUALIFYING_STATES = (SubmissionState.received.value, SubmissionState.processing.value, SubmissionState.ready.value,
                     SubmissionState.approved.value, SubmissionState.changes_requested.value)
LEAD_DAYS = 45  # obligations exist this long before their period starts
COUNTED = (Fulfilment.submission.value, Fulfilment.supply.value)  # fulfilled by counting rows of the period
SUBMISSIONS_NOTE = "fulfilled by submissions of the period"


def applicable_units(session: Session, *, rule: DeadlineRule, on: date, units: list[Unit] | None = None) -> list[Unit]:
    """Units in force on `on` that the rule names: by kind, by a duty they hold, or one by one."""
    units = units if units is not None else org.list_units(session, on=on)
    named = set(session.exec(select(DeadlineRuleUnit.unit_id).where(DeadlineRuleUnit.rule_id == rule.id)).all())
    duty_holders = ({u.id for u in org.units_with_duty(session, duty=Duty(rule.applies_to_duty), on=on)}
                    if rule.applies_to_duty else set())
    kinds = set(rule.applies_to_kinds or [])
    return [u for u in units if u.kind in kinds or u.id in named or u.id in duty_holders]


def _periods_to_track(rule: DeadlineRule, today: date) -> list[deadlines.Period]:
    late = max([0, *rule.reminder_offsets]) + 7
    return [p for p in deadlines.neighbours(rule, today)
            if p.due_on >= today - timedelta(days=late) and p.start <= today + timedelta(days=LEAD_DAYS)
            and (rule.valid_from is None or p.end >= rule.valid_from)]


def ensure_obligations(session: Session, *, rule: DeadlineRule, today: date, units: list[Unit] | None = None) -> int:
    """Create the obligations of the tracked periods (current, and the next ones ahead of time); how many were new."""
    made = 0
    targets = applicable_units(session, rule=rule, on=today, units=units)
    for p in _periods_to_track(rule, today):
        have = set(session.exec(select(Obligation.unit_id).where(Obligation.rule_id == rule.id,
                                                                 Obligation.period_start == p.start)).all())
        rows = [{"rule_id": rule.id, "unit_id": unit.id, "period_start": p.start, "period_end": p.end,
                 "due_on": p.due_on, "status": ObligationStatus.open.value, "created_at": utcnow()}
                for unit in targets if unit.id not in have]
        made += len(insert_many_ignoring_duplicates(session, Obligation.__table__, rows))  # type: ignore[attr-defined]
    return made


def _qualifying_count(
    session: Session, *, rule: DeadlineRule, unit_id: int, start: date, end: date, tz: ZoneInfo
) -> int:
    if rule.fulfilment == Fulfilment.supply.value:
        return supply.supplied_count(session, rule=rule, unit_id=unit_id, start=start, end=end, tz=tz)
    since = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    query = select(func.count()).select_from(Submission).where(
        Submission.unit_id == unit_id, col(Submission.state).in_(QUALIFYING_STATES),
        col(Submission.received_at) >= since, col(Submission.received_at) < until)
    if rule.fulfil_categories:
        query = query.where(col(Submission.category).in_(rule.fulfil_categories))
    if rule.fulfil_kinds:
        query = query.where(col(Submission.kind).in_(rule.fulfil_kinds))
    return int(session.exec(query).one())


def _fulfil(session: Session, obligation: Obligation, *, submission_id: int | None, officer_id: int | None,
            note: str | None) -> bool:
    won = session.execute(update(Obligation).where(col(Obligation.id) == obligation.id,
                                                   col(Obligation.status).in_(OPEN))
                          .values(status=ObligationStatus.fulfilled.value, fulfilled_at=utcnow(),
                                  fulfilled_by_submission_id=submission_id, fulfilled_by_id=officer_id,
                                  note=note), execution_options=QUIET).rowcount  # type: ignore[attr-defined]  # CursorResult
    session.refresh(obligation)
    return bool(won)


def fulfil_from_submission(session: Session, *, submission_id: int, tz: ZoneInfo | None = None) -> list[int]:
    """Fulfil the open obligations of the submission's unit that it (with earlier ones of the period) satisfies."""
    submission = session.get(Submission, submission_id)
    if submission is None or submission.state not in QUALIFYING_STATES or submission.received_at is None:
        return []
    tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
    day = submission.received_at.astimezone(tz).date()
    unit = session.get(Unit, submission.unit_id)
    done: list[int] = []
    rules = session.exec(select(DeadlineRule).where(DeadlineRule.is_active,
                                                    DeadlineRule.fulfilment == Fulfilment.submission.value)).all()
    for rule in rules:
        if unit is None or not applicable_units(session, rule=rule, on=day, units=[unit]):
            continue
        p = deadlines.period_containing(rule, day)
        if rule.valid_from is not None and p.end < rule.valid_from:
            continue  # the rule did not exist yet
        insert_ignoring_duplicates(session, Obligation.__table__, {  # type: ignore[attr-defined]
            "rule_id": rule.id, "unit_id": unit.id, "period_start": p.start, "period_end": p.end, "due_on": p.due_on,
            "status": ObligationStatus.open.value, "created_at": utcnow()})
        obligation = session.exec(select(Obligation).where(Obligation.rule_id == rule.id, Obligation.unit_id == unit.id,
                                                           Obligation.period_start == p.start)).one()
        if obligation.status not in OPEN:
            continue
        if _qualifying_count(session, rule=rule, unit_id=unit.id, start=p.start, end=p.end, tz=tz) >= rule.min_count:  # type: ignore[arg-type]
            if _fulfil(session, obligation, submission_id=submission_id, officer_id=None, note=None):
                done.append(obligation.id)  # type: ignore[arg-type]
    session.flush()
    return done


def unfulfil_rejected(session: Session, *, submission_id: int, tz: ZoneInfo | None = None) -> list[int]:
    """A submission rejected after it fulfilled an obligation no longer counts: the obligation reopens (or passes
    to another qualifying submission of the period), overdue if its day has gone."""
    tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
    reopened: list[int] = []
    fulfilled = select(Obligation).where(Obligation.fulfilled_by_submission_id == submission_id,
                                         Obligation.status == ObligationStatus.fulfilled.value)
    for obligation in session.exec(fulfilled).all():
        rule = session.get(DeadlineRule, obligation.rule_id)
        if rule is None:
            continue
        if (
            _qualifying_count(
                session,
                rule=rule,
                unit_id=obligation.unit_id,
                start=obligation.period_start,
                end=obligation.period_end,
                tz=tz,
            )
            >= rule.min_count
        ):
            obligation.fulfilled_by_submission_id = None  # the period's other submissions still fulfil it
            session.add(obligation)
            continue
        _reopen(session, obligation, tz=tz)
        reopened.append(obligation.id)  # type: ignore[arg-type]
    session.flush()
    return reopened


def _reopen(session: Session, obligation: Obligation, *, tz: ZoneInfo) -> None:
    today = datetime.now(tz).date()
    obligation.status = ObligationStatus.overdue.value if obligation.due_on < today else ObligationStatus.open.value
    obligation.fulfilled_at = obligation.fulfilled_by_submission_id = None
    session.add(obligation)


def unfulfil_withdrawn(session: Session, *, approved_by_id: int | None, approved_at: datetime | None,
                       tz: ZoneInfo | None = None) -> list[int]:
    """An item approved and then withdrawn no longer counts for the monthly supply (Điều 10.1.a): the approving
    unit's supply obligation of that period reopens unless its other items still make the count."""
    tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
    approver = session.get(Officer, approved_by_id) if approved_by_id else None
    if approver is None or approved_at is None:
        return []
    day = approved_at.astimezone(tz).date()
    reopened: list[int] = []
    for rule in session.exec(select(DeadlineRule).where(DeadlineRule.fulfilment == Fulfilment.supply.value)).all():
        p = deadlines.period_containing(rule, day)
        obligation = session.exec(select(Obligation).where(Obligation.rule_id == rule.id,
                                                           Obligation.unit_id == approver.unit_id,
                                                           Obligation.period_start == p.start)).first()
        if obligation is None or obligation.status != ObligationStatus.fulfilled.value:
            continue
        count = supply.supplied_count(session, rule=rule, unit_id=approver.unit_id, start=p.start, end=p.end, tz=tz)
        if count >= rule.min_count:
            continue
        _reopen(session, obligation, tz=tz)
        reopened.append(obligation.id)  # type: ignore[arg-type]
    session.flush()
    return reopened


def fulfil_by_editor(session: Session, *, obligation_id: int, officer_id: int, note: str) -> Obligation:
    """An editor marks an obligation fulfilled (e.g. a report received by official mail), with a note."""
    obligation = session.get(Obligation, obligation_id)
    if obligation is None:
        raise LookupError(f"no obligation {obligation_id}")
    if not note.strip():
        raise ValueError("a note is required")
    _fulfil(session, obligation, submission_id=None, officer_id=officer_id, note=note.strip())
    session.flush()
    return obligation


def registered_officers(session: Session, *, unit_ids: set[int]) -> dict[int, list[int]]:
    """Active officers of each unit who have bound a chat account (reminders go to them only)."""
    rows = session.exec(
        select(Officer.unit_id, Officer.id)
        .where(
            col(Officer.unit_id).in_(unit_ids),
            Officer.is_active,
            col(Officer.id).in_(select(ChannelAccount.officer_id)),
        )
        .order_by(col(Officer.id))
    ).all()
    found: dict[int, list[int]] = defaultdict(list)
    for unit_id, officer_id in rows:
        if officer_id is not None:  # always: a stored row has its id
            found[unit_id].append(officer_id)
    return found


def _payload(rule: DeadlineRule, unit: Unit, obligation: Obligation, day: date) -> dict[str, Any]:
    return {
        "rule": rule.name,
        "rule_code": rule.code,
        "unit": unit.name,
        "due_on": obligation.due_on.isoformat(),
        "period_start": obligation.period_start.isoformat(),
        "period_end": obligation.period_end.isoformat(),
        "days": (day - obligation.due_on).days,
        "obligation_id": obligation.id,
    }


def evaluate(session: Session, *, now: datetime, tz: ZoneInfo, run_id: int | None = None) -> dict[str, int]:
    """Everything due at `now`: obligations ahead of time, auto-fulfilment, overdue marks, reminders, escalations."""
    today = now.astimezone(tz).date()
    counts: dict[str, int] = defaultdict(int)
    units = org.list_units(session, on=today)
    by_id = {u.id: u for u in units}
    editors = [o.id for o in org.editors_on(session, on=today) if o.id is not None]
    for rule in session.exec(select(DeadlineRule).where(DeadlineRule.is_active).order_by(col(DeadlineRule.id))).all():
        counts["obligations_created"] += ensure_obligations(session, rule=rule, today=today, units=units)
        open_rows = session.exec(
            select(Obligation).where(
                Obligation.rule_id == rule.id,
                col(Obligation.status).in_(OPEN),
                Obligation.period_start <= today + timedelta(days=LEAD_DAYS),
            )
        ).all()
        sent: defaultdict[int | None, set[int]] = defaultdict(set)
        if open_rows:
            for ob_id, offset in session.exec(
                select(Reminder.obligation_id, Reminder.offset_days).where(
                    col(Reminder.obligation_id).in_([o.id for o in open_rows])
                )
            ).all():
                sent[ob_id].add(offset)
        recipients = registered_officers(session, unit_ids={o.unit_id for o in open_rows})
        for obligation in open_rows:
            unit = by_id.get(obligation.unit_id) or session.get(Unit, obligation.unit_id)
            if unit is None:
                continue
            if (
                rule.fulfilment in COUNTED
                and obligation.period_start <= today
                and _qualifying_count(
                    session,
                    rule=rule,
                    unit_id=obligation.unit_id,
                    start=obligation.period_start,
                    end=obligation.period_end,
                    tz=tz,
                )
                >= rule.min_count
            ):
                counts["fulfilled"] += _fulfil(
                    session,
                    obligation,
                    submission_id=None,
                    officer_id=None,
                    note=supply.NOTE if rule.fulfilment == Fulfilment.supply.value else SUBMISSIONS_NOTE,
                )
                continue
            status = ObligationStatus.overdue.value if today > obligation.due_on else ObligationStatus.open.value
            if obligation.status != status:
                obligation.status = status
                session.add(obligation)
                counts["marked_" + status] += 1
            due = [
                o
                for o in rule.reminder_offsets
                if o not in sent[obligation.id] and deadlines.reminder_moment(obligation.due_on, o, tz) <= now
            ]
            reminders = Reminder.__table__  # type: ignore[attr-defined]  # SQLModel does not declare __table__
            won = sorted(
                (offset, rid)
                for rid, offset in insert_many_ignoring_duplicates(
                    session,
                    reminders,
                    [
                        {
                            "obligation_id": obligation.id,
                            "offset_days": offset,
                            "run_id": run_id,
                            "scheduled_for": deadlines.reminder_moment(obligation.due_on, offset, tz),
                        }
                        for offset in sorted(due)
                    ],
                    returning=("id", "offset_days"),
                )
            )
            if won:
                offset, reminder_id = won[-1]  # the latest of those due at once; the others are recorded, not sent
                session.execute(
                    update(Reminder).where(col(Reminder.id) == reminder_id).values(sent_at=now), execution_options=QUIET
                )
                made = notify_many(
                    session,
                    officer_ids=recipients.get(obligation.unit_id, []),
                    event="reminder.due",
                    object_type="reminder",
                    object_id=reminder_id,
                    payload=_payload(rule, unit, obligation, today),
                )
                counts["reminders_sent"] += 1
                counts["reminders_skipped"] += len(won) - 1
                counts["notifications"] += len(made)
            if (
                status == ObligationStatus.overdue.value
                and obligation.escalated_at is None
                and deadlines.escalation_moment(obligation.due_on, rule.reminder_offsets, tz) <= now
            ):
                claimed = session.execute(
                    update(Obligation)
                    .where(col(Obligation.id) == obligation.id, col(Obligation.escalated_at).is_(None))
                    .values(escalated_at=now),
                    execution_options=QUIET,
                ).rowcount  # type: ignore[attr-defined]  # CursorResult
                if claimed:
                    made = notify_many(
                        session,
                        officer_ids=editors,
                        event="obligation.overdue",
                        object_type="obligation",
                        object_id=obligation.id,
                        payload=_payload(rule, unit, obligation, today),
                    )
                    counts["escalations"] += 1
                    counts["notifications"] += len(made)
    session.flush()
    return dict(counts)


def overview(session: Session, *, today: date) -> list[tuple[DeadlineRule, list[tuple[Obligation, Unit]]]]:
    """Per rule, the obligations of the period containing `today` (and of an earlier period still open)."""
    found = []
    for rule in session.exec(select(DeadlineRule).order_by(col(DeadlineRule.code))).all():
        current = deadlines.period_containing(rule, today)
        rows = session.exec(
            select(Obligation, Unit)
            .join(Unit, col(Unit.id) == Obligation.unit_id)
            .where(
                Obligation.rule_id == rule.id,
                Obligation.period_start <= current.start,
                (col(Obligation.period_start) == current.start) | col(Obligation.status).in_(OPEN),
            )
            .order_by(col(Obligation.period_start).desc(), col(Unit.name))
        ).all()
        found.append((rule, [(o, u) for o, u in rows]))
    return found


def recent_reminders(session: Session, *, limit: int = 200) -> list[tuple[Reminder, Obligation, DeadlineRule, Unit]]:
    """Reminders recorded, newest first, with what they were about."""
    rows = session.exec(
        select(Reminder, Obligation, DeadlineRule, Unit)
        .join(Obligation, col(Obligation.id) == Reminder.obligation_id)
        .join(DeadlineRule, col(DeadlineRule.id) == Obligation.rule_id)
        .join(Unit, col(Unit.id) == Obligation.unit_id)
        .order_by(col(Reminder.scheduled_for).desc(), col(Reminder.id).desc())
        .limit(limit)
    ).all()
    return [(reminder, obligation, rule, unit) for reminder, obligation, rule, unit in rows]
