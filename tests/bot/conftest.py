"""Fixtures of the bot suite: a migrated database per test, seed data, the fake Telegram server and a
harness that drives the real aiogram bot in polling or webhook mode."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import core.migrate
import core.queue
import core.runtime
from bot.telegram.app import TelegramApp, build_telegram
from bot.web.routes import router as web_router
from core.airing.models import Cluster
from core.org import invites
from core.org.models import Officer, Unit, UnitDuty
from core.records.audit import SYSTEM
from core.runtime import Runtime
from core.settings import Settings
from core.types import ClusterKind, Duty, Role, UnitKind
from tests.bot import updates as U
from tests.bot.fake_telegram import FakeTelegram

SECRET = "webhook-secret-for-tests"


def _ensure_media_task() -> None:
    """The media engineer's `media.process`, or a stand-in that only lets tests see it was queued."""
    try:
        import media.tasks  # noqa: F401
    except ImportError:
        pass
    if "media.process" not in core.queue._REGISTRY:
        @core.queue.task("media.process")
        def _not_run_in_bot_tests(*, submission_id: int) -> None:
            raise RuntimeError("the bot suite never runs media processing")


def settings_for(data_dir: Path, api_base: str = "http://127.0.0.1:9", **extra: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": data_dir, "queue_url": "memory://", "demo": True, "telegram_token": "123:ABC",
                                  "telegram_api_base": api_base, "base_url": "http://testserver",
                                  "telegram_webhook_secret": SECRET, "telegram_bot_username": "bangtin_test_bot"}
    values.update(extra)
    return Settings(**values)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _ensure_media_task()
    folder = tmp_path_factory.mktemp("template")
    rt = core.runtime.build(settings_for(folder), install=False)
    core.migrate.upgrade(rt.db.engine)
    rt.db.dispose()
    return folder / "bangtin.sqlite3"


@dataclass
class Seed:
    commune_id: int
    editor_unit_id: int
    guard_unit_id: int
    editor_id: int
    own_cluster_id: int
    gate_cluster_id: int


