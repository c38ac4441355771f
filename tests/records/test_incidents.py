"""Incidents: reported from the web with a photo, numbered, owned, told to the operator and (at border gates)
the provincial editor unit; escalated when nobody acknowledges in time; resolved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from core.airing.models import Board, Incident
from core.errors import NotFound
from core.incidents import service as incidents
from core.notify.models import Notification
from core.org.models import Officer
from core.records import audit
from tests.admin.conftest import csrf_of, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def web(seeded) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as client:
        yield client


def _officer(session, username: str) -> Officer:
    return session.exec(select(Officer).where(Officer.username == username)).one()


def test_a_border_gate_incident_reported_on_the_web_reaches_operator_and_editors(web, seeded) -> None:
    with seeded.db.reading() as session:
        board = session.exec(select(Board).where(Board.code == "MLT-02")).one()
    sign_in(web, "vanhanh")
    page = web.get("/incidents")
    made = web.post(
        "/incidents",
        data={
            "csrf_token": csrf_of(page.text),
            "kind": "security",
            "title": "Màn hình bị chiếm quyền",
            "board": str(board.id),
            "place": "Cổng cửa khẩu",
        },
        files={"photo": ("anh.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert made.status_code == 303
    with seeded.db.reading() as session:
        incident = session.exec(select(Incident)).one()
        assert incident.number.startswith("SC-") and incident.status == "open" and incident.photo_asset_id
        assert incident.cluster_id == board.cluster_id and incident.ack_due_at - incident.opened_at == timedelta(
            hours=4
        )
        told = {
            session.get(Officer, n.officer_id).username
            for n in session.exec(select(Notification).where(Notification.event == "incident.reported")).all()
        }
    assert "bientap" in told  # border gate: the provincial editor unit hears of it
    listed = web.get("/incidents").text
    assert incident.number in listed and "Màn hình bị chiếm quyền" in listed
    sign_in(web, "vanhanh.tanphong")  # another unit's operator does not see it
    assert incident.number not in web.get("/incidents").text
    sign_in(web, "thanhtra")
    assert incident.number in web.get("/incidents").text


def test_unacknowledged_incidents_escalate_then_are_acknowledged_and_resolved(seeded) -> None:
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    with seeded.db.unit_of_work() as session:
        reporter = _officer(session, "vanhanh.tanphong")
        board = session.exec(select(Board).where(Board.code.startswith("TANPHONG"))).first()
        incident = incidents.report(
            session,
            reporter=reporter,
            kind="technical",
            title="Mất điện",
            board_id=board.id,
            now=now,
            actor=audit.SYSTEM,
        )
        incident_id = incident.id
        assert incidents.escalate_overdue(session, now=now + timedelta(hours=3))["escalated"] == 0
        assert incidents.escalate_overdue(session, now=now + timedelta(hours=5))["escalated"] == 1
        assert incidents.escalate_overdue(session, now=now + timedelta(hours=6))["escalated"] == 0  # once
        assert session.get(Incident, incident_id).status == "escalated"
        editor = _officer(session, "bientap")
        incidents.acknowledge(
            session, officer=editor, incident_id=incident_id, now=now + timedelta(hours=6), actor=audit.SYSTEM
        )
        other = _officer(session, "vanhanh")  # the border-gate operator may not touch a commune's incident
        with pytest.raises(NotFound):
            incidents.resolve(
                session, officer=other, incident_id=incident_id, resolution="x", now=now, actor=audit.SYSTEM
            )
        done = incidents.resolve(
            session,
            officer=reporter,
            incident_id=incident_id,
            resolution="Đã thay bộ nguồn",
            now=now + timedelta(hours=7),
            actor=audit.SYSTEM,
        )
        assert done.status == "resolved" and done.closed_at == now + timedelta(hours=7)
        escalated = session.exec(select(Notification).where(Notification.event == "incident.escalated")).all()
        assert {session.get(Officer, n.officer_id).username for n in escalated} >= {"bientap"}


def test_the_incident_photo_is_linked_and_shown_only_to_who_may_see_the_incident(web, seeded) -> None:
    with seeded.db.reading() as session:
        board = session.exec(select(Board).where(Board.code == "MLT-02")).one()
    sign_in(web, "vanhanh")
    page = web.get("/incidents")
    web.post("/incidents", data={"csrf_token": csrf_of(page.text), "kind": "technical", "title": "Vỡ kính màn hình",
                                 "board": str(board.id)}, files={"photo": ("kinh-vo.png", PNG, "image/png")})
    with seeded.db.reading() as session:
        incident = session.exec(select(Incident)).one()
    link = f"/incidents/{incident.id}/photo"
    assert f'href="{link}"' in web.get("/incidents").text
    shown = web.get(link)
    assert shown.status_code == 200 and shown.content == PNG and shown.headers["content-type"] == "image/png"
    assert "sandbox" in shown.headers["content-security-policy"] and shown.headers["x-content-type-options"]
    sign_in(web, "vanhanh.tanphong")  # another unit's operator neither sees the incident nor its photo
    assert web.get(link).status_code == 404
