"""Server-Sent Events for boards (`/api/player/v1/events`): a plan change or an emergency within seconds.

Each web process runs one watcher that reads the database's change signal twice a second (so a
change made by any process on any machine is seen) and, when it grows, computes the state of the
boards connected to this process in a few queries; each stream then compares with what it sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool

from admin.deps import RuntimeDep
from admin.views.airing.player_api import Token, board_of
from core.airing import emergencies, manifest, push
from core.airing.models import Board
from core.runtime import Runtime

router = APIRouter(prefix="/api/player/v1", tags=["player"])
log = logging.getLogger("bangtin.airing")
POLL_SECONDS = 0.5
REFRESH_SECONDS = 10.0  # emergencies also end by their clock and days roll over: look again now and then
KEEPALIVE_SECONDS = 15.0


class Watcher:
    """One per process and event loop: the latest state of every board with an open stream."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.listeners: Counter[int] = Counter()
        self.states: dict[int, dict[str, Any]] = {}
        self.changed = asyncio.Event()
        self.dirty = True
        self.loop = asyncio.get_running_loop()
        self.task = asyncio.create_task(self._run())

    def _seq(self) -> int:
        with self.runtime.db.reading() as session:
            return push.current(session)

    def _load(self, board_ids: list[int]) -> dict[int, dict[str, Any]]:
        now = datetime.now(UTC)
        settings = self.runtime.settings
        days = manifest.horizon(settings, now)
        with self.runtime.db.reading() as session:
            boards = session.exec(select(Board).where(col(Board.id).in_(board_ids))).all()
            refs = manifest.latest_plan_refs(session, board_ids=board_ids, days=days)
            running = emergencies.active_all(session, now=now)
        running.sort(key=lambda pair: (pair[0].started_at, pair[0].id or 0), reverse=True)
        states = {}
        for board in boards:
            mine = [e for e, clusters in running if clusters is None or board.cluster_id in clusters]
            etag = manifest.etag_for(
                board=board,
                today=days[0],
                plans=[r for _, r in refs.get(board.id or 0, [])],
                emergency_refs=[(e.id or 0, e.ends_at.isoformat() if e.ends_at else "") for e in mine],
            )
            first = mine[0] if mine else None
            states[board.id or 0] = {"etag": etag, "token_hash": board.token_hash if board.is_active else None,
                                     "emergency": None if first is None else {
                                         "id": first.id, "text": first.text, "item": first.content_item_id,
                                         "ends_at": first.ends_at.isoformat() if first.ends_at else None}}
        return states

    async def _run(self) -> None:
        seq, refreshed = -1, 0.0
        while True:
            try:
                current = await run_in_threadpool(self._seq)
                if self.listeners and (current != seq or self.dirty or time.monotonic() - refreshed > REFRESH_SECONDS):
                    self.dirty = False
                    self.states = await run_in_threadpool(self._load, sorted(self.listeners))
                    seq, refreshed = current, time.monotonic()
                    event, self.changed = self.changed, asyncio.Event()
                    event.set()
            except SQLAlchemyError:
                # The database is away for a moment: streams keep their last state; try again.
                log.warning("airing.push_poll_failed", exc_info=True)
            await asyncio.sleep(POLL_SECONDS)


def watcher_for(request: Request) -> Watcher:
    watcher: Watcher | None = getattr(request.app.state, "airing_watcher", None)
    if watcher is None or watcher.loop is not asyncio.get_running_loop() or watcher.task.done():
        watcher = Watcher(request.app.state.runtime)
        request.app.state.airing_watcher = watcher
    return watcher


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _stream(watcher: Watcher, board_id: int, token_hash: str) -> AsyncIterator[str]:
    watcher.listeners[board_id] += 1
    watcher.dirty = True
    sent: tuple[str, Any] | None = None
    try:
        yield "retry: 3000\n\n"
        while True:
            waiting = watcher.changed
            state = watcher.states.get(board_id)
            if state is not None:
                if state["token_hash"] != token_hash:
                    yield _event("revoked", {})
                    return
                if (state["etag"], state["emergency"]) != sent:
                    sent = (state["etag"], state["emergency"])
                    yield _event("manifest", {"etag": state["etag"], "emergency": state["emergency"]})
            try:
                await asyncio.wait_for(waiting.wait(), timeout=KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keepalive\n\n"
    finally:
        watcher.listeners[board_id] -= 1
        if watcher.listeners[board_id] <= 0:
            del watcher.listeners[board_id]


@router.get("/events")
async def events(request: Request, token: Token, runtime: RuntimeDep) -> StreamingResponse:
    def authenticate() -> Board:
        with runtime.db.reading() as session:
            return board_of(session, token)

    board = await run_in_threadpool(authenticate)
    stream = _stream(watcher_for(request), board.id or 0, board.token_hash or "")
    return StreamingResponse(stream, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