def seed(rt: Runtime) -> Seed:
    with rt.db.unit_of_work() as s:
        commune = Unit(code="XA-SINHO", name="UBND xã Sìn Hồ", kind=str(UnitKind.commune))
        editors = Unit(code="SO-VHTTDL", name="Sở Văn hóa, Thể thao và Du lịch", kind=str(UnitKind.department))
        guard = Unit(code="BDBP", name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh", kind=str(UnitKind.border_guard))
        s.add_all([commune, editors, guard])
        s.flush()
        s.add_all([UnitDuty(unit_id=editors.id, duty=str(Duty.provincial_editor)),
                   UnitDuty(unit_id=guard.id, duty=str(Duty.emergency_sender))])
        editor = Officer(unit_id=editors.id, full_name="Biên tập viên Trực", role=str(Role.editor))
        own = Cluster(code="C-SINHO", name="Cụm trung tâm xã Sìn Hồ", kind=str(ClusterKind.public),
                      operator_unit_id=commune.id)
        gate = Cluster(code="C-MALU", name="Cửa khẩu Ma Lù Thàng", kind=str(ClusterKind.border_gate),
                       operator_unit_id=editors.id)
        s.add_all([editor, own, gate])
        s.flush()
        return Seed(commune.id, editors.id, guard.id, editor.id, own.id, gate.id)  # type: ignore[arg-type]


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(files_dir=tmp_path)
    await server.start()
    yield server
    await server.stop()


def runtime_for(tmp_path: Path, template: Path, api_base: str, **extra: Any) -> Runtime:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    shutil.copy(template, data / "bangtin.sqlite3")
    rt = core.runtime.build(settings_for(data, api_base, **extra))
    return rt


@pytest.fixture
def rt(tmp_path: Path, template_db: Path, fake: FakeTelegram) -> Iterator[Runtime]:
    runtime = runtime_for(tmp_path, template_db, fake.url)
    yield runtime
    runtime.close()
    core.runtime.uninstall()


@pytest.fixture
def seeded(rt: Runtime) -> Seed:
    return seed(rt)


class Harness:
    """Drives the real aiogram bot against the fake server; waits until every update is handled."""

    def __init__(self, mode: str, fake: FakeTelegram, rt: Runtime, tg: TelegramApp) -> None:
        self.mode, self.fake, self.rt, self.tg = mode, fake, rt, tg
        self.pushed: Counter[int] = Counter()
        self.finished: Counter[int] = Counter()
        self._seen: dict[int, int] = {}
        self.client: httpx.AsyncClient | None = None
        self.app: FastAPI | None = None

        async def count(handler: Any, event: Any, data: dict[str, Any]) -> Any:
            try:
                return await handler(event, data)
            finally:
                self.finished[event.update_id] += 1
                self.fake.poke()  # wake `settle` now rather than at its next poll

        tg.dispatcher.update.outer_middleware(count)

    def web(self) -> httpx.AsyncClient:
        """A client for the intake web routes (upload page, webhook) of this runtime."""
        app = FastAPI()
        app.include_router(web_router)
        app.state.runtime, app.state.telegram = self.rt, self.tg
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    async def post(self, update: dict[str, Any]) -> httpx.Response:
        assert self.client is not None
        return await self.client.post("/webhooks/telegram", json=update,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})

    async def push(self, *items: dict[str, Any]) -> None:
        for update in items:
            self.pushed[update["update_id"]] += 1
        if self.mode == "polling":
            self.fake.push(*items)
        else:
            for update in items:
                response = await self.post(update)
                assert response.status_code == 200, response.text

    async def settle(self, timeout: float = 15) -> None:
        await self.fake.wait_for(lambda: all(self.finished[k] >= n for k, n in self.pushed.items()), timeout)

    async def send(self, *items: dict[str, Any]) -> None:
        await self.push(*items)
        await self.settle()

    def new_texts(self, chat: int) -> list[str]:
        texts = self.fake.texts(chat)
        start = self._seen.get(chat, 0)
        self._seen[chat] = len(texts)
        return texts[start:]

    async def say(self, chat: int, body: str) -> list[str]:
        self.new_texts(chat)
        await self.send(U.text(self.fake, chat, body))
        return self.new_texts(chat)

    async def tap(self, chat: int, label: str) -> list[str]:
        """Tap the button whose label contains `label` on the last keyboard sent to `chat`."""
        self.new_texts(chat)
        buttons = self.fake.buttons(chat)
        data = next((d for t, d in buttons if label in t), None)
        assert data is not None, f"no button {label!r} in {buttons}"
        await self.send(U.callback(self.fake, chat, data))
        return self.new_texts(chat)

    async def onboard(self, chat: int, unit: str = "XA-SINHO", name: str | None = None) -> int:
        with self.rt.db.unit_of_work() as s:
            issued = invites.invite_officer(
                s, unit_ref=unit, full_name=name or f"Cán bộ {chat}", phone=None, actor=SYSTEM
            )
        replies = await self.say(chat, f"/start {issued.token}")
        assert any("Chào mừng" in r for r in replies), replies
        return issued.officer_id

    async def send_media(self, chat: int, kind: str, data: bytes, **kw: Any) -> list[str]:
        suffix = {"photo": ".jpg", "voice": ".ogg", "audio": ".mp3"}.get(kind, ".mp4")
        f = self.fake.add_file(data, suffix=kw.pop("suffix", suffix))
        self.new_texts(chat)
        await self.send(U.media(self.fake, chat, kind, f, **kw))
        return self.new_texts(chat)

    async def answer_all(self, chat: int, *, category: str = "2b ·", target: str = "Bảng tin của đơn vị",
                         period: str = "Càng sớm càng tốt", title: str | None = "Ngày hội văn hóa") -> list[str]:
        await self.tap(chat, category)
        await self.tap(chat, target)
        await self.tap(chat, period)
        if title is None:
            await self.tap(chat, "Không có tiêu đề")
        else:
            await self.say(chat, title)
        return await self.tap(chat, "Gửi")


@pytest.fixture(params=["polling", "webhook"])
async def h(request: pytest.FixtureRequest, fake: FakeTelegram, rt: Runtime, seeded: Seed) -> AsyncIterator[Harness]:
    import asyncio

    tg = build_telegram(rt)
    harness = Harness(request.param, fake, rt, tg)
    task = None
    if request.param == "polling":
        task = asyncio.create_task(tg.dispatcher.start_polling(tg.bot, handle_signals=False, polling_timeout=1,
                                                               close_bot_session=False))
    else:
        app = FastAPI()
        app.include_router(web_router)
        app.state.runtime = rt
        app.state.telegram = tg
        harness.app = app
        harness.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    try:
        yield harness
    finally:
        if task is not None:
            if not task.done():
                await tg.dispatcher.stop_polling()
            await asyncio.wait_for(task, timeout=10)
        if harness.client is not None:
            await harness.client.aclose()
        await tg.close()
