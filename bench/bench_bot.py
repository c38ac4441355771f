"""Issue 3 benchmark: the intake bot against the fake Bot API server on loopback, in one run.

(a) text-command throughput of our bot (identify, exactly-once claim, conversation row, reply) vs a
    bare aiogram echo bot; ours must reach at least half of the bare bot's updates per second.
(b) a 15 MB clip from update to stored (and, with the officer's taps, to queued), vs a plain
    download of the same file from the same server; stored must take at most 1.5x the download.

The fake server runs in its own process (as Telegram would), so it does not share our event loop.
Usage: .venv/bin/python bench/bench_bot.py [--updates 1000] [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import core.migrate
import core.runtime
from bot.telegram.app import build_telegram
from core.org import invites
from core.org.models import Unit
from core.records.audit import SYSTEM
from core.settings import Settings
from core.types import Channel, UnitKind

TOKEN = "123:ABC"
MB = 1024 * 1024


def start_fake() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bot.fake_telegram"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


class Control:
    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url
        self.next_update = 10_000
        self.next_message = 1

    async def push(self, updates: list[dict[str, Any]]) -> None:
        async with self.http.post(self.url + "/_control/updates", json=updates) as r:
            r.raise_for_status()

    async def count(self, method: str = "sendMessage") -> int:
        async with self.http.get(self.url + "/_control/count", params={"method": method}) as r:
            return int((await r.json())["count"])

    async def sent(self, chat: int) -> list[dict[str, Any]]:
        async with self.http.get(self.url + "/_control/sent", params={"chat_id": str(chat)}) as r:
            return await r.json()

    async def add_file(self, data: bytes) -> dict[str, Any]:
        async with self.http.post(self.url + "/_control/files", json={"data": base64.b64encode(data).decode()}) as r:
            return await r.json()

    async def faults(self, **values: Any) -> None:
        async with self.http.post(self.url + "/_control/faults", json=values) as r:
            r.raise_for_status()

    async def wait_count(self, n: int, timeout: float = 120) -> None:
        deadline = time.perf_counter() + timeout
        while await self.count() < n:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"only {await self.count()} of {n} replies")
            await asyncio.sleep(0.01)

    def update(self, chat: int, **fields: Any) -> dict[str, Any]:
        self.next_update += 1
        self.next_message += 1
        kind = "callback_query" if "data" in fields else "message"
        user = {"id": chat, "is_bot": False, "first_name": "Cán bộ"}
        msg = {"message_id": self.next_message, "date": int(time.time()), "chat": {"id": chat, "type": "private"},
               "from": user}
        if kind == "message":
            msg.update(fields)
            return {"update_id": self.next_update, "message": msg}
        return {"update_id": self.next_update, "callback_query": {"id": f"q{self.next_update}", "from": user,
                                                                  "chat_instance": "c", "message": msg, **fields}}


async def polling(dp: Dispatcher, bot: Bot) -> asyncio.Task[None]:
    return asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=5, close_bot_session=False))


async def throughput(ctl: Control, dp: Dispatcher, bot: Bot, chats: list[int], n: int) -> tuple[float, float]:
    """Updates per second (wall clock) and this process's CPU milliseconds per update."""
    task = await polling(dp, bot)
    try:
        base = await ctl.count()
        await ctl.push([ctl.update(c, text="/help", entities=[{"type": "bot_command", "offset": 0, "length": 5}])
                        for c in chats[:20]])
        await ctl.wait_count(base + 20)  # warm up
        base = await ctl.count()
        batch = [ctl.update(chats[i % len(chats)], text="/help",
                            entities=[{"type": "bot_command", "offset": 0, "length": 5}]) for i in range(n)]
        started, cpu = time.perf_counter(), time.process_time()
        await ctl.push(batch)
        await ctl.wait_count(base + n)
        return n / (time.perf_counter() - started), 1000 * (time.process_time() - cpu) / n
    finally:
        await dp.stop_polling()
        await task


def echo_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def plain_download(http: aiohttp.ClientSession, url: str, file_id: str, folder: Path) -> float:
    started = time.perf_counter()
    async with http.post(f"{url}/bot{TOKEN}/getFile", data={"file_id": file_id}) as r:
        path = (await r.json())["result"]["file_path"]
    with (folder / "plain.bin").open("wb") as out:
        async with http.get(f"{url}/file/bot{TOKEN}/{path}") as r:
            async for chunk in r.content.iter_chunked(256 * 1024):
                out.write(chunk)
    return time.perf_counter() - started


async def clip_flow(ctl: Control, rt: core.runtime.Runtime, chat: int, size: int) -> tuple[float, float]:
    f = await ctl.add_file(os.urandom(size))
    before = len(await ctl.sent(chat))
    started = time.perf_counter()
    await ctl.push([ctl.update(chat, video={"file_id": f["file_id"], "file_unique_id": f["file_unique_id"],
                                            "file_size": f["size"], "duration": 120, "width": 1280, "height": 720,
                                            "mime_type": "video/mp4"})])
    while len(await ctl.sent(chat)) <= before:
        await asyncio.sleep(0.005)
    stored = time.perf_counter() - started
    for label in ("2b", "Bảng tin của đơn vị", "Càng sớm", "Không có tiêu đề", "Gửi"):
        sent = await ctl.sent(chat)
        markup = next(m["reply_markup"] for m in reversed(sent) if m.get("reply_markup"))
        data = next(b["callback_data"] for row in markup["inline_keyboard"] for b in row if b["text"].startswith(label))
        await ctl.push([ctl.update(chat, data=data)])
        while len(await ctl.sent(chat)) <= len(sent):
            await asyncio.sleep(0.002)
    queued = time.perf_counter() - started
    return stored, queued


