"""A fake Zalo (OA API v3 `cs`, ZNS template, OAuth v4 token endpoint, attachment URLs) over real HTTP on 127.0.0.1.

Like Zalo, errors come back as HTTP 200 with a non-zero `error`; an unknown or expired access
token gets `-216`; a refresh token works once (single-use) and each refresh is counted. Faults:
`errors` (codes to answer the next calls with), `refresh_delay` (widens the race of two workers),
`cut_downloads` (attachments end early this many times).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class FakeZalo:
    access: set[str] = field(default_factory=lambda: {"AT-0"})
    refresh: set[str] = field(default_factory=lambda: {"RT-0"})
    codes: set[str] = field(default_factory=set)  # authorization codes an administrator could paste
    cs: list[dict[str, Any]] = field(default_factory=list)
    zns: list[dict[str, Any]] = field(default_factory=list)
    refreshes: list[str] = field(default_factory=list)  # the refresh tokens spent, in order
    refused_refreshes: list[str] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)  # the next message calls answer these codes
    refresh_delay: float = 0.0
    cut_downloads: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    downloads: int = 0
    expires_in: int = 90000
    per_second: float | None = None  # the OA's quota: more messages in any second get -32 ("rate limit")
    accepted_at: list[float] = field(default_factory=list)
    over_quota: int = 0

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v3.0/oa/message/cs", self._cs)
        app.router.add_post("/message/template", self._zns)
        app.router.add_post("/v4/oa/access_token", self._token)
        app.router.add_get("/files/{name}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- helpers for tests --------------------------------------------------------------------
    def add_file(self, data: bytes, name: str | None = None) -> str:
        name = name or f"f{next(self._ids)}"
        self.files[name] = data
        return f"{self.url}/files/{name}"

    def texts(self, user_id: str) -> list[str]:
        return [m["message"].get("text", "") for m in self.cs if m["recipient"]["user_id"] == user_id]

    def expire_all_access_tokens(self) -> None:
        self.access.clear()

    # -- endpoints -----------------------------------------------------------------------------
    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("access_token", "") in self.access

    def _fault(self) -> web.Response | None:
        if self.per_second is not None:
            now = time.monotonic()
            recent = [t for t in self.accepted_at[-int(self.per_second) - 1:] if t > now - 1.0]
            if len(recent) >= self.per_second:
                self.over_quota += 1
                return web.json_response({"error": -32, "message": "The request exceeds the rate limit"})
            self.accepted_at.append(now)
        if self.errors:
            code = self.errors.pop(0)
            return web.json_response({"error": code, "message": f"fake error {code}"})
        return None

    async def _cs(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not self._authorised(request):
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if (fault := self._fault()) is not None:
            return fault
        self.cs.append(body)
        return web.json_response(
            {
                "error": 0,
                "message": "Success",
                "data": {"message_id": f"m{next(self._ids)}", "user_id": body["recipient"]["user_id"]},
            }
        )

    async def _zns(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not self._authorised(request):
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if (fault := self._fault()) is not None:
            return fault
        if not body.get("phone") or not body.get("template_id"):
            return web.json_response({"error": -108, "message": "Phone number is invalid"})
        self.zns.append(body)
        return web.json_response({"error": 0, "message": "Success", "data": {"msg_id": f"z{next(self._ids)}"}})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if not request.headers.get("secret_key"):
            return web.json_response({"error": -14002, "error_description": "missing secret_key"})
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        grant = form.get("grant_type")
        if grant == "refresh_token":
            token = str(form.get("refresh_token"))
            if token not in self.refresh:  # single-use: a spent token is refused
                self.refused_refreshes.append(token)
                return web.json_response(
                    {
                        "error": -14014,
                        "error_name": "Invalid refresh token",
                        "error_description": "Invalid refresh token",
                    }
                )
            self.refresh.discard(token)
            self.refreshes.append(token)
        elif grant == "authorization_code":
            code = str(form.get("code"))
            if code not in self.codes:
                return web.json_response({"error": -14019, "error_description": "Invalid authorization code"})
            self.codes.discard(code)
        else:
            return web.json_response({"error": -14003, "error_description": "bad grant_type"})
        access, refresh = f"AT-{secrets.token_hex(4)}", f"RT-{secrets.token_hex(4)}"
        self.access, self.refresh = {access}, {refresh}  # the old access token stops working too
        return web.json_response({"access_token": access, "refresh_token": refresh, "expires_in": str(self.expires_in)})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        data = self.files.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        rng = request.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start, _, end = rng[6:].partition("-")
            part = data[int(start) : int(end) + 1 if end else None]
            return web.Response(status=206, body=part, headers={"Content-Range": f"bytes {start}-{end}/{len(data)}"})
        self.downloads += 1
        if self.cut_downloads:
            self.cut_downloads -= 1
            response = web.StreamResponse(headers={"Content-Length": str(len(data))})
            await response.prepare(request)
            await response.write(data[: len(data) // 2])
            request.transport.close()  # type: ignore[union-attr]
            return response
        return web.Response(body=data, headers={"Content-Type": "application/octet-stream"})


def dumps(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class ThreadedFakeZalo:
    """The fake on its own event loop in a thread, for synchronous tests (the admin pages' TestClient)."""

    def __init__(self) -> None:
        import threading

        self.fake = FakeZalo()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> FakeZalo:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self._loop).result(10)
        return self.fake

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
