"""The JSON API's plans, plays and incidents: scoped like the pages, documented in /openapi.json."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from core.airing.models import Board
from tests.admin.conftest import csrf_of, sign_in
from tests.records.test_reports import DAY, _seed_year


@pytest.fixture
def web(seeded) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as client:
        yield client


def _token(web, username: str) -> dict[str, str]:
    sign_in(web, username)
    page = web.get("/account")
    made = web.post("/account/tokens", data={"csrf_token": csrf_of(page.text), "name": "nguồn", "days": "30"})
    token = re.search(r'id="new-token">(bt_[^<]+)<', made.text).group(1)
    return {"Authorization": f"Bearer {token}"}


def test_plays_and_incidents_are_pulled_in_scope(web, seeded) -> None:
    _seed_year(seeded)
    editor, commune = _token(web, "bientap"), _token(web, "vanhanh.tanphong")
    got = web.get("/api/v1/plays", params={"start": DAY.isoformat(), "end": DAY.isoformat()}, headers=editor).json()
    assert got["total"] == 12 and len(got["items"]) == 12
    page = web.get("/api/v1/plays", params={"start": DAY.isoformat(), "end": DAY.isoformat(), "limit": 5,
                                            "after_id": got["items"][4]["id"]}, headers=editor).json()
    assert [p["id"] for p in page["items"]] == [p["id"] for p in got["items"][5:10]]
    assert web.get("/api/v1/plays", params={"start": DAY.isoformat(), "end": DAY.isoformat()},
                   headers=commune).json()["total"] == 0  # the border gate's airing log is not theirs
    assert len(web.get("/api/v1/incidents", headers=editor).json()) == 2
    assert web.get("/api/v1/incidents", headers=commune).json() == []
    with seeded.db.reading() as session:
        board_id = session.exec(select(Board).where(Board.code == "MLT-01")).one().id
    assert web.get("/api/v1/plans", params={"day": DAY.isoformat(), "board_id": board_id}, headers=editor).json() == []
    assert web.get("/api/v1/plays", params={"start": DAY.isoformat(), "end": DAY.isoformat()}).status_code == 401
    paths = web.get("/openapi.json").json()["paths"]
    assert {"/api/v1/plans", "/api/v1/plays", "/api/v1/incidents"} <= set(paths)
