"""`/gui` in chromium: a large file goes in resumable chunks, survives a dropped connection, joins the draft."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlmodel import select

from bangtin.webapp import create_app
from core.accounts.passwords import hash_password
from core.intake.models import MediaAsset, Submission
from core.org.models import Officer
from core.runtime import Runtime
from tests.bot.conftest import Seed
from tests.browser import browser, serve

pytestmark = pytest.mark.browser
PASSWORD = "một-mật-khẩu-đủ-dài-2024"
MB = 1024 * 1024


def test_a_large_clip_from_the_web_page_resumes_after_a_drop(rt: Runtime, seeded: Seed) -> None:
    with rt.db.unit_of_work() as s:
        s.add(Officer(unit_id=seeded.commune_id, full_name="Vàng Thị Mai", username="mai",
                      password_hash=hash_password(PASSWORD)))
    data = os.urandom(3 * MB + 4321)  # over the 2 MB that ride in the form: four 1 MB chunks
    patches: list[str] = []

    def drop_the_second_chunk(route) -> None:
        if route.request.method == "PATCH":
            patches.append(route.request.headers["upload-offset"])
            if len(patches) == 2:
                route.abort("connectionreset")  # 3G dropped: the page waits, asks where to resume, goes on
                return
        route.continue_()

    with serve(create_app(runtime=rt)) as url, browser() as chromium:
        page = chromium.new_page()
        page.goto(url + "/?next=/gui")
        page.fill("#username", "mai")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/gui")
        page.route("**/upload/*/data", drop_the_second_chunk)
        page.set_input_files("#files", files=[{"name": "phong-su.mp4", "mimeType": "video/mp4", "buffer": data}])
        page.fill("#text", "Phóng sự cửa khẩu Ma Lù Thàng")
        page.click("#send button[type=submit]")
        page.wait_for_selector("text=Tin, bài thuộc lĩnh vực nào? (Điều 7)", timeout=30_000)
        assert page.url == url + "/gui"
    assert patches == [str(o * MB) for o in (0, 1, 1, 2, 3)]  # the lost chunk is sent again, nothing else
    with rt.db.reading() as s:
        [sub] = s.exec(select(Submission)).all()
        [asset] = s.exec(select(MediaAsset)).all()
    assert (sub.channel, sub.caption, sub.state) == ("web", "Phóng sự cửa khẩu Ma Lù Thàng", "draft")
    assert asset.submission_id == sub.id and asset.size_bytes == len(data)
    assert asset.sha256 == hashlib.sha256(data).hexdigest()
