"""The bot suite's fake Bot API server, with Telegram's limits enforced and outages on demand.

Limits: at most `per_second` accepted sendMessage calls in any 1-second window overall, and one per
`chat_gap` seconds per chat; a breach answers 429 with retry_after like Telegram. `blocked` chats
answer 403; `down` answers 502 with an HTML page (a proxy in front of an unreachable Bot API).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from aiohttp import web

from tests.bot.fake_telegram import FakeTelegram

PARAMS = web.RequestKey("params", dict)


class LimitedTelegram(FakeTelegram):
    def __init__(self, *args: Any, per_second: int = 30, chat_gap: float = 1.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.per_second = per_second
        self.chat_gap = chat_gap
        self.window: deque[float] = deque()
        self.last_by_chat: dict[int, float] = {}
        self.blocked: set[int] = set()
        self.down = False
        self.too_many: list[tuple[str, int]] = []  # ("global" | "chat", chat id) of every 429 we gave
        self.accepted_at: list[tuple[float, int]] = []

    async def _method(self, request: web.Request) -> web.StreamResponse:
        if self.down:
            return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")
        if request.match_info["method"] != "sendMessage" or request.match_info["token"] != self.token:
            return await super()._method(request)
        if self.faults.retry_after.get("sendMessage"):
            return await super()._method(request)  # the parent's injected 429
        params = await self._params(request)
        request[PARAMS] = params  # the body can be read once; the parent reads it again below
        chat = int(params["chat_id"])
        if chat in self.blocked:
            self.calls.append({"method": "sendMessage", "rejected": 403, **params})
            return self._error(403, "Forbidden: bot was blocked by the user")
        now = time.monotonic()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        last = self.last_by_chat.get(chat)
        if len(self.window) >= self.per_second or (last is not None and now - last < self.chat_gap):
            kind = "global" if len(self.window) >= self.per_second else "chat"
            self.too_many.append((kind, chat))
            self.calls.append({"method": "sendMessage", "rejected": 429, **params})
            return self._error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self.window.append(now)
        self.last_by_chat[chat] = now
        self.accepted_at.append((now, chat))
        return await super()._method(request)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        cached = request.get(PARAMS)
        return dict(cached) if cached is not None else await super()._params(request)

    def delivered(self) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["method"] == "sendMessage" and "rejected" not in c]
