"""/api/docs in a real browser: Swagger UI starts from our files under the page's CSP."""

from __future__ import annotations

import pytest

from bangtin.webapp import create_app
from tests.browser import browser, serve

pytestmark = pytest.mark.browser


def test_api_docs_show_the_operations_without_csp_violations(org) -> None:
    with serve(create_app(runtime=org)) as url, browser() as chromium:
        page = chromium.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{url}/api/docs")
        page.wait_for_selector(".opblock", timeout=15_000)  # the operations of /openapi.json are listed
        assert page.locator(".opblock").count() > 0
        assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == [], problems
