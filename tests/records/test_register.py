"""The board register and maintenance log feed the annual report; planned maintenance is reminded once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from core.airing import boards
from core.airing.models import Board
from core.notify.models import Notification
from core.org.models import Unit
from core.reports import figures
from tests.admin.conftest import csrf_of, sign_in


@pytest.fixture
def web(seeded) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as client:
        yield client


def test_operator_keeps_the_register_and_the_log_and_the_report_counts_them(web, seeded) -> None:
    with seeded.db.reading() as session:
        board_id = session.exec(select(Board).where(Board.code == "MLT-03")).one().id
        unit_id = session.exec(select(Unit).where(Unit.code == "BQLKKT")).one().id
    sign_in(web, "vanhanh")
    page = web.get(f"/records/boards/{board_id}")
    token = csrf_of(page.text)
    saved = web.post(f"/records/boards/{board_id}", data={"csrf_token": token, "installed_on": "2024-09-02",
                                                          "location": "Bãi kiểm hóa", "hardware": "LED P4 3×2 m",
                                                          "yearly_cost_vnd": "36.000.000"}, follow_redirects=False)
    assert saved.status_code == 303
    done = web.post(f"/records/boards/{board_id}/maintenance", data={
        "csrf_token": token, "work": "Thay bộ nguồn", "done_on": "2026-05-04", "cost_vnd": "2.500.000",
        "done_by": "Công ty Điện tử Tây Bắc"}, follow_redirects=False)
    assert done.status_code == 303
    both = web.post(f"/records/boards/{board_id}/maintenance", data={"csrf_token": token, "work": "Vệ sinh"})
    assert both.status_code == 422  # neither done nor planned
    web.post(f"/records/boards/{board_id}/maintenance", data={"csrf_token": token, "work": "Bảo dưỡng định kỳ",
                                                             "planned_on": "2026-12-05"})
    listed = web.get("/records/boards").text
    assert "LED P4 3×2 m" in listed and "36.000.000" in listed
    assert "Thay bộ nguồn" in web.get(f"/records/boards/{board_id}").text
    with seeded.db.unit_of_work() as session:
        start, end = figures.annual_period(2026)
        f = figures.report_figures(session, unit_id=unit_id, period_start=start, period_end=end, tz=seeded.settings.tz)
        assert f["yearly_cost_vnd"] == 36_000_000 and f["maintenance"] == 1 and f["maintenance_cost_vnd"] == 2_500_000
        row = next(b for b in f["boards"] if b["code"] == "MLT-03")
        assert row["installed_on"] == "2024-09-02" and row["hardware"] == "LED P4 3×2 m"
        assert boards.remind_planned(session, today=date(2026, 11, 20))["planned"] == 0  # more than a week ahead
        assert boards.remind_planned(session, today=date(2026, 11, 30))["notified"] >= 1
        assert boards.remind_planned(session, today=date(2026, 12, 1))["planned"] == 0  # once
        assert session.exec(select(Notification).where(Notification.event == "board.maintenance_due")).first()
    sign_in(web, "vanhanh.tanphong")
    assert web.get(f"/records/boards/{board_id}").status_code == 404
