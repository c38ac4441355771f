"""Issue 13 journeys in chromium: an administrator ends a commune into its successor and sees the
hand-over, and creates a deadline rule; the pages fit a phone and pass axe-core. Screenshots as in
test_journeys_browser.py (BANGTIN_TEST_SCREENSHOTS keeps them)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from core.notify.models import DeadlineRule, Obligation
from core.org.models import Officer, Unit
from tests.admin.conftest import ids
from tests.browser import browser
from tests.web.test_journeys_browser import (
    DESKTOP,
    PHONE,
    _axe_source,
    _shots,
    accessible,
    app_url,  # noqa: F401  (a fixture)
    log_in,
    no_horizontal_overflow,
)

pytestmark = pytest.mark.browser


def test_an_administrator_ends_a_commune_into_its_successor_and_sees_what_moved(org, app_url, tmp_path: Path) -> None:  # noqa: F811
    axe, shots = _axe_source(), _shots(tmp_path)
    old, new = ids(org, Unit, code="X-SINHO"), ids(org, Unit, code="X-HONGTHU")
    with org.db.unit_of_work() as session:
        session.add(Officer(unit_id=old, full_name="Vàng A Sử"))
    yesterday = org.settings.today() - timedelta(days=1)
    with browser() as chromium:
        page = chromium.new_page(viewport=PHONE)
        log_in(page, app_url, "quantri")
        page.goto(app_url + "/units")
        page.click("#former-units")
        assert page.locator("text=xã Ma Quai (huyện Sìn Hồ)").count() == 1
        no_horizontal_overflow(page)
        page.screenshot(path=str(shots / "units-former-phone.png"), full_page=True)
        accessible(page, axe)

        desk = chromium.new_page(viewport=DESKTOP)
        log_in(desk, app_url, "quantri")
        desk.goto(f"{app_url}/units/{old}")
        desk.fill("#u-to", yesterday.strftime("%d/%m/%Y"))  # the page asks for dd/mm/yyyy
        desk.select_option("#u-successor", str(new))
        with desk.expect_navigation():
            desk.click("#unit-form button[type=submit]")
        card = desk.locator("#succession")
        assert "công việc được tiếp tục tại" in card.inner_text() and "Hoạt động đến hết ngày" in card.inner_text()
        assert "cán bộ: 1" in card.inner_text() and "cụm thông tin: 1" in card.inner_text()
        desk.screenshot(path=str(shots / "unit-ended-desktop.png"), full_page=True)
        accessible(desk, axe)
        desk.goto(f"{app_url}/units/{new}")
        assert "Xã Ma Quai (cũ)" in desk.locator("#succession").inner_text()
        assert desk.locator("text=Vàng A Sử").count() == 1  # the officer is listed with the successor now
        desk.screenshot(path=str(shots / "unit-successor-desktop.png"), full_page=True)


def test_an_administrator_creates_a_monthly_rule_and_the_communes_owe_it_at_once(org, app_url, tmp_path: Path) -> None:  # noqa: F811
    axe, shots = _axe_source(), _shots(tmp_path)
    with browser() as chromium:
        page = chromium.new_page(viewport=DESKTOP)
        log_in(page, app_url, "quantri")
        page.goto(app_url + "/notify/rules/new")
        page.fill("input[name=code]", "D10.1B-QUY")  # a code taken first: told on the form, nothing stored
        page.fill("input[name=name]", "Xã gửi tin hoạt động hằng tháng")
        page.fill("input[name=due_day]", "25")
        page.check("input[name=applies_to_kinds][value=commune]")
        with page.expect_navigation():
            page.click("#rule-form button[type=submit]")
        assert page.locator("#form-error").is_visible()
        assert page.locator("input[name=name]").input_value() == "Xã gửi tin hoạt động hằng tháng"  # kept
        page.screenshot(path=str(shots / "rule-new-error-desktop.png"), full_page=True)
        accessible(page, axe)
        page.fill("input[name=code]", "XA-THANG")
        with page.expect_navigation():
            page.click("#rule-form button[type=submit]")
        assert "XA-THANG" in page.content()
        page.screenshot(path=str(shots / "rules-after-create-desktop.png"), full_page=True)
        phone = chromium.new_page(viewport=PHONE)
        log_in(phone, app_url, "quantri")
        phone.goto(app_url + "/notify/rules/new")
        no_horizontal_overflow(phone)
    with org.db.reading() as session:
        rule = session.exec(select(DeadlineRule).where(DeadlineRule.code == "XA-THANG")).one()
        owing = session.exec(select(Obligation).where(Obligation.rule_id == rule.id)).all()
        communes = {u.id for u in session.exec(select(Unit).where(Unit.kind == "commune")).all()
                    if u.valid_to is None}
        assert {o.unit_id for o in owing} == communes and len(communes) == 36
