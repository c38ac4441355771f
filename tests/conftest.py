"""Fixtures shared by every test package: isolated settings, databases and runtimes.

Each test gets its own DATA_DIR and its own database: a SQLite file, or (for tests that ask for
`backend`) a fresh schema on the PostgreSQL server. PostgreSQL and Redis tests run when the
servers answer; on CI (`CI=true`) an unreachable server is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bangtin import tasks
from core import migrate
from core import runtime as runtime_module
from core.runtime import Runtime
from core.settings import Settings

PG_ADMIN_URL = os.environ.get("BANGTIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BANGTIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
ON_CI = os.environ.get("CI", "").lower() == "true"
TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"

tasks.load()  # every test's runtime knows every task, as the composition root's processes do


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip with a clear reason outside CI; fail on CI, where the service must be there."""
    if _reachable(host, port):
        return
    message = f"{name} at {host}:{port} is not reachable"
    if ON_CI:
        pytest.fail(f"{message}, and CI=true requires it")
    pytest.skip(f"{message}: start it to run this test (it always runs on CI)")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A developer's own BANGTIN_* variables or .env must not leak into tests.
    for key in list(os.environ):
        if key.startswith("BANGTIN_") and not key.startswith("BANGTIN_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env, and no tests/ package shadowing ours on sys.path


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty schema on the PostgreSQL server, dropped afterwards."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def redis_url() -> str:
    require_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Parametrises a test over both databases."""
    return request.param


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'data' / 'bangtin.sqlite3'}"


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def factory(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "data_dir": tmp_path / "data",
            "queue_url": "memory://",
            "secret_key": TEST_SECRET,
            "port": 8765,
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def make_runtime(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., Runtime]]:
    """Build a migrated runtime (installed as `current()`), closed after the test."""
    built: list[Runtime] = []

    def factory(**overrides: object) -> Runtime:
        rt = runtime_module.build(make_settings(**overrides))
        migrate.upgrade(rt.db.engine)
        built.append(rt)
        return rt

    yield factory
    for rt in built:
        rt.close()
    runtime_module.uninstall()


@pytest.fixture
def rt(make_runtime: Callable[..., Runtime]) -> Runtime:
    """A runtime on SQLite with an in-memory queue."""
    return make_runtime()


@pytest.fixture
def rt_any(make_runtime: Callable[..., Runtime], database_url: str) -> Runtime:
    """A runtime on each database backend in turn."""
    return make_runtime(database_url=database_url)
