"""The officer's own account: two-factor enrolment (QR code), recovery codes, personal API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from admin.deps import Csrf, ReadSession, RuntimeDep, StaffOfficer, WriteSession, actor_for, error_text
from admin.params import DbId
from admin.templating import render
from core.accounts import login as auth
from core.accounts import passwords, sessions, tokens, totp
from core.errors import Invalid
from core.org import units as unitadmin
from core.org.models import Officer

router = APIRouter(tags=["account"], include_in_schema=False)


def _page(request: Request, session: Session, officer: Officer, **extra: object) -> Response:
    assert officer.id is not None  # the signed-in officer is a stored row
    context = {
        "tokens": tokens.list_for(session, officer_id=officer.id),
        "codes_left": totp.recovery_codes_left(session, officer_id=officer.id) if officer.totp_secret else 0,
        "mfa_required": totp.required_for(officer),
        # From the row just written, not the request's copy: right after enrolment it says "on".
        "totp_on": bool(officer.totp_secret),
        "new_token": None, "recovery_codes": None, "error": None, "password_changed": False, "password_error": None,
        "may_grant_alert_source": tokens.may_grant_alert_source(officer),
        "chat": None,
        "sessions": sessions.live(session, officer_id=officer.id or 0,
                                  idle=timedelta(minutes=request.app.state.runtime.settings.session_idle_minutes)),
        **extra,
    }
    failed = extra.get("error") or extra.get("password_error")
    return render(request, "account.html", context, status_code=422 if failed else 200)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: ReadSession, officer: StaffOfficer) -> Response:
    return _page(request, session, officer)


@router.get("/account/totp", response_class=HTMLResponse)
def totp_setup(request: Request, officer: StaffOfficer) -> Response:
    secret = request.session.get("totp_pending") or totp.new_secret()
    request.session["totp_pending"] = secret
    uri = totp.provisioning_uri(officer=officer, secret=secret)
    # The SVG is made by segno from our own URI: markup we generate, not user text.
    qr = Markup(segno.make(uri, error="m").svg_inline(scale=4, title="TOTP"))
    return render(request, "account_totp.html", {"secret": secret, "qr": qr, "error": None,
                                                 "required": totp.required_for(officer)})


@router.post("/account/totp", response_class=HTMLResponse, dependencies=[Csrf])
def totp_confirm(request: Request, session: WriteSession, officer: StaffOfficer,
                 code: Annotated[str, Form()] = "") -> Response:
    secret = request.session.get("totp_pending")
    if not secret:
        return RedirectResponse("/account/totp", status_code=303)
    me = session.get(Officer, officer.id)
    assert me is not None
    try:
        codes = totp.enrol(session, officer=me, secret=secret, code=code, actor=actor_for(request, me))
    except Invalid as error:
        uri = totp.provisioning_uri(officer=me, secret=secret)
        qr = Markup(segno.make(uri, error="m").svg_inline(scale=4, title="TOTP"))
        return render(request, "account_totp.html", {
            "secret": secret, "qr": qr, "required": totp.required_for(me),
            "error": error_text(request.state.language, error)}, status_code=422)
    request.session.pop("totp_pending", None)
    return _page(request, session, me, recovery_codes=codes)


@router.post("/account/totp/disable", dependencies=[Csrf])
def totp_disable(request: Request, session: WriteSession, officer: StaffOfficer) -> Response:
    me = session.get(Officer, officer.id)
    assert me is not None
    try:
        totp.disable(session, officer=me, actor=actor_for(request, me))
    except Invalid as error:
        return _page(request, session, me, error=error_text(request.state.language, error))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/sessions/end", dependencies=[Csrf])
def end_everywhere(request: Request, session: WriteSession, officer: StaffOfficer) -> Response:
    """Log out everywhere, this browser too."""
    auth.log_out_everywhere(session, officer=officer, actor=actor_for(request, officer))
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.post("/account/chat", response_class=HTMLResponse, dependencies=[Csrf])
def chat_invite(request: Request, session: WriteSession, officer: StaffOfficer, runtime: RuntimeDep) -> Response:
    """An invite for the officer's own chat: a staff account is bound only by its owner, logged in."""
    issued = unitadmin.invite_myself(session, officer=officer, actor=actor_for(request, officer))
    bot = runtime.settings.telegram_bot_username
    link = f"https://t.me/{bot}?start={issued.token}" if bot else None
    qr = Markup(segno.make(link or issued.short_code, error="m").svg_inline(scale=4, title="invite"))
    return _page(request, session, officer, chat={"link": link, "code": issued.short_code,
                                                  "expires_at": issued.expires_at, "qr": qr})


@router.post("/account/tokens", response_class=HTMLResponse, dependencies=[Csrf])
def token_create(request: Request, session: WriteSession, officer: StaffOfficer,
                  name: Annotated[str, Form()] = "", days: Annotated[int, Form(ge=1, le=3660)] = 90,
                  alert_source: Annotated[bool, Form()] = False) -> Response:
    try:
        _row, clear = tokens.create(session, officer=officer, name=name, days=days, actor=actor_for(request, officer),
                                    alert_source=alert_source)
    except Invalid as error:
        return _page(request, session, officer, error=error_text(request.state.language, error))
    return _page(request, session, officer, new_token=clear)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Csrf])
def token_revoke(request: Request, session: WriteSession, officer: StaffOfficer, token_id: DbId) -> Response:
    tokens.revoke(session, officer=officer, token_id=token_id, actor=actor_for(request, officer))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password", response_class=HTMLResponse, dependencies=[Csrf])
def password_change(request: Request, session: WriteSession, officer: StaffOfficer, runtime: RuntimeDep,
                    current: Annotated[str, Form()] = "", new: Annotated[str, Form()] = "",
                    repeat: Annotated[str, Form()] = "") -> Response:
    """Change one's own password, with the current one; every other browser logged in as this officer is logged out."""
    me = session.get(Officer, officer.id)
    assert me is not None
    try:
        passwords.change_password(session, officer=me, current=current, new=new, repeat=repeat,
                                  settings=runtime.settings, actor=actor_for(request, me),
                                  keep_session=request.session.get("sid"))
    except Invalid as error:
        session.rollback()
        return _page(request, session, me, password_error=error_text(request.state.language, error))
    return _page(request, session, me, password_changed=True)
