"""A fake Telegram Bot API server speaking real HTTP on 127.0.0.1, with control endpoints and faults.

`/bot<token>/<method>` answers with the real envelope (`ok`, `result` | `error_code`,
`description`, `parameters`); `/file/bot<token>/<path>` serves files. Tests push updates, add
files and read what the bot sent either through the Python helpers or the `/_control/...`
endpoints. Faults: the 20 MB download limit (off in `local_mode`), 429 with `retry_after` on a
method, downloads cut mid-transfer, duplicate and out-of-order updates (push them that way).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

LIMIT = 20 * 1024 * 1024
BOT_USER = {"id": 123, "is_bot": True, "first_name": "Bảng tin Lai Châu", "username": "bangtin_test_bot"}


@dataclass
class FakeFile:
    file_id: str
    unique_id: str
    data: bytes
    path: str


@dataclass
class Faults:
    retry_after: dict[str, int] = field(default_factory=dict)  # method -> how many 429 answers left
    retry_after_seconds: int = 1
    cut_downloads: int = 0  # how many downloads to break half-way
    download_delay: float = 0.0
    bandwidth: float = 0.0  # bytes per second of file downloads (0: as fast as loopback goes)
    bad_request: dict[str, int] = field(default_factory=dict)  # method -> how many 400 answers left


class FakeTelegram:
    def __init__(self, token: str = "123:ABC", *, local_mode: bool = False, files_dir: Path | None = None) -> None:
        self.token = token
        self.local_mode = local_mode
        self.files_dir = files_dir
        self.faults = Faults()
        self.calls: list[dict[str, Any]] = []  # every method call, in order
        self.updates: list[dict[str, Any]] = []  # waiting for getUpdates
        self.files: dict[str, FakeFile] = {}
        self.pushed: Counter[int] = Counter()
        self.counts: Counter[str] = Counter()  # calls per method, for cheap polling by benchmarks
        self.by_chat: dict[int, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self._ids = itertools.count(1000)
        self._message_ids = itertools.count(50_000)
        self._file_ids = itertools.count(1)
        self._wake = asyncio.Event()
        self._changed = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.url = ""

    # -- life cycle -----------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        app.router.add_post("/_control/updates", self._control_updates)
        app.router.add_post("/_control/files", self._control_files)
        app.router.add_get("/_control/sent", self._control_sent)
        app.router.add_post("/_control/faults", self._control_faults)
        app.router.add_get("/_control/count", self._control_count)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        self._wake.set()
        if self.runner is not None:
            await self.runner.cleanup()

    # -- helpers for tests ----------------------------------------------------------------
    def next_update_id(self) -> int:
        return next(self._ids)

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def push(self, *updates: dict[str, Any]) -> None:
        """Queue updates as given (same id twice = a redelivery; any order = out of order)."""
        for update in updates:
            self.updates.append(update)
            self.pushed[update["update_id"]] += 1
        self._wake.set()

    def add_file(self, data: bytes, *, suffix: str = ".mp4", unique_id: str | None = None) -> FakeFile:
        n = next(self._file_ids)
        unique = unique_id or "U" + hashlib.sha256(data).hexdigest()[:12]
        path = f"documents/file_{n}{suffix}"
        if self.local_mode and self.files_dir is not None:
            disk = self.files_dir / f"file_{n}{suffix}"
            disk.write_bytes(data)
            path = str(disk)
        item = FakeFile(file_id=f"F{n:06d}x{unique}", unique_id=unique, data=data, path=path)
        self.files[item.file_id] = item
        return item

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[dict[str, Any]]:
        calls = self.calls if chat_id is None else self.by_chat.get(chat_id, [])
        return [c for c in calls if c["method"] == method]

    def texts(self, chat_id: int) -> list[str]:
        return [c["text"] for c in self.sent(chat_id)]

    def buttons(self, chat_id: int) -> list[tuple[str, str]]:
        """The buttons of the last message to `chat_id` that had any."""
        for call in reversed(self.sent(chat_id)):
            markup = call.get("reply_markup")
            if markup:
                return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]
        return []

    def poke(self) -> None:
        """Something the test waits on changed outside the server (e.g. a handler finished)."""
        self._changed.set()

    async def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("fake Telegram: condition not met in time; calls: "
                                     + json.dumps(self.calls[-5:], ensure_ascii=False, default=str)[:2000])
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.2))
            except TimeoutError:
                pass

    # -- the Bot API ----------------------------------------------------------------------
    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = _decode(value)
                else:  # an uploaded file (sendVideo …)
                    params[key] = {"filename": value.filename, "size": len(value.file.read())}
        return params

    async def _method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        if method.lower() == "getupdates":
            return await self._get_updates(params)
        left = self.faults.retry_after.get(method, 0)
        if left:
            self.faults.retry_after[method] = left - 1
            seconds = self.faults.retry_after_seconds
            self.calls.append({"method": method, "rejected": 429, **params})
            return self._error(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})
        refused = self.faults.bad_request.get(method, 0)
        if refused:
            self.faults.bad_request[method] = refused - 1
            self.calls.append({"method": method, "rejected": 400, "at": time.monotonic(), **params})
            return self._error(400, "Bad Request: message to edit not found")
        call = {"method": method, "at": time.monotonic(), **params}
        self.calls.append(call)
        self.counts[method] += 1
        if "chat_id" in params:
            self.by_chat.setdefault(int(params["chat_id"]), []).append(call)
        self._changed.set()
        handler = getattr(self, f"_m_{method.lower()}", None)
        return handler(params) if handler else self._ok(True)

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self.confirmed_below = offset
            self._changed.set()
        if not self.updates and timeout:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)
            except TimeoutError:
                pass
        limit = int(params.get("limit") or 100)
        return self._ok(self.updates[:limit])

    def _message(self, chat_id: Any, message_id: int | None = None, **extra: Any) -> dict[str, Any]:
        return {"message_id": message_id or self.next_message_id(), "date": int(time.time()),
                "chat": {"id": int(chat_id), "type": "private"}, "from": BOT_USER, **extra}

    def _m_getme(self, params: dict[str, Any]) -> web.Response:
        return self._ok(BOT_USER)

    def _m_sendmessage(self, params: dict[str, Any]) -> web.Response:
        message = self._message(params["chat_id"], text=params.get("text", ""))
        self.calls[-1]["result_id"] = message["message_id"]  # so editMessageText can find it
        return self._ok(message)

    def _m_editmessagetext(self, params: dict[str, Any]) -> web.Response:
        """Edits a message this bot sent in that chat (400 for an unknown one, or one whose text is unchanged)."""
        chat, ref = int(params["chat_id"]), int(params.get("message_id") or 0)
        sent = {int(c["result_id"]): c for c in self.sent(chat) if "result_id" in c}
        if ref not in sent:
            return self._error(400, "Bad Request: message to edit not found")
        if sent[ref].get("shown", sent[ref].get("text")) == params.get("text"):
            return self._error(400, "Bad Request: message is not modified")
        sent[ref]["shown"], sent[ref]["edited"] = params.get("text", ""), sent[ref].get("edited", 0) + 1
        return self._ok(self._message(chat, text=params.get("text", ""), message_id=ref))

    def _m_setwebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = params
        return self._ok(True)

    def _m_getwebhookinfo(self, params: dict[str, Any]) -> web.Response:
        url = (self.webhook or {}).get("url", "")
        return self._ok({"url": url, "has_custom_certificate": False, "pending_update_count": len(self.updates)})

    def _m_deletewebhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = None
        return self._ok(True)

    def _m_getfile(self, params: dict[str, Any]) -> web.Response:
        item = self.files.get(str(params.get("file_id")))
        if item is None:
            return self._error(400, "Bad Request: invalid file_id")
        if len(item.data) > LIMIT and not self.local_mode:
            return self._error(400, "Bad Request: file is too big")
        return self._ok({"file_id": item.file_id, "file_unique_id": item.unique_id, "file_size": len(item.data),
                         "file_path": item.path})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        item = next((f for f in self.files.values() if f.path == path), None)
        if item is None:
            return web.Response(status=404)
        if self.faults.download_delay:
            await asyncio.sleep(self.faults.download_delay)
        response = web.StreamResponse()
        response.content_length = len(item.data)
        response.content_type = "application/octet-stream"
        await response.prepare(request)
        if self.faults.cut_downloads:
            self.faults.cut_downloads -= 1
            await response.write(item.data[: len(item.data) // 2])
            assert request.transport is not None
            request.transport.close()  # the 3G connection drops half-way
            return response
        view = memoryview(item.data)
        step = 64 * 1024 if self.faults.bandwidth else 1024 * 1024
        for start in range(0, len(item.data), step):
            await response.write(view[start:start + step])
            if self.faults.bandwidth:  # a mobile link rather than loopback
                await asyncio.sleep(step / self.faults.bandwidth)
        await response.write_eof()
        return response

    # -- control endpoints (for tools outside the test process) ---------------------------
    async def _control_updates(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.push(*(body if isinstance(body, list) else [body]))
        return web.json_response({"ok": True})

    async def _control_files(self, request: web.Request) -> web.Response:
        body = await request.json()
        item = self.add_file(base64.b64decode(body["data"]), suffix=body.get("suffix", ".mp4"))
        return web.json_response({"file_id": item.file_id, "file_unique_id": item.unique_id, "size": len(item.data)})

    async def _control_sent(self, request: web.Request) -> web.Response:
        chat = request.query.get("chat_id")
        return web.json_response(self.sent(int(chat) if chat else None, request.query.get("method", "sendMessage")))

    async def _control_count(self, request: web.Request) -> web.Response:
        method = request.query.get("method", "sendMessage")
        return web.json_response({"count": self.counts[method]})

    async def _control_faults(self, request: web.Request) -> web.Response:
        body = await request.json()
        for key, value in body.items():
            setattr(self.faults, key, value)
        return web.json_response({"ok": True})


def _decode(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


async def _serve_forever() -> None:
    fake = FakeTelegram()
    print(await fake.start(), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":  # `python -m tests.bot.fake_telegram`: prints its URL, serves until killed
    asyncio.run(_serve_forever())
