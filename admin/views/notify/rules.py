"""Deadline rules under /notify/rules: the list, a new rule, and the edit form (a refused field shown on it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from admin.deps import Csrf, CurrentScope, ReadSession, RuntimeDep, WriteSession, actor_for, error_text
from admin.params import DbId
from admin.templating import render
from admin.views.notify.views import may_edit, require_edit, require_view
from core.errors import Invalid, NotFound
from core.notify import rules as rulebook
from core.notify.models import DeadlineRule
from core.org import service as org
from core.runtime import Runtime
from core.types import Category, Duty, Fulfilment, MediaKind, Recurrence, UnitKind

router = APIRouter(tags=["notify"], include_in_schema=False)


@router.get("/notify/rules", response_class=HTMLResponse)
def rules(request: Request, session: ReadSession, scope: CurrentScope) -> Response:
    require_view(scope)
    return render(request, "notify/rules.html", {"rules": rulebook.list_rules(session), "may_edit": may_edit(scope)})


def _rule_page(request: Request, session: Session, runtime: Runtime, rule: DeadlineRule | None, *,
               form: rulebook.RuleForm | None = None, error: Invalid | None = None) -> Response:
    """The form of a new rule (`rule` None) or of an existing one; after a refusal, what was typed and why."""
    shown: dict[str, Any] = dict(form or {})
    if form is None and rule is not None:
        named = rulebook.named_unit_ids(session, rule_id=rule.id)  # type: ignore[arg-type]
        shown = {**{k: getattr(rule, k) for k in rulebook.EDITABLE}, "unit_ids": [str(u) for u in named],
                 "reminder_offsets": ", ".join(str(o) for o in rule.reminder_offsets),
                 "valid_from": rule.valid_from.isoformat() if rule.valid_from else ""}
    elif form is None:
        shown = {"is_active": True, "min_count": 1, "valid_from": runtime.settings.today().isoformat(),
                 "reminder_offsets": ", ".join(str(o) for o in rulebook.DEFAULT_OFFSETS)}
    return render(
        request,
        "notify/rule.html",
        {
            "rule": rule,
            "form": shown,
            "error": error_text(request.state.language, error) if error else None,
            "error_field": error.field if error else None,
            "kinds": [k.value for k in UnitKind],
            "duties": [d.value for d in Duty],
            "units": org.list_units(session, on=runtime.settings.today()),
            "recurrences": [r.value for r in Recurrence],
            "fulfilments": [f.value for f in Fulfilment],
            "categories": [c.value for c in Category],
            "media_kinds": [k.value for k in MediaKind],
        },
        status_code=422 if error else 200,
    )


@router.get("/notify/rules/new", response_class=HTMLResponse)
def rule_new(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep) -> Response:
    require_edit(scope)
    return _rule_page(request, session, runtime, None)


@router.get("/notify/rules/{rule_id}", response_class=HTMLResponse)
def rule_page(request: Request, session: ReadSession, scope: CurrentScope, runtime: RuntimeDep,
              rule_id: DbId) -> Response:
    require_edit(scope)
    rule = session.get(DeadlineRule, rule_id)
    if rule is None:
        raise NotFound("not found")
    return _rule_page(request, session, runtime, rule)


def _typed(name: str, article: str, recurrence: str, due_day: str, due_month: str, period_cutoff_day: str,
           reminder_offsets: str, min_count: str, applies_to_duty: str, fulfilment: str, valid_from: str,
           due_exclusive: bool, due_working_day: bool, is_active: bool, applies_to_kinds: list[str] | None,
           unit_ids: list[str] | None, fulfil_categories: list[str] | None,
           fulfil_kinds: list[str] | None) -> rulebook.RuleForm:
    return {"name": name, "article": article, "recurrence": recurrence, "due_day": due_day, "due_month": due_month,
            "period_cutoff_day": period_cutoff_day, "reminder_offsets": reminder_offsets, "min_count": min_count,
            "applies_to_duty": applies_to_duty, "fulfilment": fulfilment, "valid_from": valid_from,
            "due_exclusive": due_exclusive, "due_working_day": due_working_day, "is_active": is_active,
            "applies_to_kinds": applies_to_kinds or [], "unit_ids": unit_ids or [],
            "fulfil_categories": fulfil_categories or [], "fulfil_kinds": fulfil_kinds or []}


TextField = Annotated[str, Form()]
Ticked = Annotated[bool, Form()]
Chosen = Annotated[list[str] | None, Form()]


@router.post("/notify/rules", dependencies=[Csrf])
def rule_create(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep,
                code: TextField = "", name: TextField = "", article: TextField = "", recurrence: TextField = "",
                due_day: TextField = "", due_month: TextField = "", period_cutoff_day: TextField = "",
                reminder_offsets: TextField = "", min_count: TextField = "1", applies_to_duty: TextField = "",
                fulfilment: TextField = "", valid_from: TextField = "", due_exclusive: Ticked = False,
                due_working_day: Ticked = False, is_active: Ticked = False, applies_to_kinds: Chosen = None,
                unit_ids: Chosen = None, fulfil_categories: Chosen = None, fulfil_kinds: Chosen = None) -> Response:
    """An administrator or provincial editor makes a rule; a refused field is shown on the form."""
    require_edit(scope)
    form = _typed(name, article, recurrence, due_day, due_month, period_cutoff_day, reminder_offsets, min_count,
                  applies_to_duty, fulfilment, valid_from, due_exclusive, due_working_day, is_active,
                  applies_to_kinds, unit_ids, fulfil_categories, fulfil_kinds)
    form["code"] = code
    try:
        rulebook.create_rule(session, form=form, actor=actor_for(request, scope.officer),
                             today=runtime.settings.today())
    except Invalid as refused:
        session.rollback()
        return _rule_page(request, session, runtime, None, form=form, error=refused)
    return RedirectResponse("/notify/rules", status_code=303)


@router.post("/notify/rules/{rule_id}", dependencies=[Csrf])
def rule_save(request: Request, session: WriteSession, scope: CurrentScope, runtime: RuntimeDep, rule_id: DbId,
              name: TextField = "", article: TextField = "", due_day: TextField = "", due_month: TextField = "",
              period_cutoff_day: TextField = "", reminder_offsets: TextField = "", min_count: TextField = "1",
              applies_to_duty: TextField = "", valid_from: TextField = "", due_exclusive: Ticked = False,
              due_working_day: Ticked = False, is_active: Ticked = False, applies_to_kinds: Chosen = None,
              unit_ids: Chosen = None, fulfil_categories: Chosen = None, fulfil_kinds: Chosen = None,
              note: TextField = "") -> Response:
    require_edit(scope)
    rule = session.get(DeadlineRule, rule_id)
    if rule is None:
        raise NotFound("not found")
    form = _typed(name, article, rule.recurrence, due_day, due_month, period_cutoff_day, reminder_offsets, min_count,
                  applies_to_duty, rule.fulfilment, valid_from, due_exclusive, due_working_day, is_active,
                  applies_to_kinds, unit_ids, fulfil_categories, fulfil_kinds)
    try:
        rulebook.edit_rule(session, rule_id=rule_id, form=form, actor=actor_for(request, scope.officer),
                           today=runtime.settings.today(), note=note.strip() or None)
    except Invalid as refused:
        session.rollback()
        return _rule_page(request, session, runtime, session.get(DeadlineRule, rule_id), form=form, error=refused)
    return RedirectResponse("/notify/rules", status_code=303)
