"""The home page: the work waiting for the person who logged in, by role (issue 15).

Editor: submissions waiting (count, oldest, emergencies first), translations due, this month's
deadlines. Operator: its boards (online/offline, what plays), today's plan, open incidents, its
obligations and the report upload. Officer: one big "send" button, their own submissions in plain
words, their notifications. Translator: what is asked of them. Inspector and administrator: the
audit, exports and backups.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from admin.deps import ReadSession, RuntimeDep, StaffOfficer
from admin.templating import render
from core.accounts import access
from core.airing import overview
from core.notify import overview as notices
from core.org import service as org
from core.org.models import Unit
from core.records import backup
from core.review import worklist
from core.types import Role

router = APIRouter(tags=["home"], include_in_schema=False)

EDITORS = {Role.editor.value, Role.administrator.value}
OPERATORS = {Role.operator.value}
WATCHERS = {Role.administrator.value, Role.inspector.value}


@router.get("/home", response_class=HTMLResponse)
def home_page(request: Request, session: ReadSession, officer: StaffOfficer, runtime: RuntimeDep) -> Response:
    now = datetime.now(UTC)
    today = runtime.settings.today()
    role = officer.role
    context: dict[str, object] = {
        "unit": session.get(Unit, officer.unit_id),
        "duties": org.duties_of(session, unit_id=officer.unit_id, on=today),
        "role": role,
        "now": now,
    }
    if role == Role.contributor.value:
        context["mine"] = worklist.own_submissions(session, officer_id=officer.id, limit=10)  # type: ignore[arg-type]
        context["notifications"] = notices.notifications_of(session, officer_id=officer.id)  # type: ignore[arg-type]
        return render(request, "home_officer.html", context)
    if role == Role.translator.value:
        context["due"] = worklist.translations_due(session, officer_id=officer.id)
        return render(request, "home_translator.html", context)
    scope = access.scope_of(session, officer=officer, on=today)
    if role in EDITORS or role == Role.operator.value or (role == Role.inspector.value):
        context["queue"] = worklist.review_queue(session, scope=scope)
    if role in EDITORS:
        context["translations"] = worklist.translations_due(session)
        context["deadlines"] = notices.deadlines_of_month(session, today=today)
    if role in OPERATORS or role == Role.administrator.value:
        boards = overview.operated_boards(session, scope=scope, today=today)
        context["boards"] = boards
        context["incidents"] = overview.open_incidents(session, board_ids=[b.board.id for b in boards],  # type: ignore[misc]
                                                   everything=role == Role.administrator.value)
    if role in OPERATORS:
        context["deadlines"] = notices.deadlines_of_month(session, today=today, unit_id=officer.unit_id)
    if role in WATCHERS:
        context["backups"] = backup.status(session, now=now)
    return render(request, "home.html", context)


@router.get("/mine", response_class=HTMLResponse)
def my_submissions(request: Request, session: ReadSession, officer: StaffOfficer) -> Response:
    """What I sent, newest first, in plain words (the officer never sees the staff queue)."""
    return render(request, "mine.html", {"mine": worklist.own_submissions(session, officer_id=officer.id, limit=100)})  # type: ignore[arg-type]
