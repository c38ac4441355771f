"""`/gui`: a logged-in officer submits through the same conversation and intake service as the bot."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from admin.app import create_app
from bot.web.routes import router as web_router
from core.models import MediaAsset, Officer, Submission
from core.runtime import Runtime
from core.security import hash_password
from tests.bot.conftest import Seed

PASSWORD = "một-mật-khẩu-đủ-dài-2024"


@pytest.fixture
def client(rt: Runtime, seeded: Seed) -> Iterator[TestClient]:
    with rt.db.unit_of_work() as s:
        s.add(Officer(unit_id=seeded.commune_id, full_name="Vàng Thị Mai", username="mai",
                      password_hash=hash_password(PASSWORD)))
    app = create_app(runtime=rt)
    if not any(getattr(r, "path", None) == "/gui" for r in app.routes):
        app.include_router(web_router)
    with TestClient(app, base_url="http://127.0.0.1:8765") as test_client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', test_client.get("/").text).group(1)  # type: ignore[union-attr]
        r = test_client.post("/", data={"username": "mai", "password": PASSWORD, "csrf_token": token, "next": "/gui"},
                             follow_redirects=False)
        assert r.status_code == 303, r.text
        yield test_client


def form(html: str) -> dict[str, str]:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    nonce = re.findall(r'name="nonce" value="([^"]+)"', html)[-2]  # the main form's
    return {"csrf_token": csrf, "nonce": nonce}


def tap(client: TestClient, html: str, label: str) -> str:
    match = re.search(r'<form method="post" action="/gui" class="buttons">\s*<input type="hidden" name="csrf_token" '
                      r'value="([^"]+)">\s*<input type="hidden" name="nonce" value="([^"]+)">(?:(?!</form>).)*?'
                      r'value="([^"]+)">[^<]*' + re.escape(label), html, re.DOTALL)
    assert match, f"no button {label!r}"
    return client.post("/gui", data={"csrf_token": match.group(1), "nonce": match.group(2),
                                     "choice": match.group(3).replace("&#124;", "|")}).text


def test_gui_needs_login(rt: Runtime, seeded: Seed) -> None:
    app = create_app(runtime=rt)
    app.include_router(web_router)
    with TestClient(app) as anonymous:
        r = anonymous.get("/gui", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/?next=")


def test_officer_submits_photos_from_the_web_page(client: TestClient, rt: Runtime) -> None:
    page = client.get("/gui").text
    assert "Gửi tin, bài lên bảng tin" in page and "Sẵn sàng nhận bài mới" in page
    files = [("files", ("anh1.jpg", b"\xff\xd8photo-one" * 100, "image/jpeg")),
             ("files", ("anh2.jpg", b"\xff\xd8photo-two" * 100, "image/jpeg"))]
    page = client.post("/gui", data={**form(page), "text": "Chợ phiên Sìn Hồ"}, files=files).text
    assert "Tin, bài thuộc lĩnh vực nào? (Điều 7)" in page
    again = client.post("/gui", data={**form(page), "text": "Chợ phiên Sìn Hồ"}, files=files)  # double submit
    assert again.status_code == 200
    page = tap(client, page, "2g · Sản phẩm")
    page = tap(client, page, "Bảng tin của đơn vị")
    page = tap(client, page, "Càng sớm càng tốt")
    page = client.post("/gui", data={**form(page), "text": "Chợ phiên"}).text
    assert "Vui lòng kiểm tra trước khi gửi" in page and "Số tệp: 2" in page
    page = tap(client, page, "Gửi")
    assert "Đã nhận, cảm ơn bạn! Mã bài: BT-" in page
    with rt.db.reading() as s:
        [sub] = s.exec(select(Submission)).all()
        assets = s.exec(select(MediaAsset)).all()
    assert (sub.channel, sub.category, sub.caption, sub.title, sub.state) == ("web", "2g", "Chợ phiên Sìn Hồ",
                                                                              "Chợ phiên", "received")
    assert len(assets) == 2 and rt.queue.pending() == 1
    assert sub.code in client.get("/gui").text  # the status list


def test_web_page_refuses_an_executable(client: TestClient) -> None:
    page = client.get("/gui").text
    page = client.post("/gui", data=form(page), files=[("files", ("virus.exe", b"MZ" * 10, "application/x-msdownload"))]).text
    assert "Không nhận được tệp virus.exe" in page
