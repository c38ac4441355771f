"""The web shell: health, the Vietnamese login page, sessions, CSRF, lock-out, audit of logins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine
from sqlmodel import select

from core.db import Database
from core.org.models import Officer
from core.records.models import AuditEvent
from tests.admin.conftest import csrf_of, log_in


def test_healthz_checks_database_and_queue(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() | {"version": None} == {"status": "ok", "database": "ok", "queue": "ok", "version": None}


def test_healthz_reports_a_broken_database_with_503(client, seeded) -> None:
    healthy_db = seeded.db
    seeded.db = Database(create_engine("sqlite:////nonexistent/dir/db.sqlite3"))  # the disk went away
    broken = client.get("/healthz")
    assert broken.status_code == 503
    assert broken.json()["database"].startswith("error")
    assert broken.json()["queue"] == "ok"
    seeded.db = healthy_db


def test_login_page_is_vietnamese_by_default_and_english_on_request(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert "Đăng nhập" in page.text and "Mật khẩu" in page.text
    english = client.get("/?lang=en")
    assert "Log in" in english.text and "Password" in english.text
    assert "Log in" in client.get("/").text  # the choice is remembered


def test_officer_logs_in_and_sees_home_with_unit_and_role(client) -> None:
    response = log_in(client, "bientap", "bientap-demo-2026")
    assert response.status_code == 303 and response.headers["location"] == "/home"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    home = client.get("/home")
    assert "Xin chào, Lò Thị Biên" in home.text
    assert "Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu" in home.text
    assert "biên tập viên" in home.text and "đơn vị biên tập cấp tỉnh" in home.text


def test_wrong_password_is_refused_in_vietnamese_and_audited(client, seeded) -> None:
    response = log_in(client, "bientap", "wrong-password-123")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.text
    with seeded.db.reading() as session:
        actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.action.like("auth.%"))).all()]
    assert actions == ["auth.login_failed"]


def test_five_failures_lock_the_account_even_for_the_right_password(client, seeded) -> None:
    for _ in range(5):
        log_in(client, "vanhanh", "not-the-password")
    locked = log_in(client, "vanhanh", "vanhanh-demo-2026")
    assert locked.status_code == 401  # as for an unknown name (issue 16: no account enumeration)
    assert "tạm bị khóa" in locked.text and client.get("/home", follow_redirects=False).status_code == 303
    with seeded.db.reading() as session:
        officer = session.exec(select(Officer).where(Officer.username == "vanhanh")).one()
    assert officer.locked_until is not None and officer.locked_until > datetime.now(UTC)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client) -> None:
    assert log_in(client, "nobody", "whatever-password").status_code == 401


def test_post_without_or_with_forged_csrf_is_refused(client) -> None:
    missing = client.post("/", data={"username": "bientap", "password": "bientap-demo-2026"}, follow_redirects=False)
    forged = client.post("/", data={"username": "bientap", "password": "bientap-demo-2026", "csrf_token": "forged"},
                         follow_redirects=False)
    assert missing.status_code == 403 and forged.status_code == 403


def test_pages_behind_login_redirect_there_and_back(client) -> None:
    response = client.get("/home?tab=x", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/?next=/home%3Ftab%3Dx"
    back = log_in(client, "bientap", "bientap-demo-2026", next_url="/home?tab=x")
    assert back.headers["location"] == "/home?tab=x"


def test_login_never_redirects_off_site(client) -> None:
    response = log_in(client, "bientap", "bientap-demo-2026", next_url="//evil.example/phish")
    assert response.headers["location"] == "/home"


def test_idle_session_expires_and_returns_to_login(client, seeded, monkeypatch) -> None:
    log_in(client, "bientap", "bientap-demo-2026")
    assert client.get("/home").status_code == 200
    later = datetime.now(UTC) + timedelta(minutes=seeded.settings.session_idle_minutes + 1)

    monkeypatch.setattr("core.accounts.sessions.utcnow", lambda: later)  # the session lives on the server
    response = client.get("/home", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/?next=")


def test_logout_needs_csrf_and_ends_the_session(client) -> None:
    log_in(client, "bientap", "bientap-demo-2026")
    home = client.get("/home")
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/home", follow_redirects=False).status_code == 303


def test_static_files_and_openapi_are_served(client) -> None:
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "bangtin"
