"""End to end on a real server: a paired player listening on its push channel gets the emergency that a
CAP message started, and its end when the cancel arrives."""

from __future__ import annotations

import json
import queue
import threading
import time

import httpx

from bangtin.webapp import create_app
from core.airing import boards
from core.records import audit
from tests.alerts.conftest import allow, make_token
from tests.alerts.samples import cap
from tests.browser import serve


def _listen(url: str, token: str, events: queue.Queue, stop: threading.Event) -> None:
    try:
        with (
            httpx.Client(timeout=httpx.Timeout(5.0, read=30.0)) as http,
            http.stream("GET", url + "/api/player/v1/events", headers={"Authorization": f"Bearer {token}"}) as response,
        ):
            for line in response.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("data:"):
                    events.put((time.monotonic(), json.loads(line[5:])))
    except httpx.HTTPError as exc:  # the server went away at the end of the test; before that, a failure
        if not stop.is_set():
            events.put((time.monotonic(), {"error": repr(exc)}))


def _next(events: queue.Queue, predicate, timeout: float = 15.0) -> tuple[float, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            at, data = events.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            break
        if predicate(data):
            return at, data
    raise AssertionError("the player was not told in time")


def test_a_paired_player_is_pushed_the_emergency_a_cap_warning_starts(seeded):
    allow(seeded)
    source = make_token(seeded)
    with serve(create_app(runtime=seeded)) as url:
        # pair a player as an operator would: the player asks for a code, the operator enters it, the player claims
        pairing = httpx.post(url + "/api/player/v1/pairings").json()
        with seeded.db.unit_of_work() as session:
            boards.pair_board(
                session,
                code=pairing["code"],
                board=boards.find_board(session, board_ref="TANPHONG-02"),
                actor=audit.SYSTEM,
            )
        token = httpx.post(url + "/api/player/v1/pairings/claim", json={"claim": pairing["claim"]}).json()["token"]
        events: queue.Queue = queue.Queue()
        stop = threading.Event()
        threading.Thread(target=_listen, args=(url, token, events, stop), daemon=True).start()
        _next(events, lambda d: "etag" in d)  # connected: the first state
        sent_at = time.monotonic()
        answer = httpx.post(
            url + "/api/v1/alerts",
            content=cap("PUSH-1"),
            timeout=30,
            headers={"Authorization": f"Bearer {source}", "Content-Type": "application/cap+xml"},
        )
        assert answer.status_code == 201 and answer.json()["outcome"] == "emergency"
        at, data = _next(events, lambda d: d.get("emergency") is not None)
        assert data["emergency"]["id"] == answer.json()["emergency_id"]
        assert data["emergency"]["text"].startswith("Cảnh báo lũ quét")
        assert at - sent_at < 5.0
        httpx.post(
            url + "/api/v1/alerts",
            content=cap("PUSH-1-c", msg_type="Cancel", references=("PUSH-1",)),
            timeout=30,
            headers={"Authorization": f"Bearer {source}", "Content-Type": "application/cap+xml"},
        )
        _next(events, lambda d: d.get("emergency") is None)
        stop.set()
