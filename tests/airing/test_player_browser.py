"""The player page in headless chromium: pair, play and report, keep playing offline, obey an emergency."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import datetime
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlmodel import select

from bangtin.webapp import create_app
from core.airing import boards, emergencies
from core.airing.models import BroadcastWindow, EmergencyAck, Play
from core.org.models import Officer
from core.records import audit
from tests.airing.conftest import board_id, build, cluster_id, make_item
from tests.browser import browser, serve

pytestmark = pytest.mark.browser


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (20, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _plays(rt, board: int) -> int:
    with rt.db.reading() as session:
        return len(session.exec(select(Play).where(Play.board_id == board)).all())


def _acked(rt, emergency_id: int) -> bool:
    with rt.db.reading() as session:
        return session.exec(select(EmergencyAck).where(EmergencyAck.emergency_id == emergency_id)).first() is not None


def test_a_board_pairs_plays_keeps_playing_offline_and_obeys_an_emergency(seeded, monkeypatch):
    rt = seeded
    monkeypatch.setattr(rt.settings, "airing_text_seconds", 3.0)
    monkeypatch.setattr(rt.settings, "airing_image_seconds", 3.0)
    with rt.db.unit_of_work() as session:  # a window that is open whenever the test runs
        for window in session.exec(
            select(BroadcastWindow).where(BroadcastWindow.cluster_id == cluster_id(rt, "DOANKET"))
        ).all():
            window.start_local, window.end_local = clock(0, 0), clock(23, 59, 59)
            session.add(window)
    target = [{"target_kind": "cluster", "cluster_id": cluster_id(rt, "DOANKET")}]
    text = make_item(rt, kind="text", title="Thông báo", body="Lịch tiêm chủng tháng này\n---\nVaccination schedule",
                     targets=target)
    image = make_item(rt, kind="image", title="Ảnh", payload=_png(), targets=target)
    build(rt)
    board = board_id(rt, "DOANKET-01")
    with serve(create_app(runtime=rt)) as url, browser() as chromium:
        context = chromium.new_context(viewport={"width": 960, "height": 540})
        page = context.new_page()
        page.goto(url + "/player")
        code = _wait(lambda: (page.text_content("#pair-code") or "").strip().strip("·"), 15, "a pairing code")
        with rt.db.unit_of_work() as session:
            boards.pair_board(
                session, code=code, board=boards.find_board(session, board_ref="DOANKET-01"), actor=audit.SYSTEM
            )
        # What is on the stage is read in the same instant the page says it plays: with 3 s slots the next
        # item may replace this one between two separate queries.
        # Polled with evaluate (outside the page's CSP): wait_for_function evaluates a string in the page,
        # which the player's CSP (no eval) rightly refuses.
        on_stage = _wait(lambda: page.evaluate(
            "document.body.dataset.state === 'playing'"
            " && [document.querySelectorAll('#stage .notice .vi, #stage img').length]"),
            20, "an item on the stage")
        assert on_stage == [1]
        _wait(lambda: _plays(rt, board) >= 1, 25, "a recorded play")
        with rt.db.reading() as session:
            assert {p.content_item_id for p in session.exec(select(Play)).all()} <= {text, image}

        # The network goes: the board keeps playing from its cache and keeps its plays.
        context.route("**/api/player/**", lambda route: route.abort())
        page.wait_for_selector("#offline:not([hidden])", timeout=15_000)
        before = _plays(rt, board)
        seen = set()
        deadline = time.monotonic() + 9
        while time.monotonic() < deadline:
            seen.add(page.get_attribute("body", "data-playing"))
            time.sleep(0.3)
        assert {str(text), str(image)} <= seen  # both items, one from the media cache
        waiting = page.evaluate("window.bangtinPlayer.state().plays.length")
        assert waiting >= 2 and _plays(rt, board) == before
        context.unroute("**/api/player/**")
        _wait(lambda: _plays(rt, board) >= before + waiting, 20, "plays delivered after reconnecting")
        _wait(lambda: page.evaluate("window.bangtinPlayer.state().plays.length") <= 1, 10, "the local queue drained")

        # An emergency reaches the screen within 5 seconds, is confirmed, and ends.
        with rt.db.unit_of_work() as session:
            editor = session.exec(select(Officer).where(Officer.username == "bientap")).one()
            emergency = emergencies.start_emergency(
                session,
                officer=editor,
                actor=audit.SYSTEM,
                on=rt.settings.today(),
                cluster_ids=[cluster_id(rt, "DOANKET")],
                all_clusters=False,
                content_item_id=None,
                text="Cháy rừng ở bản Nậm Loỏng: không vào rừng",
                ends_at=None,
            )
            emergency_id = emergency.id
        started = time.monotonic()
        page.wait_for_selector("#emergency:not([hidden])", timeout=5_000)
        assert time.monotonic() - started < 5
        assert "Cháy rừng" in page.inner_text("#emergency")
        _wait(lambda: _acked(rt, emergency_id), 5, "the board's confirmation")
        with rt.db.unit_of_work() as session:
            emergencies.stop_emergency(session, emergency_id=emergency_id, officer=editor, actor=audit.SYSTEM,
                                       on=rt.settings.today())
        page.wait_for_selector("#emergency", state="hidden", timeout=5_000)
        page.wait_for_selector("body[data-state=playing]", timeout=5_000)
        context.close()


def test_a_paired_board_outside_its_windows_shows_the_clock_not_black(seeded, tmp_path):
    """Item 8 of issue 15: between windows the screen shows the local time, the date in Vietnamese and the
    board's name, never a black screen."""
    rt = seeded
    now_local = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    start = (now_local.hour + 2) % 24  # a window two hours away: today's or tomorrow's, never now
    with rt.db.unit_of_work() as session:
        for window in session.exec(
            select(BroadcastWindow).where(BroadcastWindow.cluster_id == cluster_id(rt, "DOANKET"))
        ).all():
            window.start_local, window.end_local = clock(start, 0), clock(start, 30)
            session.add(window)
    make_item(rt, kind="text", title="Thông báo", body="Lịch tiêm chủng tháng này",
              targets=[{"target_kind": "cluster", "cluster_id": cluster_id(rt, "DOANKET")}])
    build(rt)
    with rt.db.reading() as session:
        name = boards.find_board(session, board_ref="DOANKET-01").name
    with serve(create_app(runtime=rt)) as url, browser() as chromium:
        context = chromium.new_context(viewport={"width": 960, "height": 540})
        page = context.new_page()
        page.goto(url + "/player")
        code = _wait(lambda: (page.text_content("#pair-code") or "").strip().strip("·"), 15, "a pairing code")
        with rt.db.unit_of_work() as session:
            boards.pair_board(
                session, code=code, board=boards.find_board(session, board_ref="DOANKET-01"), actor=audit.SYSTEM
            )
        _wait(lambda: page.evaluate("!!window.bangtinPlayer.state().manifest"), 20, "the board's manifest")
        page.wait_for_selector("#idle", state="visible", timeout=5_000)
        _wait(lambda: name in page.inner_text("#idle"), 5, "the board's name on the clock screen")
        shown = page.inner_text("#idle")
        assert re.search(r"\b\d{2}:\d{2}:\d{2}\b", shown), shown  # the time, ticking
        assert re.search(r"Thứ|Chủ nhật", shown), shown  # the weekday in Vietnamese
        assert re.search(r"\d{2}/\d{2}/\d{4}", shown), shown
        assert page.evaluate("document.body.dataset.state") == "idle"
        assert page.is_hidden("#pairing") and page.is_hidden("#emergency")
        shots = Path(os.environ.get("BANGTIN_TEST_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "player-idle.png"))
        context.close()
