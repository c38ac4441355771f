"""The login page at `/`, logging out, and the home page behind the login."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from admin.deps import (
    Csrf,
    CurrentOfficer,
    ReadSession,
    RuntimeDep,
    WriteSession,
    actor_for,
    csrf_token,
)
from admin.templating import render
from core.accounts import sessions, totp
from core.accounts.login import LoginFailed, authenticate
from core.org.models import Officer
from core.records import audit

router = APIRouter(tags=["auth"])


def _safe_next(next_url: str | None) -> str:
    """Only local paths: an open redirect would let a phishing link borrow our login page."""
    if next_url and next_url.startswith("/") and not next_url.startswith("//") and "\\" not in next_url:
        return next_url
    return "/home"


@router.get("/", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    if request.session.get("sid"):
        return RedirectResponse(_safe_next(next), status_code=303)
    csrf_token(request)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/", response_class=HTMLResponse, dependencies=[Csrf])
def login(
    request: Request,
    session: WriteSession,
    runtime: RuntimeDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/home",
) -> Response:
    try:
        officer = authenticate(
            session, settings=runtime.settings, username=username, password=password, actor=actor_for(request, None)
        )
    except LoginFailed:
        # Locked and unknown answer alike: the same words and status, so nobody learns which accounts exist.
        return render(
            request, "login.html", {"next": _safe_next(next), "error": "invalid", "username": username},
            status_code=401,
        )
    if officer.totp_secret:  # the password alone is not enough: ask for the second factor
        request.session.clear()
        request.session.update(pending_officer_id=officer.id, pending_at=int(datetime.now(UTC).timestamp()),
                               csrf=secrets.token_urlsafe(32))
        return RedirectResponse(f"/login/totp?next={quote(_safe_next(next))}", status_code=303)
    return _signed_in(request, session, officer, next)


def _signed_in(request: Request, session: Session, officer: Officer, next_url: str) -> Response:
    """A fresh session for the officer (no fixation), then on to where they were going."""
    request.session.clear()
    token = sessions.start(session, officer=officer, address=request.client.host if request.client else None,
                           user_agent=request.headers.get("user-agent"))
    request.session.update(sid=token, csrf=secrets.token_urlsafe(32))
    return RedirectResponse(_safe_next(next_url), status_code=303)


PENDING_SECONDS = 300  # the second factor must follow the password within five minutes


def _pending_officer(request: Request, session: Session) -> Officer | None:
    officer_id, since = request.session.get("pending_officer_id"), request.session.get("pending_at", 0)
    if officer_id is None or datetime.now(UTC).timestamp() - since > PENDING_SECONDS:
        return None
    officer = session.get(Officer, officer_id)
    return officer if officer is not None and officer.is_active and officer.totp_secret else None


@router.get("/login/totp", response_class=HTMLResponse)
def totp_page(request: Request, session: ReadSession, next: str | None = None) -> Response:
    if _pending_officer(request, session) is None:
        return RedirectResponse("/", status_code=303)
    return render(request, "login_totp.html", {"next": _safe_next(next), "error": None})


@router.post("/login/totp", response_class=HTMLResponse, dependencies=[Csrf])
def totp_check(
    request: Request,
    session: WriteSession,
    runtime: RuntimeDep,
    code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/home",
) -> Response:
    officer = _pending_officer(request, session)
    if officer is None:
        request.session.clear()
        return RedirectResponse("/", status_code=303)
    if officer.locked_until is not None and officer.locked_until > datetime.now(UTC):
        request.session.clear()
        return render(request, "login.html", {"next": _safe_next(next), "error": "locked"}, status_code=423)
    actor = actor_for(request, officer)
    settings = runtime.settings
    if not totp.verify_second_factor(
        session,
        officer=officer,
        code=code,
        actor=actor,
        max_failures=settings.login_max_failures,
        lock_minutes=settings.login_lock_minutes,
    ):
        return render(request, "login_totp.html", {"next": _safe_next(next), "error": "invalid"}, status_code=401)
    officer.failed_logins = 0
    session.add(officer)
    return _signed_in(request, session, officer, next)


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, session: WriteSession, officer: CurrentOfficer) -> Response:
    audit.record(
        session, actor=actor_for(request, officer), action="auth.logout", object_type="officer", object_id=officer.id
    )
    sessions.end(session, token=request.session.get("sid", ""), reason="logout")
    request.session.clear()
    return RedirectResponse("/", status_code=303)
