"""Empty states that guide: a fresh install explains what is missing instead of showing failures."""

from __future__ import annotations

from tests.admin.conftest import sign_in


def test_a_fresh_install_compliance_page_says_no_plays_yet_instead_of_not_met(web, org) -> None:
    sign_in(web, "bientap")
    page = web.get("/airing/compliance")
    assert page.status_code == 200
    assert "Chưa có lượt phát nào" in page.text and "chưa đạt" not in page.text.lower()


def test_audit_next_page_keeps_the_filters(web, org) -> None:
    from core.records import audit, auditlog

    with org.db.unit_of_work() as session:
        for n in range(auditlog.PAGE + 2):
            audit.record(session, actor=audit.SYSTEM, action="unit.updated", object_type="unit", object_id=n)
    sign_in(web, "thanhtra")
    page = web.get("/audit", params={"action": "unit.", "object_type": "unit"})
    link = page.text.split('id="next-page" href="')[1].split('"')[0]
    assert "action=unit." in link and "object_type=unit" in link and "page=2" in link


def test_favicon_and_offline_api_docs(web, org) -> None:
    assert web.get("/static/favicon.svg").status_code == 200
    docs = web.get("/api/docs")
    assert (
        docs.status_code == 200
        and "/static/swagger/swagger-ui-bundle.js" in docs.text
        and "cdn" not in docs.text.lower()
    )
    assert web.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_api_docs_load_only_our_own_files_under_a_csp_without_cdn_or_inline_script(web, org) -> None:
    import re

    docs = web.get("/api/docs")
    assert docs.status_code == 200
    assert re.findall(r"https?://", docs.text) == []  # no host: every asset comes from us
    references = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert references and all(ref.startswith("/static/") for ref in references)
    assert all(web.get(ref).status_code == 200 for ref in references)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", docs.text) == []  # the CSP refuses inline script
    csp = docs.headers["content-security-policy"]
    assert "http" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
