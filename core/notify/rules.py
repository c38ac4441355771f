"""Deadline rules made and changed in the web: checked here field by field, versioned on change, audited.

A person types the rule into a form, so `read_form` takes the text as typed and refuses it with a
`FieldInvalid` naming the field (an English catalog id the page shows in the reader's language).
Recurrence, code and fulfilment are fixed once a rule exists: obligations already made belong to its
periods. Everything else may change; open obligations then follow the new rule (`update_rule`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, TypedDict

from sqlmodel import Session, col, select

from core.errors import FieldInvalid, Invalid, NotFound
from core.notify import deadlines
from core.notify.models import DeadlineRule, DeadlineRuleUnit, DeadlineRuleVersion, Obligation
from core.notify.reminders import OPEN, applicable_units, ensure_obligations
from core.org.models import Unit
from core.records import audit
from core.types import Category, Duty, Fulfilment, MediaKind, ObligationStatus, Recurrence, UnitKind, utcnow
from i18n.labels import N_

MAX_OFFSET = 60  # days around the due day a reminder may go
MAX_COUNT = 100
DEFAULT_OFFSETS = [-7, -3, -1, 0, 1, 3]


class RuleChanges(TypedDict, total=False):
    """The fields of a deadline rule an editor may change (any subset)."""

    name: str
    article: str | None
    due_day: int
    due_month: int | None
    due_exclusive: bool
    due_working_day: bool
    period_cutoff_day: int | None
    applies_to_kinds: list[str]
    applies_to_duty: str | None
    fulfil_categories: list[str]
    fulfil_kinds: list[str]
    min_count: int
    reminder_offsets: list[int]
    is_active: bool
    valid_from: date | None


EDITABLE = (
    "name",
    "article",
    "due_day",
    "due_month",
    "due_exclusive",
    "due_working_day",
    "period_cutoff_day",
    "applies_to_kinds",
    "applies_to_duty",
    "fulfil_categories",
    "fulfil_kinds",
    "min_count",
    "reminder_offsets",
    "is_active",
    "valid_from",
)


class RuleForm(TypedDict, total=False):
    """A rule as a person typed it: text fields as text, boxes ticked, lists chosen (unit ids as text)."""

    code: str
    name: str
    article: str
    recurrence: str
    due_day: str
    due_month: str
    due_exclusive: bool
    due_working_day: bool
    period_cutoff_day: str
    applies_to_kinds: list[str]
    applies_to_duty: str
    unit_ids: list[str]
    fulfilment: str
    fulfil_categories: list[str]
    fulfil_kinds: list[str]
    min_count: str
    reminder_offsets: str
    is_active: bool
    valid_from: str


def _whole(text: str, *, field: str, low: int, high: int, message: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise FieldInvalid(message, field=field, low=low, high=high) from None
    if not low <= value <= high:
        raise FieldInvalid(message, field=field, low=low, high=high)
    return value


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):  # a date field sends ISO; a person may type 05/01/2027
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Invalid("give a date as dd/mm/yyyy", field="valid_from")  # (in the admin catalog)


def parse_offsets(text: str) -> list[int]:
    """'-7, -1 0;3' → [-7, -1, 0, 3]: whole days around the due day, each at most 60 days away."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise FieldInvalid(N_("give at least one reminder offset"), field="reminder_offsets")
    try:
        offsets = sorted({int(p) for p in parts})
    except ValueError:
        raise FieldInvalid(N_("reminder offsets are whole days separated by commas, e.g. -7, -1, 0, 3"),
                           field="reminder_offsets") from None
    if any(abs(o) > MAX_OFFSET for o in offsets):
        raise FieldInvalid(N_("a reminder goes at most %(n)s days before or after the due day"),
                           field="reminder_offsets", n=MAX_OFFSET)
    return offsets


def _chosen(values: list[str] | None, allowed: set[str], *, field: str, message: str) -> list[str]:
    chosen = sorted({v for v in values or [] if v})
    if any(v not in allowed for v in chosen):
        raise FieldInvalid(message, field=field)
    return chosen


