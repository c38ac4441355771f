"""Web fixtures: the app on a seeded runtime, driven over HTTP with the test client."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from admin.app import create_app
from core import migrate
from core import runtime as runtime_module
from core.services import audit
from core.services.seed import load_organisation, read_organisation
from core.settings import Settings
from tests.conftest import TEST_SECRET


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organisation seeded once per session (argon2 hashing is slow on purpose)."""
    data_dir = tmp_path_factory.mktemp("seeded")
    rt = runtime_module.build(Settings(data_dir=data_dir, queue_url="memory://", secret_key=TEST_SECRET), install=False)
    migrate.upgrade(rt.db.engine)
    with rt.db.unit_of_work() as session:
        load_organisation(session, data=read_organisation(), actor=audit.SYSTEM)
    rt.close()  # the last connection checkpoints the WAL into the file
    return data_dir / "bangtin.sqlite3"


@pytest.fixture
def seeded(make_runtime, seeded_template: Path, tmp_path: Path):
    """A runtime whose SQLite database is a private copy of the seeded demo."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    shutil.copyfile(seeded_template, data_dir / "bangtin.sqlite3")
    return make_runtime()


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
