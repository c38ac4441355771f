"""Web fixtures: the app on a seeded runtime, driven over HTTP with the test client."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bangtin.webapp import create_app
from core import migrate
from core import runtime as runtime_module
from core.org.seed import load_organisation, read_organisation
from core.records import audit
from core.settings import Settings
from tests.conftest import TEST_SECRET


@pytest.fixture
def seeded(make_runtime, seeded_template: Path, tmp_path: Path):
    """A runtime whose SQLite database is a private copy of the seeded demo."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    shutil.copyfile(seeded_template, data_dir / "bangtin.sqlite3")
    _last_step[0] = None  # a fresh database has taken no TOTP step yet
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


# --- issue 5: a seeded database made once per session and copied per test (hashing 7 passwords
# per test would dominate the suite), officers logged in with TOTP, rows made directly. ----------

import time as _time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

import pyotp  # noqa: E402
from sqlmodel import select  # noqa: E402

from core.airing.models import Cluster  # noqa: E402
from core.intake.models import MediaAsset, Submission  # noqa: E402
from core.org.models import Officer, Unit  # noqa: E402

PASSWORDS = {"quantri": "quantri-demo-2026", "bientap": "bientap-demo-2026", "vanhanh": "vanhanh-demo-2026",
             "vanhanh.tanphong": "tanphong-demo-2026", "dichthuat": "dichthuat-demo-2026",
             "thanhtra": "thanhtra-demo-2026", "congtacvien": "congtacvien-demo-2026"}
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_last_step: list[int | None] = [None]  # the TOTP step last given for the current test's database


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> str:
    """The demo organisation in a SQLite file, built once; the administrator has TOTP enrolled."""
    data = tmp_path_factory.mktemp("seeded") / "data"
    built = runtime_module.build(Settings(data_dir=data, queue_url="memory://", secret_key=TEST_SECRET,
                                          database_url=f"sqlite:///{data / 'bangtin.sqlite3'}"), install=False)
    migrate.upgrade(built.db.engine)
    with built.db.unit_of_work() as session:
        load_organisation(session, data=read_organisation(), actor=audit.SYSTEM)
        admin = session.exec(select(Officer).where(Officer.username == "quantri")).one()
        admin.totp_secret = ADMIN_TOTP_SECRET
        session.add(admin)
    with built.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    built.close()
    return str(data / "bangtin.sqlite3")


@pytest.fixture
def org(make_runtime, seeded_template, tmp_path):
    """A runtime on a private copy of the seeded database (fast: no password hashing)."""
    (tmp_path / "data").mkdir(exist_ok=True)
    shutil.copy(seeded_template, tmp_path / "data" / "bangtin.sqlite3")
    _last_step[0] = None  # a fresh database has taken no TOTP step yet
    return make_runtime()


@pytest.fixture
def web(org) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=org), base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


def totp_code() -> str:
    """A code for a later step than the last one given for this test's database: the server takes a step only
    once and only after the last it took, and accepts the current step or the next. A third login within one
    30 s step waits for the next step (alternating now/next failed when a step boundary fell between two)."""
    totp = pyotp.TOTP(ADMIN_TOTP_SECRET)
    while True:
        now = int(_time.time()) // 30
        step = now if _last_step[0] is None else max(now, _last_step[0] + 1)
        if step <= now + 1:
            _last_step[0] = step
            return totp.at(step * 30)
        _time.sleep(0.5)


def sign_in(client: TestClient, username: str) -> None:
    """Log in as a demo user (passing the TOTP step for the administrator); asserts success."""
    client.cookies.clear()
    response = log_in(client, username, PASSWORDS[username])
    if username == "quantri":
        assert response.headers["location"].startswith("/login/totp"), response.text
        page = client.get(response.headers["location"])
        response = client.post("/login/totp", data={"code": totp_code(), "csrf_token": csrf_of(page.text),
                                                    "next": "/home"}, follow_redirects=False)
    assert response.status_code == 303 and not response.headers["location"].startswith("/login"), response.text


def ids(rt, model, **where) -> int:
    with rt.db.reading() as session:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return session.exec(query).one().id


def make_submission(rt, *, username: str = "congtacvien", unit: str | None = None, state: str = "ready",
                    target_kind: str = "border_gate", cluster: str | None = None, video: bool = False,
                    **fields) -> int:
    """Insert a submission as if the bot and the media pipeline had made it."""
    with rt.db.unit_of_work() as session:
        officer = session.exec(select(Officer).where(Officer.username == username)).one()
        unit_id = session.exec(select(Unit).where(Unit.code == unit)).one().id if unit else officer.unit_id
        cluster_id = session.exec(select(Cluster).where(Cluster.code == cluster)).one().id if cluster else None
        now = datetime.now(UTC)
        values = dict(officer_id=officer.id, unit_id=unit_id, channel="telegram", state=state, kind="text",
                      category="2b", target_kind=target_kind, target_cluster_id=cluster_id, title="Tin thử nghiệm",
                      caption="Mô tả", language="vi", language_confidence=0.9, received_at=now - timedelta(hours=1),
                      wished_start=now, wished_end=now + timedelta(days=7))
        values.update(fields)
        submission = Submission(**values)
        session.add(submission)
        session.flush()
        submission.code = submission.code or f"BT-TEST-{submission.id:04d}"
        if video:
            data = rt.store.put_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
            for role in ("original", "normalised"):
                session.add(MediaAsset(submission_id=submission.id, role=role, kind="video", sha256=data.sha256,
                                       size_bytes=data.size_bytes, mime="video/mp4", duration_s=12.0))
            submission.kind = "video"
        session.add(submission)
        return submission.id
