"""Fixtures of the Zalo suite: a migrated database per test, the fake Zalo server, and a harness that
posts signed OA events to the real webhook route and reads what the OA was asked to send."""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

import core.runtime
from bot.web.routes import router as web_router
from bot.zalo.signature import sign
from core.intake.models import Submission
from core.org import invites
from core.records.audit import SYSTEM
from core.runtime import Runtime
from tests.bot.conftest import Seed, runtime_for, seed
from tests.bot.zalo.fake_zalo import FakeZalo, dumps

APP_ID = "4242424242"
OA_SECRET = "oa-secret-for-tests"
_ids = itertools.count(1)


def zalo_settings(url: str, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "telegram_token": None, "telegram_webhook_secret": None, "zalo_app_id": APP_ID, "zalo_secret_key": "app-secret",
        "zalo_oa_secret_key": OA_SECRET, "zalo_oa_access_token": "AT-0", "zalo_oa_refresh_token": "RT-0",
        "zalo_api_base": url, "zalo_oauth_base": url, "zalo_zns_base": url, "zalo_oa_link": "https://zalo.me/4242",
    }
    values.update(extra)
    return values


@pytest.fixture
async def zfake() -> AsyncIterator[FakeZalo]:
    server = FakeZalo()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def zrt(tmp_path: Path, template_db: Path, zfake: FakeZalo) -> Iterator[Runtime]:
    runtime = runtime_for(tmp_path, template_db, "http://127.0.0.1:9", **zalo_settings(zfake.url))
    yield runtime
    runtime.close()
    core.runtime.uninstall()


def event(name: str, user: str, *, message: dict[str, Any] | None = None, at_ms: int | None = None) -> dict[str, Any]:
    """An OA webhook event as Zalo sends it."""
    stamp = str(at_ms if at_ms is not None else int(time.time() * 1000))
    body: dict[str, Any] = {"app_id": APP_ID, "event_name": name, "timestamp": stamp,
                            "user_id_by_app": f"app-{user}", "recipient": {"id": "oa-1"}}
    if name in {"follow", "unfollow"}:
        body["follower"] = {"id": user}
        body["source"] = "oa_profile"
    else:
        body["sender"] = {"id": user}
        body["message"] = {"msg_id": f"msg{next(_ids)}", **(message or {})}
    return body


def text(user: str, body: str, **kw: Any) -> dict[str, Any]:
    return event("user_send_text", user, message={"text": body}, **kw)


def attachments(name: str, user: str, items: list[dict[str, Any]], caption: str = "") -> dict[str, Any]:
    kind = name.removeprefix("user_send_")
    return event(name, user, message={"text": caption, "attachments": [{"type": kind, "payload": p} for p in items]})


class ZHarness:
    def __init__(self, fake: FakeZalo, rt: Runtime, ids: Seed) -> None:
        self.fake, self.rt, self.ids = fake, rt, ids
        self.app = FastAPI()
        self.app.include_router(web_router)
        self.app.state.runtime = rt
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver")
        self._seen: dict[str, int] = {}

    async def close(self) -> None:
        await self.client.aclose()
        zalo = getattr(self.app.state, "zalo", None)
        if zalo is not None:
            await zalo.close()

    async def post(self, payload: dict[str, Any], *, signature: str | None = None) -> httpx.Response:
        """Post an event signed as Zalo signs it (or with the given header); the work is done on return."""
        body = dumps(payload)
        if signature is None:
            signature = "mac=" + sign(app_id=APP_ID, body=body, timestamp=payload["timestamp"], oa_secret=OA_SECRET)
        headers = {"Content-Type": "application/json", "X-ZEvent-Signature": signature} if signature else {}
        return await self.client.post("/webhooks/zalo", content=body, headers=headers)

    def new_texts(self, user: str) -> list[str]:
        texts = self.fake.texts(user)
        start = self._seen.get(user, 0)
        self._seen[user] = len(texts)
        return texts[start:]

    async def send(self, payload: dict[str, Any]) -> list[str]:
        user = (payload.get("sender") or payload.get("follower"))["id"]
        self.new_texts(user)
        response = await self.post(payload)
        assert response.status_code == 200, response.text
        return self.new_texts(user)

    async def say(self, user: str, body: str) -> list[str]:
        return await self.send(text(user, body))

    async def pick(self, user: str, label: str) -> list[str]:
        """Answer the last numbered choices with the number of the line containing `label`."""
        last = self.fake.texts(user)[-1]
        number = next((line.split(".")[0] for line in last.splitlines() if label in line and line[:1].isdigit()), None)
        assert number is not None, f"no choice {label!r} in {last!r}"
        return await self.say(user, number)

    async def onboard(
        self, user: str, unit: str = "XA-SINHO", name: str | None = None, phone: str | None = None
    ) -> int:
        with self.rt.db.unit_of_work() as s:
            issued = invites.invite_officer(
                s, unit_ref=unit, full_name=name or f"Cán bộ {user}", phone=phone, actor=SYSTEM
            )
        replies = await self.say(user, issued.short_code.lower().replace("-", " "))
        assert any("Chào mừng" in r for r in replies), replies
        return issued.officer_id

    def submissions(self) -> list[Submission]:
        with self.rt.db.reading() as s:
            return list(s.exec(select(Submission).where(Submission.state != "cancelled")).all())


@pytest.fixture
async def zh(zfake: FakeZalo, zrt: Runtime) -> AsyncIterator[ZHarness]:
    harness = ZHarness(zfake, zrt, seed(zrt))
    try:
        yield harness
    finally:
        await harness.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp() -> Any:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    class Keep(MessageHandler):
        def __init__(self) -> None:
            super().__init__()
            self.mails: list[Any] = []

        def handle_message(self, message: Any) -> None:
            self.mails.append(message)

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()
