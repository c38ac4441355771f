"""`/gui`: a logged-in officer submits through the same conversation and intake service as the bot."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from bot.telegram.app import build_telegram
from bot.web.routes import router as web_router
from core.accounts.passwords import hash_password
from core.intake.models import MediaAsset, Submission
from core.org.models import ChannelAccount, Officer
from core.runtime import Runtime
from tests.bot.conftest import Seed
from tests.bot.fake_telegram import FakeTelegram

PASSWORD = "một-mật-khẩu-đủ-dài-2024"
MB = 1024 * 1024


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
    page = client.post(
        "/gui", data=form(page), files=[("files", ("virus.exe", b"MZ" * 10, "application/x-msdownload"))]
    ).text
    assert "Không nhận được tệp virus.exe" in page


def announce(client: TestClient, html: str, files: list[dict[str, object]], text: str = "") -> dict:
    r = client.post("/gui", data={**form(html), "text": text, "announce": json.dumps(files)},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_large_file_from_the_web_page_goes_in_resumable_chunks(client: TestClient, rt: Runtime, seeded: Seed,
                                                                        fake: FakeTelegram) -> None:
    with rt.db.unit_of_work() as s:  # mai also uses Telegram: a submission made on the web is not announced there
        mai = s.exec(select(Officer).where(Officer.username == "mai")).one()
        s.add(ChannelAccount(officer_id=mai.id, channel="telegram", external_id="7001"))  # type: ignore[arg-type]
    data = os.urandom(5 * MB + 123)
    answer = announce(
        client,
        client.get("/gui").text,
        [{"name": "phong-su.mp4", "size": len(data), "type": "video/mp4"}],
        text="Phóng sự cửa khẩu",
    )
    [path] = answer["uploads"]
    assert answer["replies"][0].startswith("Tệp phong-su.mp4 được gửi từng phần")
    assert "thuộc lĩnh vực nào" in answer["replies"][1]
    # The chunks go to the app as the server runs it, with its bot (on this loop, so the fake can answer).
    tg = build_telegram(rt)
    app = FastAPI()
    app.include_router(web_router)
    app.state.runtime, app.state.telegram = rt, tg
    head = {"Upload-Length": str(len(data)), "Content-Type": "application/offset+octet-stream"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as web:
        for offset in (0, MB):
            r = await web.patch(
                path + "/data", content=data[offset : offset + MB], headers={**head, "Upload-Offset": str(offset)}
            )
            assert r.status_code == 204
        offset = int((await web.head(path + "/data")).headers["Upload-Offset"])  # the phone lost its place: it asks
        assert offset == 2 * MB
        while offset < len(data):
            r = await web.patch(
                path + "/data", content=data[offset : offset + MB], headers={**head, "Upload-Offset": str(offset)}
            )
            offset = int(r.headers["Upload-Offset"])
    await tg.bot.session.close()
    assert r.json() == {"done": True, "code": None, "draft": True}
    page = client.get("/gui").text  # what the page shows after the upload: the conversation goes on
    assert "Tin, bài thuộc lĩnh vực nào? (Điều 7)" in page
    with rt.db.reading() as s:
        [sub] = s.exec(select(Submission)).all()
        [asset] = s.exec(select(MediaAsset)).all()
    assert (sub.channel, sub.caption, sub.state, sub.kind) == ("web", "Phóng sự cửa khẩu", "draft", "video")
    assert asset.submission_id == sub.id and asset.sha256 == hashlib.sha256(data).hexdigest()
    assert fake.texts(7001) == []


def test_the_web_page_refuses_an_announced_file_over_the_limit_and_stores_nothing(
    client: TestClient, rt: Runtime
) -> None:
    too_big = (rt.settings.max_upload_mb + 1) * MB
    answer = announce(client, client.get("/gui").text, [{"name": "ca-ngay.mp4", "size": too_big, "type": "video/mp4"}])
    assert answer["uploads"] == [] and f"{rt.settings.max_upload_mb} MB" in answer["replies"][0]
    with rt.db.reading() as s:
        assert s.exec(select(Submission)).all() == []


def test_a_malformed_announcement_is_a_clear_400(client: TestClient) -> None:
    page = client.get("/gui").text
    for bad in ("not json", json.dumps([{"name": "", "size": 5}]), json.dumps([{"name": "a.mp4", "size": -1}]),
                json.dumps([{"name": f"{i}.mp4", "size": 9} for i in range(11)])):
        r = client.post("/gui", data={**form(page), "announce": bad}, headers={"Accept": "application/json"})
        assert r.status_code == 400 and r.json()["error"].startswith("announce:")


def test_web_page_shows_the_progress_of_a_submission_being_processed(client: TestClient, rt: Runtime,
                                                                      seeded: Seed) -> None:
    from core.types import utcnow

    with rt.db.unit_of_work() as s:
        mai = s.exec(select(Officer).where(Officer.username == "mai")).one()
        sub = Submission(code="BT-2412-0007", officer_id=mai.id, unit_id=seeded.commune_id, channel="web",
                         state="processing", kind="video", progress=60, progress_step="normalise",
                         received_at=utcnow())
        s.add(sub)
    page = client.get("/gui").text
    assert "BT-2412-0007" in page and "Đang xử lý video… 60 %" in page
    assert 'hx-get="/gui/status"' in page and 'hx-trigger="every 3s"' in page  # it refreshes itself
    with rt.db.unit_of_work() as s:
        row = s.exec(select(Submission).where(Submission.code == "BT-2412-0007")).one()
        row.progress, row.progress_step = 85, "transcribe"
    card = client.get("/gui/status").text
    assert "Đang chuyển lời nói thành chữ… 85 %" in card and "<html" not in card
    with rt.db.unit_of_work() as s:
        row = s.exec(select(Submission).where(Submission.code == "BT-2412-0007")).one()
        row.state, row.progress, row.progress_step = "ready", 100, "done"
    card = client.get("/gui/status").text
    assert "BT-2412-0007" in card and "%" not in card and "hx-get" not in card  # done: the polling stops