def read_form(session: Session, form: RuleForm, *, recurrence: str) -> tuple[RuleChanges, list[int]]:
    """The checked values of a typed rule (without code, recurrence, fulfilment) and the ids of its named units."""
    name = " ".join((form.get("name") or "").split())
    if not name:
        raise Invalid("the name is empty", field="name")  # (in the admin catalog)
    if len(name) > 300:
        raise FieldInvalid(N_("the name is longer than %(n)s characters"), field="name", n=300)
    article = " ".join((form.get("article") or "").split()) or None
    if article and len(article) > 40:
        raise FieldInvalid(N_("the article is longer than %(n)s characters"), field="article", n=40)
    # Due days 29–31 fall on the month's last day in shorter months (deadlines._day).
    due_day = _whole(form.get("due_day") or "", field="due_day", low=1, high=31,
                     message=N_("the due day is a whole number from %(low)s to %(high)s"))
    month_text = (form.get("due_month") or "").strip()
    due_month = None
    if recurrence == Recurrence.yearly.value:
        if not month_text:
            raise FieldInvalid(N_("a yearly rule needs the month it falls due"), field="due_month")
        due_month = _whole(month_text, field="due_month", low=1, high=12,
                           message=N_("the due month is a whole number from %(low)s to %(high)s"))
    elif month_text:
        raise FieldInvalid(N_("only a yearly rule has a due month: leave it empty"), field="due_month")
    cutoff_text = (form.get("period_cutoff_day") or "").strip()
    cutoff = (_whole(cutoff_text, field="period_cutoff_day", low=1, high=28,
                     message=N_("the cut-off day is a whole number from %(low)s to %(high)s"))
              if cutoff_text else None)
    kinds = _chosen(form.get("applies_to_kinds"), {k.value for k in UnitKind}, field="applies_to_kinds",
                    message=N_("unknown kind of unit"))
    duty = (form.get("applies_to_duty") or "").strip() or None
    if duty is not None and duty not in {d.value for d in Duty}:
        raise FieldInvalid(N_("unknown duty"), field="applies_to_duty")
    unit_ids = _unit_ids(session, form.get("unit_ids"))
    if not (kinds or duty or unit_ids):
        raise FieldInvalid(N_("say whom the rule applies to: kinds of unit, a duty or units by name"),
                           field="applies_to")
    changes: RuleChanges = {
        "name": name,
        "article": article,
        "due_day": due_day,
        "due_month": due_month,
        "due_exclusive": bool(form.get("due_exclusive")),
        "due_working_day": bool(form.get("due_working_day")),
        "period_cutoff_day": cutoff,
        "applies_to_kinds": kinds,
        "applies_to_duty": duty,
        "fulfil_categories": _chosen(form.get("fulfil_categories"), {c.value for c in Category},
                                     field="fulfil_categories", message="unknown category"),  # (admin catalog)
        "fulfil_kinds": _chosen(form.get("fulfil_kinds"), {k.value for k in MediaKind}, field="fulfil_kinds",
                                message=N_("unknown media kind")),
        "min_count": _whole(form.get("min_count") or "1", field="min_count", low=1, high=MAX_COUNT,
                            message=N_("the number of items is a whole number from %(low)s to %(high)s")),
        "reminder_offsets": parse_offsets(form.get("reminder_offsets") or ""),
        "is_active": bool(form.get("is_active")),
        "valid_from": _day(form.get("valid_from") or ""),
    }
    return changes, unit_ids


def _unit_ids(session: Session, chosen: list[str] | None) -> list[int]:
    try:
        ids = sorted({int(v) for v in chosen or [] if v.strip()})
    except ValueError:
        raise FieldInvalid(N_("unknown unit"), field="unit_ids") from None
    if ids and len(session.exec(select(Unit.id).where(col(Unit.id).in_(ids))).all()) != len(ids):
        raise FieldInvalid(N_("unknown unit"), field="unit_ids")
    return ids


def named_unit_ids(session: Session, *, rule_id: int) -> list[int]:
    """The units a rule names one by one."""
    return sorted(session.exec(select(DeadlineRuleUnit.unit_id).where(DeadlineRuleUnit.rule_id == rule_id)).all())


def _name_units(session: Session, *, rule_id: int, unit_ids: list[int]) -> None:
    for row in session.exec(select(DeadlineRuleUnit).where(DeadlineRuleUnit.rule_id == rule_id)).all():
        if row.unit_id not in unit_ids:
            session.delete(row)
    have = set(named_unit_ids(session, rule_id=rule_id))
    session.add_all([DeadlineRuleUnit(rule_id=rule_id, unit_id=u) for u in unit_ids if u not in have])
    session.flush()


def _described(session: Session, rule: DeadlineRule) -> dict[str, Any]:
    return {**audit.snapshot(rule), "unit_ids": named_unit_ids(session, rule_id=rule.id)}  # type: ignore[arg-type]


