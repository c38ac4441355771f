"""Accounts as people use them: change one's own password; the administrator's first login explains
the second factor; right after enrolment the account page says it is on."""

from __future__ import annotations

import re

import pyotp
from sqlmodel import select

from core.org.models import Officer
from tests.admin.conftest import PASSWORDS, csrf_of, log_in, sign_in


def test_officer_changes_their_password_with_the_current_one(web, org) -> None:
    sign_in(web, "congtacvien")
    page = web.get("/account")
    assert "Đổi mật khẩu" in page.text and "mã truy cập API" not in page.text.lower()
    wrong = web.post(
        "/account/password",
        data={
            "current": "not-it",
            "new": "một-mật-khẩu-mới-dài",
            "repeat": "một-mật-khẩu-mới-dài",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert wrong.status_code == 422 and "mật khẩu hiện tại không đúng" in wrong.text
    short = web.post(
        "/account/password",
        data={
            "current": PASSWORDS["congtacvien"],
            "new": "ngan123",
            "repeat": "ngan123",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert short.status_code == 422 and "ít nhất 14 ký tự" in short.text
    done = web.post(
        "/account/password",
        data={
            "current": PASSWORDS["congtacvien"],
            "new": "mật-khẩu-mới-của-Páo",
            "repeat": "mật-khẩu-mới-của-Páo",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert done.status_code == 200 and "Đã đổi mật khẩu" in done.text
    web.cookies.clear()
    assert log_in(web, "congtacvien", PASSWORDS["congtacvien"]).status_code != 303
    web.cookies.clear()
    assert log_in(web, "congtacvien", "mật-khẩu-mới-của-Páo").headers["location"] == "/home"


def test_administrators_first_login_explains_the_second_factor_and_then_says_it_is_on(web, org) -> None:
    with org.db.unit_of_work() as session:
        admin = session.exec(select(Officer).where(Officer.username == "quantri")).one()
        admin.totp_secret = None
        session.add(admin)
    log_in(web, "quantri", PASSWORDS["quantri"])
    page = web.get("/home")  # the first page after the login is the enrolment, with the reason
    assert "Xác thực hai lớp" in page.text and "Nghị định 85/2016" in page.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    done = web.post("/account/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)})
    assert done.status_code == 200
    assert "Đang bật" in done.text and "Đang tắt" not in done.text
