"""The task queue: messages leave only after commit, and a real `bangtin worker` consumes them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlmodel import select

from core.records.models import TaskRun
from tests.conftest import TEST_SECRET


def test_a_rolled_back_unit_of_work_sends_no_message(make_runtime, tmp_path: Path) -> None:
    rt = make_runtime(queue_url=f"sqlite:///{tmp_path / 'q.sqlite3'}")
    with pytest.raises(RuntimeError):
        with rt.db.unit_of_work() as session:
            rt.queue.defer(session, "core.ping", note="never")
            assert rt.queue.pending() == 0
            raise RuntimeError("the change failed")
    assert rt.queue.pending() == 0
    with rt.db.unit_of_work() as session:
        rt.queue.defer(session, "core.ping", note="after commit")
    assert rt.queue.pending() == 1


def test_unknown_task_names_are_refused(rt) -> None:
    with pytest.raises(KeyError):
        with rt.db.unit_of_work() as session:
            rt.queue.defer(session, "no.such.task")


@pytest.fixture(params=["sqlite", "redis"])
def queue_case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(database URL, queue URL): SQLite+SqliteHuey, and PostgreSQL+RedisHuey as in production."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'bangtin.sqlite3'}", f"sqlite:///{tmp_path / 'data' / 'queue.sqlite3'}"
    database = request.getfixturevalue("postgres_url")
    # A queue name of this test's own: other bangtin instances may share the Redis database.
    name = f"bangtin-test-{uuid.uuid4().hex[:12]}"
    queue = f"{request.getfixturevalue('redis_url')}?name={name}"
    request.addfinalizer(lambda: _drop_keys(queue, name))
    return database, queue


def _drop_keys(queue_url: str, name: str) -> None:
    import redis

    client = redis.Redis.from_url(queue_url.split("?")[0])
    for key in client.scan_iter(match=f"*{name}*"):
        client.delete(key)


def test_worker_consumes_a_message_and_its_task_commits(make_runtime, queue_case, tmp_path: Path) -> None:
    database_url, queue_url = queue_case
    rt = make_runtime(database_url=database_url, queue_url=queue_url)
    env = {
        **os.environ,
        "BANGTIN_DATA_DIR": str(tmp_path / "data"),
        "BANGTIN_DATABASE_URL": database_url,
        "BANGTIN_QUEUE_URL": queue_url,
        "BANGTIN_SECRET_KEY": TEST_SECRET,
        "BANGTIN_WORKER_PROCESSES": "1",
    }
    worker = subprocess.Popen([sys.executable, "-m", "bangtin.cli", "worker"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with rt.db.unit_of_work() as session:
            rt.queue.defer(session, "core.ping", note="xin chào")
        deadline = time.monotonic() + 30
        runs: list[TaskRun] = []
        while time.monotonic() < deadline and not runs:
            with rt.db.reading() as session:
                runs = list(session.exec(select(TaskRun).where(TaskRun.name == "core.ping")).all())
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGINT)
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
    assert [r.result for r in runs] == [{"note": "xin chào"}], output
    # Periodic ticks may have queued their own work meanwhile; the ping itself was consumed.
    assert "core.ping" not in [message.name for message in rt.queue.huey.pending()]
