"""Operators' side over HTTP: pairing, emergencies with confirmations, board health, compliance and CSV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.airing import emergencies, plans
from core.airing.models import Board, Heartbeat, Incident, Play
from core.incidents import health
from core.notify.models import Notification
from core.org.models import Officer
from core.records.models import AuditEvent
from tests.airing.conftest import (
    auth,
    board_id,
    cluster_id,
    csrf_of,
    local,
    log_in,
    make_item,
    token_for,
)


def _form_token(client, path: str) -> str:
    return csrf_of(client.get(path).text)


def test_an_operator_pairs_a_waiting_player_from_the_boards_page(client, seeded):
    code = client.post("/api/player/v1/pairings").json()
    assert log_in(client, "vanhanh", "vanhanh-demo-2026").status_code == 303
    page = client.get("/airing/boards")
    assert page.status_code == 200 and "MLT-01" in page.text and "TANPHONG-01" not in page.text  # own clusters only
    wrong = client.post("/airing/boards/pair", data={"code": "ZZZZZZ", "board_id": board_id(seeded, "MLT-01"),
                                                     "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 422
    other = client.post("/airing/boards/pair", data={"code": code["code"], "board_id": board_id(seeded, "TANPHONG-01"),
                                                     "csrf_token": csrf_of(page.text)})
    assert other.status_code == 404  # not this operator's board
    done = client.post("/airing/boards/pair", data={"code": code["code"], "board_id": board_id(seeded, "MLT-03"),
                                                    "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert done.status_code == 303
    claimed = client.post("/api/player/v1/pairings/claim", json={"claim": code["claim"]}).json()
    assert claimed["board"]["code"] == "MLT-03"
    revoke = client.post(
        f"/airing/boards/{board_id(seeded, 'MLT-03')}/revoke",
        data={"csrf_token": _form_token(client, "/airing/boards")},
    )
    assert revoke.status_code in (200, 303)
    assert client.get("/api/player/v1/manifest", headers=auth(claimed["token"])).status_code == 401


def test_an_emergency_reaches_boards_which_confirm_and_late_ones_are_alerted(client, seeded):
    mlt1, mlt2 = token_for(seeded, "MLT-01"), token_for(seeded, "MLT-02")
    tanphong = token_for(seeded, "TANPHONG-01")
    log_in(client, "bientap", "bientap-demo-2026")
    started = client.post(
        "/airing/emergencies",
        data={
            "clusters": [cluster_id(seeded, "MLT")],
            "text": "Lũ quét: tránh xa suối Nậm Na",
            "csrf_token": _form_token(client, "/airing/emergencies"),
        },
        follow_redirects=False,
    )
    assert started.status_code == 303
    emergency_id = int(started.headers["location"].rsplit("/", 1)[1])
    manifest = client.get("/api/player/v1/manifest", headers=auth(mlt1)).json()
    assert manifest["emergency"]["text"].startswith("Lũ quét") and manifest["emergency"]["id"] == emergency_id
    assert client.get("/api/player/v1/manifest", headers=auth(tanphong)).json()["emergency"] is None
    assert client.post(f"/api/player/v1/emergencies/{emergency_id}/ack", headers=auth(mlt1)).status_code == 200
    assert client.post(f"/api/player/v1/emergencies/{emergency_id}/ack", headers=auth(mlt1)).status_code == 200  # once
    assert client.post(f"/api/player/v1/emergencies/{emergency_id}/ack", headers=auth(tanphong)).status_code == 404
    page = client.get(f"/airing/emergencies/{emergency_id}")
    assert "MLT-01" in page.text and "MLT-02" in page.text
    # 61 seconds later MLT-02 has still not confirmed: its operators are alerted, once
    later = datetime.now(UTC) + timedelta(seconds=61)
    with seeded.db.unit_of_work() as session:
        assert emergencies.alert_unconfirmed(session, now=later) >= 1
        assert emergencies.alert_unconfirmed(session, now=later) == 0
    with seeded.db.reading() as session:
        alerts = session.exec(select(Notification).where(Notification.event == "emergency.unconfirmed")).all()
        assert {n.payload["board"] for n in alerts} == {"MLT-02"} and all(n.urgent for n in alerts)
    # a text emergency's play is proof of play too
    now = datetime.now(UTC)
    played = client.post("/api/player/v1/plays", headers=auth(mlt2), json={"plays": [{
        "uid": "emergency-play-1", "item": None, "emergency": emergency_id,
        "started_at": now.isoformat(), "ended_at": (now + timedelta(seconds=1)).isoformat()}]}).json()
    assert played["accepted"] == ["emergency-play-1"]
    stop = client.post(
        f"/airing/emergencies/{emergency_id}/stop", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert stop.status_code == 303
    assert client.get("/api/player/v1/manifest", headers=auth(mlt1)).json()["emergency"] is None
    with seeded.db.reading() as session:
        actions = [
            e.action for e in session.exec(select(AuditEvent).where(AuditEvent.object_type == "emergency")).all()
        ]
    assert actions == ["emergency.started", "emergency.acknowledged", "emergency.stopped"]
    with seeded.db.reading() as session:  # the border-gate operators heard it start and end, at once
        told = session.exec(select(Notification, Officer).join(Officer, Officer.id == Notification.officer_id)
                            .where(Notification.event.in_(["emergency.started", "emergency.ended"]))).all()
    assert sorted((n.event, o.username) for n, o in told) == [
        ("emergency.ended", "vanhanh"),
        ("emergency.started", "vanhanh"),
    ]
    assert all(n.urgent and n.payload["clusters"] == ["Cụm TTĐTCC cửa khẩu quốc tế Ma Lù Thàng"] for n, _ in told)


def test_an_operator_may_not_start_an_emergency_everywhere_or_on_others_clusters(client, seeded):
    log_in(client, "vanhanh.tanphong", "tanphong-demo-2026")
    form = _form_token(client, "/airing/emergencies")
    assert (
        client.post("/airing/emergencies", data={"all_clusters": "true", "text": "x", "csrf_token": form}).status_code
        == 404
    )
    assert client.post("/airing/emergencies", data={"clusters": [cluster_id(seeded, "MLT")], "text": "x",
                                                    "csrf_token": form}).status_code == 404
    assert client.post("/airing/emergencies", data={"clusters": [cluster_id(seeded, "TANPHONG")], "text": "",
                                                    "csrf_token": form}).status_code == 422


def test_a_silent_board_opens_an_incident_once_and_its_return_closes_it(client, seeded):
    token = token_for(seeded, "UMTK-01")
    assert client.post("/api/player/v1/heartbeat", headers=auth(token), json={}).status_code == 200
    later = datetime.now(UTC) + timedelta(minutes=16)
    with seeded.db.unit_of_work() as session:
        assert health.sweep(session, now=later)["opened"] == 1
        assert health.sweep(session, now=later)["opened"] == 0
    with seeded.db.reading() as session:
        incident = session.exec(select(Incident)).one()
        assert incident.status == "open" and session.get(Board, incident.board_id).code == "UMTK-01"
        notes = session.exec(select(Notification).where(Notification.event == "board.offline")).all()
    assert notes and all(n.dedupe_key.startswith(f"board.offline:incident:{incident.id}:") for n in notes)
    log_in(client, "vanhanh", "vanhanh-demo-2026")
    assert "UMTK-01" in client.get("/airing/boards").text
    with seeded.db.unit_of_work() as session:  # the last heartbeat is old enough for a new one
        for beat in session.exec(select(Heartbeat)).all():
            beat.received_at -= timedelta(minutes=20)
            session.add(beat)
    assert client.post("/api/player/v1/heartbeat", headers=auth(token), json={}).status_code == 200
    with seeded.db.reading() as session:
        assert session.exec(select(Incident)).one().status == "resolved"
        back = session.exec(select(Notification).where(Notification.event == "board.online")).all()
    assert {n.officer_id for n in back} == {n.officer_id for n in notes} and back[0].payload["board"] == "UMTK-01"


def test_compliance_counts_real_plays_in_the_windows_and_exports_csv(client, seeded):
    day = seeded.settings.today() - timedelta(days=1)
    item = make_item(seeded, seconds=60, valid_from=local(day, 0))
    ad = make_item(seeded, title="QC", category="5", seconds=60, valid_from=local(day, 0))
    with seeded.db.unit_of_work() as session:
        plans.build_plans(session, days=[day], settings=seeded.settings)
    token_for(seeded, "DOANKET-01")
    b = board_id(seeded, "DOANKET-01")
    with seeded.db.unit_of_work() as session:
        start = local(day, 6, 30)  # the morning window is 06:30–09:30: 3 h of plays, one of them an ad
        for n in range(180):
            session.add(Play(board_id=b, play_uid=f"m{n:04d}-xxxxxxxx", content_item_id=ad if n == 0 else item,
                             started_at=start + timedelta(minutes=n), ended_at=start + timedelta(minutes=n + 1)))
        session.add(Play(board_id=b, play_uid="a0001-xxxxxxxx", content_item_id=item,
                         started_at=local(day, 13, 30), ended_at=local(day, 15, 30)))  # 2 h afternoon
    log_in(client, "bientap", "bientap-demo-2026")
    page = client.get(f"/airing/compliance?day={day.isoformat()}")
    assert page.status_code == 200
    csv = client.get(f"/airing/compliance.csv?day={day.isoformat()}")
    assert csv.headers["content-type"].startswith("text/csv")
    rows = [line.split(",") for line in csv.text.lstrip("\ufeff").splitlines()]
    assert rows[0] == ["Ngày", "Cụm thông tin", "Bảng tin", "Số phút buổi sáng", "Số phút buổi chiều",
                       "Đạt 3 giờ + 3 giờ", "Số phút đã phát", "Tỷ lệ quảng cáo (%)", "Số phút tin khẩn cấp",
                       "Số lượt phát"]
    row = next(r for r in rows if r[1] == "DOANKET" and r[2] == "DOANKET-01")
    assert row[0] == day.strftime("%d/%m/%Y") and row[3:6] == ["180.0", "120.0", "không"]
    assert row[7] == "0.3"  # 1 minute of ads in 300 minutes aired
    summary = next(r for r in rows if r[1] == "DOANKET" and r[2] == "tất cả bảng tin")
    assert summary[3] == "180.0"
    refused = client.get(f"/airing/compliance.csv?day={day.isoformat()}&to={(day - timedelta(days=1)).isoformat()}")
    assert refused.status_code == 422 and "Chọn" in refused.text and "bad date range" not in refused.text
    english = client.get(f"/airing/compliance.csv?day={day.isoformat()}&lang=en").text.lstrip("\ufeff").splitlines()
    assert english[0].startswith("Day,Cluster,Board,Morning minutes") and ",all boards," in english[-1] + english[1]
