"""FastAPI dependencies: the runtime, one session per request, the logged-in officer, CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from sqlmodel import Session

import i18n
from core.accounts import access
from core.errors import Invalid
from core.org.models import Officer
from core.records import audit
from core.runtime import Runtime
from core.types import Channel


class LoginRequired(Exception):
    """Raised by `current_officer`; the app answers with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def read_session(runtime: RuntimeDep) -> Iterator[Session]:
    with runtime.db.reading() as session:
        yield session


def write_session(runtime: RuntimeDep) -> Iterator[Session]:
    """A unit of work committed when the route returns without error (STYLE.md: commit at the edge)."""
    with runtime.db.unit_of_work() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]
# scope="function": the commit happens before the response is sent, so a failed commit is a 500.
WriteSession = Annotated[Session, Depends(write_session, scope="function")]


def actor_for(request: Request, officer: Officer | None) -> audit.Actor:
    """Who is acting, from which address: for the audit log."""
    address = request.client.host if request.client else None
    if officer is None:
        return audit.Actor(label="anonymous", channel=Channel.web, address=address)
    return audit.Actor(
        label=officer.username or officer.full_name, channel=Channel.web, officer_id=officer.id, address=address
    )


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def require_csrf(request: Request, csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "") -> None:
    """Refuse a state-changing request whose form field or X-CSRF-Token header does not match."""
    expected = request.session.get("csrf")
    given = csrf_token_field or request.headers.get("x-csrf-token", "")
    if not expected or not secrets.compare_digest(expected, given):
        raise HTTPException(status_code=403, detail="csrf")


class Redirect(Exception):
    """Raised by a dependency to send the browser elsewhere (e.g. to enrol a second factor first)."""

    def __init__(self, url: str) -> None:
        self.url = url


# The only pages an officer whose role requires a second factor may reach without one: enrolling
# it and logging out. Exact paths, so a new route under /account is not exempt by accident.
MFA_SETUP_PATHS = frozenset({"/account/totp", "/logout"})


def current_officer(request: Request, session: ReadSession, runtime: RuntimeDep) -> Officer:
    """The logged-in, active officer who has passed every factor their role requires.

    The one dependency every staff route goes through (directly, or through `CurrentScope`): an
    idle or missing session leads back to the login page, a missing second factor to enrolment.
    """
    from core.accounts import sessions, totp

    token = request.session.get("sid")
    next_url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not token:
        raise LoginRequired(next_url)
    # The session lives on the server: logging out, a password change or "log out everywhere" ends
    # it there, and an idle one ends after session_idle_minutes (REQUIREMENTS: 15 minutes).
    with runtime.db.unit_of_work() as write:
        row = sessions.resume(write, token=token, idle=timedelta(minutes=runtime.settings.session_idle_minutes))
        officer_id = row.officer_id if row is not None else None
    if officer_id is None:
        request.session.clear()
        raise LoginRequired(next_url)
    officer = session.get(Officer, officer_id)
    if officer is None or not officer.is_active:
        request.session.clear()
        raise LoginRequired(next_url)
    request.state.officer = officer
    if totp.required_for(officer) and not officer.totp_secret and request.url.path not in MFA_SETUP_PATHS:
        raise Redirect("/account/totp")
    return officer


CurrentOfficer = Annotated[Officer, Depends(current_officer)]
StaffOfficer = CurrentOfficer  # the same check: there is no way past the second factor
Csrf = Depends(require_csrf)


def current_scope(request: Request, session: ReadSession, officer: StaffOfficer, runtime: RuntimeDep) -> access.Scope:
    """What the logged-in officer may see and decide today, computed once per request."""
    today = runtime.settings.today()
    return access.scope_of(session, officer=officer, on=today)


CurrentScope = Annotated[access.Scope, Depends(current_scope)]


def error_text(language: str, error: Invalid) -> str:
    """A service's error in the reader's language (messages are English catalog ids)."""
    values = getattr(error, "values", None) or {}
    message = str(error.args[0]) if error.args else ""
    return i18n.gettext(language, message, **values)
