"""A thin async client of the Zalo OA Open API v3, ZNS and OAuth v4 (no maintained Python SDK exists).

Zalo answers most errors with HTTP 200 and a non-zero `"error"`: success is HTTP 200 **and**
`"error": 0`. An expired access token (`-216`, or HTTP 401) triggers one refresh (locked across
processes, see `core.notify.zalo_state`) and one retry.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from typing import Any, BinaryIO

import httpx

from core.db import Database
from core.notify import zalo_oauth, zalo_state
from core.notify.zalo_state import TokenPair, TokenUnavailable
from core.settings import Settings
from core.types import utcnow

log = logging.getLogger("bot.zalo")
TOKEN_EXPIRED = -216
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
DOWNLOAD_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZaloAnswer:
    http_status: int
    error: int | None  # None: no JSON (a proxy's page, a network failure)
    message: str = ""
    data: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.http_status == 200 and self.error == 0


class ZaloClient:
    """One `httpx.AsyncClient` for the OA API, ZNS and downloads; tokens come from the database."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.http = httpx.AsyncClient(timeout=TIMEOUT)

    async def close(self) -> None:
        await self.http.aclose()

    # -- tokens -------------------------------------------------------------------------------
    def _seed(self) -> TokenPair | None:
        s = self.settings
        if s.zalo_oa_access_token and s.zalo_oa_refresh_token:
            return TokenPair(s.zalo_oa_access_token, s.zalo_oa_refresh_token)
        return None

    async def access_token(self) -> tuple[str, int]:
        """The token to use and its generation; refreshed first when it is about to expire."""
        row = await asyncio.to_thread(zalo_state.current_token, self.db, seed=self._seed())
        if row is None:
            raise TokenUnavailable(
                "no Zalo token: set BANGTIN_ZALO_OA_ACCESS_TOKEN and _REFRESH_TOKEN, or paste a code"
            )
        if zalo_state.needs_refresh(row, now=utcnow()):
            return await self.refresh(row.generation), row.generation + 1
        return row.access_token, row.generation

    async def refresh(self, seen_generation: int) -> str:
        """Refresh once across every process (the waiting ones reuse the winner's token)."""
        return await asyncio.to_thread(
            zalo_state.refresh_locked,
            self.db,
            seen_generation=seen_generation,
            exchange=functools.partial(zalo_oauth.refresh, self.settings),
        )

    # -- calls --------------------------------------------------------------------------------
    async def _post(self, url: str, *, json: dict[str, Any] | None = None, files: Any = None) -> ZaloAnswer:
        token, generation = await self.access_token()
        for attempt in (1, 2):
            try:
                response = await self.http.post(url, json=json, files=files, headers={"access_token": token})
            except httpx.HTTPError as exc:
                return ZaloAnswer(0, None, f"{type(exc).__name__}: {exc}")
            try:
                body = response.json()
            except ValueError:
                body = {}
            error = body.get("error") if isinstance(body, dict) else None
            answer = ZaloAnswer(
                response.status_code,
                int(error) if isinstance(error, int | str) and str(error).lstrip("-").isdigit() else None,
                str(body.get("message", "")) if isinstance(body, dict) else "",
                body.get("data") if isinstance(body, dict) else None,
            )
            expired = response.status_code == 401 or answer.error == TOKEN_EXPIRED
            if not expired or attempt == 2:
                return answer
            log.info("zalo.token_expired", extra={"generation": generation})
            token = await self.refresh(generation)
        raise AssertionError("unreachable")

    async def send_cs(self, user_id: str, message: dict[str, Any]) -> ZaloAnswer:
        """A consultation message (free inside the user's window)."""
        url = self.settings.zalo_api_base.rstrip("/") + "/v3.0/oa/message/cs"
        return await self._post(url, json={"recipient": {"user_id": user_id}, "message": message})

    async def send_zns(self, *, phone: str, template_id: str, data: dict[str, str], tracking_id: str) -> ZaloAnswer:
        """A ZNS template message by phone number (outside the window)."""
        url = self.settings.zalo_zns_base.rstrip("/") + "/message/template"
        return await self._post(
            url, json={"phone": phone, "template_id": template_id, "template_data": data, "tracking_id": tracking_id}
        )

    async def upload(self, kind: str, name: str, content: bytes) -> ZaloAnswer:
        """Upload an image or file for a later message (`kind`: image | file)."""
        url = self.settings.zalo_api_base.rstrip("/") + f"/v3.0/oa/upload/{kind}"
        return await self._post(url, files={"file": (name, content)})

    async def head_bytes(self, url: str, count: int = 64) -> bytes:
        """The first bytes of an attachment (to judge a file by its content); empty on failure."""
        try:
            async with self.http.stream("GET", url, headers={"Range": f"bytes=0-{count - 1}"}) as response:
                if response.status_code not in (200, 206):
                    return b""
                data = b""
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) >= count:
                        break
                return data[:count]
        except httpx.HTTPError:
            return b""

    async def stream(self, url: str, sink: BinaryIO, *, max_bytes: int) -> int:
        """Stream an attachment into `sink`; raises `httpx.HTTPError` or `ValueError` (too big)."""
        written = 0
        async with self.http.stream("GET", url, timeout=DOWNLOAD_TIMEOUT) as response:
            response.raise_for_status()
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ValueError(f"{declared} bytes is over the limit")
            async for chunk in response.aiter_bytes(CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise ValueError("over the size limit")
                sink.write(chunk)
            if declared and declared.isdigit() and written != int(declared):
                raise httpx.RemoteProtocolError(f"got {written} of {declared} bytes")
        return written