def create_rule(session: Session, *, form: RuleForm, actor: audit.Actor, today: date) -> DeadlineRule:
    """Make a rule from a typed form; its obligations of the current (and next) period exist at once."""
    code = (form.get("code") or "").strip().upper()
    if not code:
        raise Invalid("the code is empty", field="code")  # (in the admin catalog)
    if len(code) > 40 or not re.fullmatch(r"[A-Z0-9][A-Z0-9.-]*", code):
        raise FieldInvalid(N_("a code has at most 40 letters, digits, dots and dashes, e.g. D10.1A-THANG"),
                           field="code")
    if session.exec(select(DeadlineRule.id).where(DeadlineRule.code == code)).first() is not None:
        raise Invalid("this code is taken", field="code")  # (in the admin catalog)
    recurrence = (form.get("recurrence") or "").strip()
    if recurrence not in {r.value for r in Recurrence}:
        raise FieldInvalid(N_("choose monthly, quarterly or yearly"), field="recurrence")
    fulfilment = (form.get("fulfilment") or "").strip()
    if fulfilment not in {f.value for f in Fulfilment}:
        raise FieldInvalid(N_("choose how the rule is fulfilled"), field="fulfilment")
    values, unit_ids = read_form(session, form, recurrence=recurrence)
    values["valid_from"] = values.get("valid_from") or today  # owes nothing for periods already over
    rule = DeadlineRule(code=code, recurrence=recurrence, fulfilment=fulfilment, **values)
    session.add(rule)
    session.flush()
    _name_units(session, rule_id=rule.id, unit_ids=unit_ids)  # type: ignore[arg-type]
    if rule.is_active:
        ensure_obligations(session, rule=rule, today=today)
    audit.record(session, actor=actor, action="deadline_rule.created", object_type="deadline_rule",
                 object_id=rule.id, after=_described(session, rule))
    return rule


def edit_rule(
    session: Session, *, rule_id: int, form: RuleForm, actor: audit.Actor, today: date, note: str | None = None
) -> DeadlineRule:
    """Change a rule from a typed form: checked as at creation, versioned and audited."""
    rule = session.get(DeadlineRule, rule_id)
    if rule is None:
        raise NotFound("not found")
    values, unit_ids = read_form(session, form, recurrence=rule.recurrence)
    before = _described(session, rule)
    update_rule(session, rule_id=rule_id, changes=values, officer_id=actor.officer_id, today=today, note=note,
                unit_ids=unit_ids)
    after = _described(session, rule)
    if after != before:
        audit.record(session, actor=actor, action="deadline_rule.updated", object_type="deadline_rule",
                     object_id=rule_id, before=before, after=after)
    return rule


def update_rule(
    session: Session,
    *,
    rule_id: int,
    changes: RuleChanges,
    officer_id: int | None,
    today: date,
    note: str | None = None,
    unit_ids: list[int] | None = None,
) -> DeadlineRule:
    """Edit a rule: the old version is kept, open obligations follow the new rule from now on, history stays."""
    rule = session.get(DeadlineRule, rule_id)
    if rule is None:
        raise LookupError(f"no deadline rule {rule_id}")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    before = {k: getattr(rule, k) for k in EDITABLE}
    named = named_unit_ids(session, rule_id=rule_id)
    if all(before[k] == v for k, v in changes.items()) and (unit_ids is None or unit_ids == named):
        return rule  # nothing changed: no new version
    session.add(
        DeadlineRuleVersion(rule_id=rule_id, changed_by_id=officer_id, note=note,
                            snapshot={**{k: v.isoformat() if isinstance(v, date) else v for k, v in before.items()},
                                      "recurrence": rule.recurrence, "unit_ids": named})
    )
    for key, value in changes.items():
        setattr(rule, key, value)
    rule.updated_at = utcnow()
    session.add(rule)
    session.flush()
    if unit_ids is not None:
        _name_units(session, rule_id=rule_id, unit_ids=unit_ids)
    keep = {u.id for u in applicable_units(session, rule=rule, on=today)} if rule.is_active else set()
    for obligation in session.exec(
        select(Obligation).where(
            Obligation.rule_id == rule_id, col(Obligation.status).in_(OPEN), Obligation.period_end >= today
        )
    ).all():
        if obligation.unit_id not in keep:  # the rule no longer applies to this unit (or was switched off)
            obligation.status, obligation.note = ObligationStatus.waived.value, "rule changed"
        else:
            fresh = deadlines.period_containing(rule, obligation.period_start)
            obligation.due_on = fresh.due_on if fresh.start == obligation.period_start else obligation.due_on
            obligation.status = (
                ObligationStatus.overdue.value if today > obligation.due_on else ObligationStatus.open.value
            )
        session.add(obligation)
    session.flush()
    return rule


def list_rules(session: Session) -> list[DeadlineRule]:
    """Every deadline rule, by code."""
    return list(session.exec(select(DeadlineRule).order_by(col(DeadlineRule.code))).all())
