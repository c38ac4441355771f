"""An officer who uses only the web page hears back in the /gui inbox (unread count, mark as read) and by e-mail."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from bangtin.webapp import create_app
from core.accounts.passwords import hash_password
from core.org.models import Officer
from tests.bot.zalo.conftest import ZHarness
from tests.bot.zalo.test_notify import deliver, queue, rows

PASSWORD = "một-mật-khẩu-đủ-dài-2024"


def login(client: TestClient, username: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    r = client.post("/", data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/gui"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


async def test_a_web_only_officer_gets_the_inbox_and_an_email(zh: ZHarness, smtp: Any) -> None:
    controller, mailbox = smtp
    zh.rt.settings.smtp_host, zh.rt.settings.smtp_port = "127.0.0.1", controller.port
    with zh.rt.db.unit_of_work() as s:
        officer = Officer(unit_id=zh.ids.commune_id, full_name="Vàng Thị Mai", username="mai",
                          password_hash=hash_password(PASSWORD), email="mai@laichau.example")
        s.add(officer)
        s.flush()
        officer_id = officer.id
    queue(zh.rt, officer_id, n=2)  # no Telegram, no Zalo: the web is the channel that can carry them
    await deliver(zh.rt)
    assert [(r.state, r.channel) for r in rows(zh.rt, officer_id)] == [("sent", "web")] * 2
    assert len(mailbox.mails) == 2
    mail = mailbox.mails[0]
    assert mail["To"] == "mai@laichau.example" and "LC-100" in mail.get_payload(decode=True).decode()

    with TestClient(create_app(runtime=zh.rt), base_url="http://127.0.0.1:8765") as client:
        login(client, "mai")
        page = client.get("/gui").text
        assert re.search(r'class="badge"[^>]*>2<', page)  # the unread count in the header
        assert "LC-100" in page and "LC-101" in page
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        first = rows(zh.rt, officer_id)[0].id
        r = client.post("/gui/read", data={"csrf_token": csrf, "notification": str(first)}, follow_redirects=True)
        assert re.search(r'class="badge"[^>]*>1<', r.text)
        r = client.post("/gui/read", data={"csrf_token": csrf}, follow_redirects=True)
        assert 'class="badge"' not in r.text and "LC-101" in r.text  # read messages stay listed
    assert all(r.read_at is not None for r in rows(zh.rt, officer_id))


async def test_an_unreachable_mail_server_still_leaves_the_message_in_the_inbox(zh: ZHarness) -> None:
    zh.rt.settings.smtp_host, zh.rt.settings.smtp_port = "127.0.0.1", 9  # nothing listens there
    with zh.rt.db.unit_of_work() as s:
        officer = Officer(unit_id=zh.ids.commune_id, full_name="Lò Văn Páo", email="pao@laichau.example")
        s.add(officer)
        s.flush()
        officer_id = officer.id
    queue(zh.rt, officer_id)
    await deliver(zh.rt)
    [row] = rows(zh.rt, officer_id)
    assert row.state == "sent" and row.channel == "web" and "e-mail copy failed" in (row.error or "")
