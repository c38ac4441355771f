"""The plain functions behind `bangtin invite` and `bangtin bot`, driven as an operator would."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.cli import create_invite, run_bot
from core.records.audit import SYSTEM
from tests.bot.conftest import SECRET, runtime_for, seed
from tests.bot.fake_telegram import FakeTelegram

ROOT = Path(__file__).parents[2]


@contextmanager
def fake_in_thread() -> Iterator[FakeTelegram]:
    """The fake server on its own loop, for code that runs `asyncio.run` itself or another process."""
    loop = asyncio.new_event_loop()
    fake = FakeTelegram()
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(fake.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def control(fake: FakeTelegram, path: str, body: object | None = None) -> object:
    request = urllib.request.Request(fake.url + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_invite_prints_deep_link_and_short_code(tmp_path: Path, template_db: Path) -> None:
    with fake_in_thread() as fake:
        rt = runtime_for(tmp_path, template_db, fake.url, telegram_bot_username=None)  # asks getMe
        seed(rt)
        result = create_invite(rt, unit="UBND xã Sìn Hồ", name="Lò Thị Xuân", phone=None, actor=SYSTEM)
        rt.close()
    assert result["deep_link"].startswith("https://t.me/bangtin_test_bot?start=")
    assert len(result["deep_link"].split("=")[1]) <= 64 and len(result["short_code"]) == 9
    assert any(c["method"] == "getMe" for c in fake.calls)


def test_invite_for_an_unknown_unit_fails_clearly(tmp_path: Path, template_db: Path) -> None:
    from core.errors import NotFound

    rt = runtime_for(tmp_path, template_db, "http://127.0.0.1:9")
    with pytest.raises(NotFound, match="no current unit"):
        create_invite(rt, unit="XA-KHONG-CO", name="Ai đó", phone=None, actor=SYSTEM)
    rt.close()


def test_webhook_mode_registers_the_webhook(tmp_path: Path, template_db: Path) -> None:
    with fake_in_thread() as fake:
        rt = runtime_for(tmp_path, template_db, fake.url, base_url="https://bangtin.laichau.gov.vn")
        run_bot(rt, keep_watching=False)
        rt.close()
    assert fake.webhook is not None
    assert fake.webhook["url"] == "https://bangtin.laichau.gov.vn/webhooks/telegram"
    assert fake.webhook["secret_token"] == SECRET


def test_webhook_keeper_process_restores_the_webhook_and_stops_on_sigterm(tmp_path: Path, template_db: Path) -> None:
    with fake_in_thread() as fake:
        runtime_for(tmp_path, template_db, fake.url).close()
        env = {**os.environ, "BANGTIN_DATA_DIR": str(tmp_path / "data"), "BANGTIN_QUEUE_URL": "memory://",
               "BANGTIN_DEMO": "1", "BANGTIN_TELEGRAM_TOKEN": "123:ABC", "BANGTIN_TELEGRAM_API_BASE": fake.url,
               "BANGTIN_TELEGRAM_WEBHOOK_SECRET": SECRET, "BANGTIN_BASE_URL": "https://bangtin.example"}
        code = ("import core.runtime, bot.cli, bangtin.tasks; bangtin.tasks.load(); bot.cli.WATCH_SECONDS = 0.2; "
                "bot.cli.run_bot(core.runtime.build())")
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 20
            while fake.webhook is None and time.monotonic() < deadline:
                time.sleep(0.05)
            fake.webhook = None  # somebody deleted it (e.g. ran the bot in polling mode elsewhere)
            while fake.webhook is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert fake.webhook is not None and fake.webhook["url"] == "https://bangtin.example/webhooks/telegram"
            assert proc.poll() is None  # it stays up beside the web process, as `bangtin up` expects
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
        finally:
            if proc.poll() is None:
                proc.kill()


def test_polling_process_answers_and_stops_cleanly_on_sigterm(tmp_path: Path, template_db: Path) -> None:
    with fake_in_thread() as fake:
        rt = runtime_for(tmp_path, template_db, fake.url)
        rt.close()
        env = {**os.environ, "BANGTIN_DATA_DIR": str(tmp_path / "data"), "BANGTIN_QUEUE_URL": "memory://",
               "BANGTIN_DEMO": "1", "BANGTIN_TELEGRAM_TOKEN": "123:ABC", "BANGTIN_TELEGRAM_API_BASE": fake.url}
        env.pop("BANGTIN_TELEGRAM_WEBHOOK_SECRET", None)
        code = ("import core.runtime, bot.cli, bangtin.tasks; bangtin.tasks.load(); "
                "bot.cli.run_bot(core.runtime.build())")
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        try:
            control(fake, "/_control/updates", {"update_id": 7, "message": {
                "message_id": 1, "date": int(time.time()), "chat": {"id": 42, "type": "private"},
                "from": {"id": 42, "is_bot": False, "first_name": "Lạ"}, "text": "xin chào"}})
            deadline = time.monotonic() + 20
            while not control(fake, "/_control/sent?chat_id=42") and time.monotonic() < deadline:
                time.sleep(0.1)
            [sent] = control(fake, "/_control/sent?chat_id=42")  # type: ignore[misc]
            assert "chỉ dành cho cán bộ đã đăng ký" in sent["text"]
            stopping = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
            assert time.monotonic() - stopping < 12  # the long poll is abandoned, not waited out
        finally:
            if proc.poll() is None:
                proc.kill()
