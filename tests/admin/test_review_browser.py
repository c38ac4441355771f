"""The review flow in a real browser: TOTP login, approve with a subtitle fix, reject, locks, CSRF, escaping."""

from __future__ import annotations

import pyotp
import pytest
from sqlmodel import select

from bangtin.webapp import create_app
from core.intake.models import Submission, SubtitleTrack
from core.review.models import Review
from tests.admin.conftest import ADMIN_TOTP_SECRET, PASSWORDS, make_submission
from tests.browser import browser, serve

pytestmark = pytest.mark.browser


def _log_in(page, url: str, username: str) -> None:
    page.goto(url + "/")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    page.click("button[type=submit]")
    if username == "quantri":
        page.wait_for_url("**/login/totp**")
        page.fill("#code", pyotp.TOTP(ADMIN_TOTP_SECRET).now())
        page.click("button[type=submit]")
    page.wait_for_url(url + "/home")


def _row(rt, model, **where):
    with rt.db.reading() as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.exec(query).all()


def test_review_in_the_browser(org) -> None:
    video = make_submission(org, video=True, title="Phóng sự <script>window.pwned=1</script>",
                            caption="<img src=x onerror=\"window.pwned=2\">")
    other = make_submission(org, title="Tin bị từ chối")
    with serve(create_app(runtime=org)) as url, browser() as chromium:
        # the administrator logs in with the second factor
        admin_context = chromium.new_context()
        admin = admin_context.new_page()
        _log_in(admin, url, "quantri")
        # the editor opens the video: subtitles typed, then approved for a border gate
        editor_context = chromium.new_context()
        editor = editor_context.new_page()
        _log_in(editor, url, "bientap")
        editor.goto(f"{url}/review/{video}")
        assert editor.evaluate("window.pwned") is None
        assert "<script>window.pwned=1</script>" in editor.inner_text("#title-shown")
        assert "onerror" in editor.inner_text("#caption-shown")
        # the administrator sees the lock from a second browser context
        admin.goto(f"{url}/review/{video}")
        assert "Lò Thị Biên đang xử lý tin này" in admin.inner_text("#lock-banner")
        assert admin.locator("#approve-form").count() == 0
        # subtitle correction
        editor.fill("#subtitle-form tbody tr:nth-child(1) input[name=seg_start]", "0")
        editor.fill("#subtitle-form tbody tr:nth-child(1) input[name=seg_end]", "3.5")
        editor.fill("#subtitle-form tbody tr:nth-child(1) input[name=seg_text]", "Bà con chú ý phòng chống lũ")
        editor.click("#subtitle-form button[type=submit]")
        editor.wait_for_url(f"**/review/{video}?done=subtitles")
        assert (
            editor.input_value("#subtitle-form tbody tr:nth-child(1) input[name=seg_text]")
            == "Bà con chú ý phòng chống lũ"
        )
        editor.check("#approve-form input[name=clusters] >> nth=0")
        editor.click("#approve-button")
        editor.wait_for_url(f"**/review/{video}?done=approved")
        assert "đã duyệt" in editor.inner_text("h1")
        # reject the other with a reason
        editor.goto(f"{url}/review/{other}")
        editor.fill("#r-reason", "Nội dung trùng lặp")
        editor.click("#reject-form button[type=submit]")
        editor.wait_for_url(f"**/review/{other}?done=rejected")
        assert "Nội dung trùng lặp" in editor.inner_text(".history")
        # a form whose CSRF token was tampered with is refused
        editor.goto(f"{url}/review/{other}")
        editor.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.value = 'forged')")
        editor.fill("#c-title", "Đổi tiêu đề")
        with editor.expect_response(lambda r: r.url.endswith("/correct")) as answer:
            editor.click("#correct-form button[type=submit]")
        assert answer.value.status == 403
        admin_context.close()
        editor_context.close()
    assert _row(org, Submission, id=video)[0].state == "approved"
    assert "Bà con chú ý phòng chống lũ" in _row(org, SubtitleTrack, submission_id=video)[0].vtt
    assert [r.decision for r in _row(org, Review, submission_id=video)] == ["correction", "approved"]
    assert _row(org, Submission, id=other)[0].state == "rejected"
    assert _row(org, Submission, id=other)[0].title == "Tin bị từ chối"
