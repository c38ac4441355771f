"""Two-factor login: required for administrators, optional for others, recovery codes, lock-out."""

from __future__ import annotations

import re

import pyotp
from sqlmodel import select

from core.org.models import Officer
from core.records.models import AuditEvent
from tests.admin.conftest import ADMIN_TOTP_SECRET, PASSWORDS, csrf_of, log_in, sign_in, totp_code


def _actions(rt) -> list[str]:
    with rt.db.reading() as session:
        return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()]


def test_administrator_needs_the_code_after_the_password(web, org) -> None:
    first = log_in(web, "quantri", PASSWORDS["quantri"])
    assert first.headers["location"] == "/login/totp?next=/home"
    assert web.get("/home", follow_redirects=False).status_code == 303  # not logged in yet
    page = web.get("/login/totp")
    assert "Xác thực hai lớp" in page.text
    wrong = web.post("/login/totp", data={"code": "000000", "csrf_token": csrf_of(page.text), "next": "/home"})
    assert wrong.status_code == 401 and "Mã không đúng" in wrong.text
    right = web.post("/login/totp", data={"code": totp_code(), "csrf_token": csrf_of(page.text), "next": "/home"},
                     follow_redirects=False)
    assert right.status_code == 303 and web.get("/home").status_code == 200
    assert {"auth.second_factor_failed", "auth.second_factor"} <= set(_actions(org))


def test_a_code_works_only_once(web, org) -> None:
    code = pyotp.TOTP(ADMIN_TOTP_SECRET).now()
    for expected in (303, 401):
        web.cookies.clear()
        log_in(web, "quantri", PASSWORDS["quantri"])
        page = web.get("/login/totp")
        answer = web.post("/login/totp", data={"code": code, "csrf_token": csrf_of(page.text), "next": "/home"},
                          follow_redirects=False)
        assert answer.status_code == expected


def test_administrator_without_totp_must_enrol_first_and_gets_recovery_codes(web, org) -> None:
    with org.db.unit_of_work() as session:
        admin = session.exec(select(Officer).where(Officer.username == "quantri")).one()
        admin.totp_secret = None
        session.add(admin)
    assert log_in(web, "quantri", PASSWORDS["quantri"]).headers["location"] == "/home"
    assert web.get("/review", follow_redirects=False).headers["location"] == "/account/totp"
    page = web.get("/account/totp")
    assert "<svg" in page.text and "bắt buộc" in page.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    bad = web.post("/account/totp", data={"code": "123456", "csrf_token": csrf_of(page.text)})
    assert bad.status_code == 422 and "mã không khớp" in bad.text
    done = web.post("/account/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)})
    codes = re.findall(r"<code>([0-9a-f]{8}-[0-9a-f]{8})</code>", done.text)  # 64 bits each (issue 16)
    assert len(codes) == 10
    assert web.get("/review").status_code == 200
    # a recovery code replaces the authenticator once
    web.cookies.clear()
    log_in(web, "quantri", PASSWORDS["quantri"])
    page = web.get("/login/totp")
    ok = web.post("/login/totp", data={"code": codes[0], "csrf_token": csrf_of(page.text), "next": "/home"},
                  follow_redirects=False)
    assert ok.status_code == 303
    web.cookies.clear()
    log_in(web, "quantri", PASSWORDS["quantri"])
    page = web.get("/login/totp")
    again = web.post("/login/totp", data={"code": codes[0], "csrf_token": csrf_of(page.text), "next": "/home"})
    assert again.status_code == 401


def test_editor_may_turn_totp_on_and_off(web, org) -> None:
    sign_in(web, "bientap")
    page = web.get("/account/totp")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    web.post("/account/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)})
    account = web.get("/account")
    assert "Đang bật" in account.text
    web.post("/account/totp/disable", data={"csrf_token": csrf_of(account.text)})
    assert "Đang tắt" in web.get("/account").text
    assert "auth.totp_disabled" in _actions(org)


def test_failed_codes_lock_the_account(web, org) -> None:
    log_in(web, "quantri", PASSWORDS["quantri"])
    for _ in range(org.settings.login_max_failures):
        page = web.get("/login/totp")
        if page.url.path != "/login/totp":
            break
        web.post("/login/totp", data={"code": "999999", "csrf_token": csrf_of(page.text), "next": "/home"})
    with org.db.reading() as session:
        assert session.exec(select(Officer).where(Officer.username == "quantri")).one().locked_until is not None
    assert log_in(web, "quantri", PASSWORDS["quantri"]).status_code == 401  # locked, worded like any refusal


def test_personal_api_token_is_shown_once_and_can_be_revoked(web, org) -> None:
    sign_in(web, "bientap")
    page = web.get("/account")
    made = web.post("/account/tokens", data={"csrf_token": csrf_of(page.text), "name": "Hệ thống nguồn", "days": "30"})
    token = re.search(r'id="new-token">(bt_[^<]+)<', made.text).group(1)
    assert web.get("/api/v1/clusters", headers={"Authorization": f"Bearer {token}"}).status_code in {200, 404}
    assert token not in web.get("/account").text
    empty = web.post("/account/tokens", data={"csrf_token": csrf_of(page.text), "name": " ", "days": "30"})
    assert empty.status_code == 422 and "hãy đặt tên" in empty.text
