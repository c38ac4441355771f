"""Web fixtures: the app on a seeded runtime, driven over HTTP with the test client."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from admin.app import create_app
from core.services import audit
from core.services.seed import load_organisation, read_organisation


@pytest.fixture
def seeded(rt):
    with rt.db.unit_of_work() as session:
        load_organisation(session, data=read_organisation(), actor=audit.SYSTEM)
    return rt


@pytest.fixture
def client(seeded) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str, next_url: str = "/home"):
    token = csrf_of(client.get("/").text)
    return client.post("/", data={"username": username, "password": password, "csrf_token": token, "next": next_url},
                       follow_redirects=False)
