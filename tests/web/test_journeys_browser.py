"""Journeys per role in chromium at 1366×900 and 390×844: what a person checks, with screenshots
(kept under the test's tmp dir, or BANGTIN_TEST_SCREENSHOTS), no horizontal overflow on a phone, and
axe-core (from its npm package, `make axe`) finding no serious or critical violation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bangtin.webapp import create_app
from tests.admin.conftest import PASSWORDS, make_submission, totp_code
from tests.browser import browser, serve
from tests.conftest import ON_CI

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("BANGTIN_TEST_AXE", ROOT / ".cache/npm/node_modules/axe-core/axe.min.js"))
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BANGTIN_TEST_SCREENSHOTS", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _axe_source() -> str:
    if not AXE.is_file():
        if ON_CI:
            pytest.fail(f"{AXE} is missing: `make axe` installs axe-core from npm")
        pytest.skip("axe-core is not installed: `make axe`")
    return AXE.read_text()


def log_in(page, url: str, username: str) -> None:
    page.goto(url + "/")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    page.click("button[type=submit]")
    if username == "quantri":
        page.wait_for_url("**/login/totp**")
        page.fill("#code", totp_code())
        page.click("button[type=submit]")
    page.wait_for_url(url + "/home")


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (
        f"{page.url} is {width} px wide on a {page.viewport_size['width']} px screen"
    )


def accessible(page, axe: str) -> None:
    page.evaluate(axe)  # through DevTools: the page's CSP (no inline script) stays as users get it
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{page.url}: {bad}"


@pytest.fixture
def app_url(org):
    with serve(create_app(runtime=org)) as url:
        yield url


def test_officer_reaches_send_in_one_tap_and_sees_the_state(org, app_url, tmp_path: Path) -> None:
    axe = _axe_source()
    make_submission(org, title="Lễ hội Thái", state="processing", progress=40)
    make_submission(org, title="Tin bị trả lại", state="rejected")
    shots = _shots(tmp_path)
    with browser() as chromium:
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page = chromium.new_page(viewport=size)
            log_in(page, app_url, "congtacvien")
            assert page.locator("#send-new").is_visible()
            submissions = page.inner_text("#my-submissions")
            assert (
                "Lễ hội Thái" in submissions
                and "đang xử lý" in submissions.lower()
                and "bị trả lại" in submissions.lower()
            )
            assert "Duyệt" not in page.inner_text("nav")  # never the staff queue
            page.screenshot(path=str(shots / f"officer-home-{name}.png"), full_page=True)
            no_horizontal_overflow(page)
            accessible(page, axe)
            page.click("#send-new")  # one tap from home
            page.wait_for_url(app_url + "/gui")
            text = page.inner_text("main")
            assert "/status" not in text and "/cancel" not in text and "bot" not in text.lower()
            page.screenshot(path=str(shots / f"officer-gui-{name}.png"), full_page=True)
            no_horizontal_overflow(page)
            page.close()
        page = chromium.new_page(viewport=PHONE)
        log_in(page, app_url, "congtacvien")
        response = page.goto(app_url + "/gui?lang=en")
        assert response.status == 200, page.content()[:2000]
        assert "Send to the information boards" in page.inner_text("main")
        no_horizontal_overflow(page)
        page.screenshot(path=str(shots / "officer-gui-en-phone.png"), full_page=True)


def test_editor_approves_the_first_waiting_item_in_three_clicks(org, app_url, tmp_path: Path) -> None:
    axe = _axe_source()
    first = make_submission(org, title="Khai trương chợ phiên", video=True)
    make_submission(org, title="Tin thứ hai")
    shots = _shots(tmp_path)
    with browser() as chromium:
        page = chromium.new_page(viewport=DESKTOP)
        log_in(page, app_url, "bientap")
        page.screenshot(path=str(shots / "editor-home-desktop.png"), full_page=True)
        accessible(page, axe)
        page.click("#review-first")  # click 1
        page.wait_for_url(f"{app_url}/review/{first}")
        page.screenshot(path=str(shots / "review-desktop.png"))
        approve = page.locator("#approve-button")
        box = approve.bounding_box()
        assert box and box["y"] + box["height"] <= DESKTOP["height"], "the approve button is below the fold at 1366×900"
        assert page.locator("#reject-form button").evaluate("b => getComputedStyle(b).color") != approve.evaluate(
            "b => getComputedStyle(b).backgroundColor"
        )
        accessible(page, axe)
        approve.click()  # click 2
        page.wait_for_selector("#outcome")
        assert "Đã duyệt" in page.inner_text("#outcome")
        assert "Tin thứ hai" in page.inner_text("#next-item")  # the next waiting item, not the same forms
        assert page.locator("#approve-form").count() == 0
        page.screenshot(path=str(shots / "review-outcome-desktop.png"))
        phone = chromium.new_page(viewport=PHONE)
        log_in(phone, app_url, "bientap")
        for path in ("/home", "/review", f"/review/{first}", "/airing/schedule", "/library"):
            phone.goto(app_url + path)
            no_horizontal_overflow(phone)
        phone.screenshot(path=str(shots / "review-phone.png"), full_page=True)


@pytest.mark.parametrize("username", ["vanhanh", "thanhtra", "dichthuat", "quantri"])
def test_staff_main_pages_fit_a_phone_and_pass_axe(org, app_url, tmp_path: Path, username: str) -> None:
    axe = _axe_source()
    make_submission(org, title="Tin chờ duyệt")
    shots = _shots(tmp_path)
    from admin import nav
    from tests.web.test_pages_walk import ROLES

    with browser() as chromium:
        page = chromium.new_page(viewport=PHONE)
        log_in(page, app_url, username)
        for item in nav.items_for(ROLES[username]):
            page.goto(app_url + item.path)
            no_horizontal_overflow(page)
        desktop = chromium.new_page(viewport=DESKTOP)
        log_in(desktop, app_url, username)
        desktop.screenshot(path=str(shots / f"{username}-home-desktop.png"), full_page=True)
        accessible(desktop, axe)
        page.goto(app_url + "/home")
        page.screenshot(path=str(shots / f"{username}-home-phone.png"), full_page=True)
        accessible(page, axe)
