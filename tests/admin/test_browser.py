"""The login page in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bangtin.webapp import create_app
from tests.browser import browser, serve

pytestmark = pytest.mark.browser


def test_editor_logs_in_through_the_browser_and_sees_vietnamese(seeded, tmp_path: Path) -> None:
    with serve(create_app(runtime=seeded)) as url, browser() as chromium:
        page = chromium.new_page()
        page.goto(url + "/")
        assert page.title() == "Đăng nhập · bangtin"
        page.fill("#username", "bientap")
        page.fill("#password", "bientap-demo-2026")
        page.click("button[type=submit]")
        page.wait_for_url(url + "/home")
        assert "Xin chào, Lò Thị Biên" in page.inner_text("main")
        page.screenshot(path=str(tmp_path / "home.png"))
        page.click("a.lang")
        assert "Hello, Lò Thị Biên" in page.inner_text("main")


def test_a_wrong_password_shows_the_reason_in_the_page(seeded) -> None:
    with serve(create_app(runtime=seeded)) as url, browser() as chromium:
        page = chromium.new_page()
        page.goto(url + "/")
        page.fill("#username", "bientap")
        page.fill("#password", "not-my-password")
        page.click("button[type=submit]")
        # (the same words say that the account may be locked: issue 16, no account enumeration)
        assert page.locator("[role=alert]").inner_text().startswith("Sai tên đăng nhập hoặc mật khẩu")
        assert page.input_value("#username") == "bientap"
