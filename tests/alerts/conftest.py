"""Alert fixtures: the seeded demo, an administrator's "alert source" token, the policy, the HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from core.accounts import tokens
from core.alerts import policy
from core.org.models import Officer
from core.records import audit
from tests.admin.conftest import csrf_of, log_in, seeded, seeded_template, sign_in  # noqa: F401
from tests.alerts.samples import SENDER


def make_token(rt, username: str = "quantri", *, alert_source: bool = True) -> str:
    with rt.db.unit_of_work() as session:
        officer = session.exec(select(Officer).where(Officer.username == username)).one()
        return tokens.create(
            session, officer=officer, name="CAP", days=30, actor=audit.SYSTEM, alert_source=alert_source
        )[1]


def allow(rt, sender: str = SENDER, severities: tuple[str, ...] = ("Extreme", "Severe")) -> None:
    with rt.db.unit_of_work() as session:
        policy.set_policy(session, sender=sender, severities=list(severities), actor=audit.SYSTEM)


@pytest.fixture
def client(seeded) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


@pytest.fixture
def source(seeded) -> str:  # noqa: F811
    """The clear text of an administrator's alert-source token; the demo sender is trusted for Severe/Extreme."""
    allow(seeded)
    return make_token(seeded)


def post_cap(client: TestClient, token: str, body: bytes):
    return client.post(
        "/api/v1/alerts",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/cap+xml"},
    )