def officers(rt: core.runtime.Runtime, chats: list[int]) -> None:
    with rt.db.unit_of_work() as s:
        s.add(Unit(code="XA-BENCH", name="UBND xã Bench", kind=str(UnitKind.commune)))
    for chat in chats:
        with rt.db.unit_of_work() as s:
            issued = invites.invite_officer(
                s, unit_ref="XA-BENCH", full_name=f"Cán bộ {chat}", phone=None, actor=SYSTEM
            )
            invites.redeem_invite(s, secret=issued.token, channel=Channel.telegram, external_id=str(chat),
                                  display_name=None, actor=SYSTEM)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    fake, url = start_fake()
    bare_rates: list[tuple[float, float]] = []
    ours_rates: list[tuple[float, float]] = []
    plain: list[float] = []
    flows: list[tuple[float, float]] = []
    link_plain: list[float] = []
    link_flows: list[tuple[float, float]] = []
    folder = Path(tempfile.mkdtemp(prefix="bench-bot-"))
    try:
        import media.tasks  # noqa: F401  (registers media.process, which we only enqueue)

        settings = Settings(data_dir=folder, queue_url="memory://", demo=True, telegram_token=TOKEN,
                            telegram_api_base=url, database_url=args.database_url)
        rt = core.runtime.build(settings)
        core.migrate.upgrade(rt.db.engine)
        chats = list(range(5001, 5021))
        officers(rt, chats)
        gc.collect()
        gc.freeze()  # as `bangtin bot` does after start-up: the long-lived heap leaves the GC's scans
        async with aiohttp.ClientSession() as http:
            ctl = Control(http, url)
            bare = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
            bare_dp = echo_dispatcher()
            tg = build_telegram(rt)
            # Alternate the two bots so a busy machine slows both alike; keep every round.
            for _ in range(args.rounds):
                bare_rates.append(await throughput(ctl, bare_dp, bare, chats, args.updates))
                ours_rates.append(await throughput(ctl, tg.dispatcher, tg.bot, chats, args.updates))
            await bare.session.close()

            size = 15 * MB
            f = await ctl.add_file(os.urandom(size))
            task = await polling(tg.dispatcher, tg.bot)
            for i in range(args.runs):
                plain.append(await plain_download(http, url, f["file_id"], folder))
                flows.append(await clip_flow(ctl, rt, chats[i % len(chats)], size))
            if args.link_mbps:
                # The same on a mobile-like link: what the officer actually waits for.
                await ctl.faults(bandwidth=args.link_mbps * 1_000_000 / 8)
                for i in range(args.link_runs):
                    link_plain.append(await plain_download(http, url, f["file_id"], folder))
                    link_flows.append(await clip_flow(ctl, rt, chats[(i + 7) % len(chats)], size))
                await ctl.faults(bandwidth=0)
            await tg.dispatcher.stop_polling()
            await task
            await tg.close()
        pending = rt.queue.pending()
        rt.close()
    finally:
        fake.terminate()
        fake.wait()
    plain_s, stored_s = statistics.median(plain), statistics.median(s for s, _ in flows)
    queued_s = statistics.median(q for _, q in flows)
    bare_rate, ours_rate = statistics.median(r for r, _ in bare_rates), statistics.median(r for r, _ in ours_rates)
    bare_cpu, ours_cpu = statistics.median(c for _, c in bare_rates), statistics.median(c for _, c in ours_rates)
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "updates_per_round": args.updates,
        "rounds": args.rounds,
        "bare_updates_per_s": [round(r, 1) for r, _ in bare_rates],
        "ours_updates_per_s": [round(r, 1) for r, _ in ours_rates],
        "throughput_ratio_median": round(ours_rate / bare_rate, 2),
        "bare_cpu_ms_per_update": round(bare_cpu, 3),
        "ours_cpu_ms_per_update": round(ours_cpu, 3),
        "cpu_bound_ratio": round(bare_cpu / ours_cpu, 2),
        "clip_mb": 15,
        "runs": args.runs,
        "plain_download_s": [round(p, 3) for p in plain],
        "update_to_stored_s": [round(s, 3) for s, _ in flows],
        "stored_ratio_median": round(stored_s / plain_s, 2),
        "update_to_queued_with_taps_s": round(queued_s, 3),
        "media_jobs_queued": pending,
        "link_mbps": args.link_mbps,
        "link_plain_download_s": [round(p, 2) for p in link_plain],
        "link_update_to_stored_s": [round(s, 2) for s, _ in link_flows],
        "link_stored_ratio_median": round(
            statistics.median(s for s, _ in link_flows) / statistics.median(link_plain), 3
        )
        if link_plain
        else None,
        "pass": ours_rate >= bare_rate / 2 and stored_s <= 1.5 * plain_s,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--link-mbps", type=float, default=40.0, help="also time the clip on a link this fast (0: skip)"
    )
    parser.add_argument("--link-runs", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    result = asyncio.run(main(parser.parse_args()))
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["pass"] else 1)
