"""CAP ingest over HTTP: severe alerts start emergencies on the named communes' boards, updates and cancels
follow, tests stay off the boards, hostile or broken XML is refused and kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.airing.models import Emergency
from core.alerts import service
from core.alerts.models import AlertMessage
from core.intake.models import Submission
from core.notify.models import Notification
from core.org.models import Officer, Unit
from core.records.models import AuditEvent
from tests.airing.conftest import auth, cluster_id, token_for
from tests.alerts.conftest import make_token, post_cap
from tests.alerts.samples import ENTITY_BOMB, MALFORMED, cap


def _emergency_of(client, board_token: str) -> dict | None:
    return client.get("/api/player/v1/manifest", headers=auth(board_token)).json()["emergency"]


def test_a_severe_warning_for_two_communes_airs_on_their_boards_without_a_person(client, seeded, source):
    tanphong, phongtho, mlt = (
        token_for(seeded, "TANPHONG-01"),
        token_for(seeded, "PHONGTHO-01"),
        token_for(seeded, "MLT-01"),
    )
    with seeded.db.unit_of_work() as session:  # the demo's Phong Thổ has no officer yet
        unit = session.exec(select(Unit).where(Unit.code == "X-PHONGTHO")).one()
        session.add(Officer(unit_id=unit.id, full_name="Lý A Sử", role="contributor"))
    answer = post_cap(client, source, cap("LC-2026-001"))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["outcome"] == "emergency" and set(body["clusters"]) == {"TANPHONG", "PHONGTHO"}
    shown = _emergency_of(client, tanphong)
    assert shown["text"].startswith("Cảnh báo lũ quét và sạt lở đất") and "tránh xa suối" in shown["text"]
    assert _emergency_of(client, phongtho)["id"] == body["emergency_id"]
    assert _emergency_of(client, mlt) is None  # a border gate the alert does not name
    with seeded.db.reading() as session:
        emergency = session.get(Emergency, body["emergency_id"])
        assert emergency.ends_at is not None and emergency.ends_at > datetime.now(UTC) + timedelta(hours=5)
        # the officers of the two communes are told, urgently, once each
        notified = session.exec(
            select(Notification, Officer)
            .join(Officer, Officer.id == Notification.officer_id)
            .where(Notification.event == "alert.issued")
        ).all()
        units = {session.get(Unit, o.unit_id).code for _, o in notified}
        assert units == {"P-TANPHONG", "X-PHONGTHO"} and all(n.urgent for n, _ in notified)
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "alert.emergency")).first() is not None
        stored = session.exec(select(AlertMessage).where(AlertMessage.identifier == "LC-2026-001")).one()
        assert "<identifier>LC-2026-001</identifier>" in stored.xml  # the original is kept
    # the same message again does nothing
    again = post_cap(client, source, cap("LC-2026-001"))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    with seeded.db.reading() as session:
        assert len(session.exec(select(Emergency)).all()) == 1


def test_an_update_replaces_the_text_and_places_and_a_cancel_stops_it(client, seeded, source):
    tanphong, phongtho = token_for(seeded, "TANPHONG-01"), token_for(seeded, "PHONGTHO-01")
    first = post_cap(client, source, cap("LC-2026-002")).json()
    update = post_cap(
        client,
        source,
        cap(
            "LC-2026-002-u1",
            msg_type="Update",
            references=("LC-2026-002",),
            areas=("Xã Phong Thổ",),
            headline="Cập nhật: lũ quét tăng",
        ),
    ).json()
    assert update["outcome"] == "updated" and update["stopped_emergency_ids"] == [first["emergency_id"]]
    assert _emergency_of(client, tanphong) is None
    assert _emergency_of(client, phongtho)["text"].startswith("Cập nhật: lũ quét tăng")
    cancel = post_cap(client, source, cap("LC-2026-002-c1", msg_type="Cancel", references=("LC-2026-002-u1",)))
    assert cancel.status_code == 201 and cancel.json()["outcome"] == "cancelled"
    assert cancel.json()["stopped_emergency_ids"] == [update["emergency_id"]]
    assert _emergency_of(client, phongtho) is None
    with seeded.db.reading() as session:
        assert all(e.ended_at is not None for e in session.exec(select(Emergency)).all())


def test_an_expired_warning_does_not_air_and_a_running_one_ends_at_its_expiry(client, seeded, source):
    phongtho = token_for(seeded, "PHONGTHO-01")
    past = datetime.now(UTC) - timedelta(hours=3)
    late = post_cap(client, source, cap("LC-2026-003", sent=past, expires=past + timedelta(hours=1))).json()
    assert late["outcome"] == "expired" and late["emergency_id"] is None
    assert _emergency_of(client, phongtho) is None
    running = post_cap(client, source, cap("LC-2026-004", expires=datetime.now(UTC) + timedelta(minutes=30))).json()
    assert _emergency_of(client, phongtho)["id"] == running["emergency_id"]
    with seeded.db.unit_of_work() as session:
        assert (
            service.expire_due(
                session,
                now=datetime.now(UTC) + timedelta(minutes=31),
                actor=service.audit.SYSTEM,
                on=seeded.settings.today(),
            )
            == 1
        )
    with seeded.db.reading() as session:
        assert session.get(Emergency, running["emergency_id"]).ended_at is not None
        assert session.exec(select(AlertMessage).where(AlertMessage.identifier == "LC-2026-004")).one().ended_at


def test_tests_and_exercises_never_reach_a_board_and_only_administrators_see_them(client, seeded, source):
    tanphong = token_for(seeded, "TANPHONG-01")
    for n, status in enumerate(("Test", "Exercise")):
        answer = post_cap(client, source, cap(f"LC-TEST-{n}", status=status, headline=f"Diễn tập {status}"))
        assert answer.status_code == 201 and answer.json()["outcome"] == "logged"
    assert _emergency_of(client, tanphong) is None
    from tests.admin.conftest import sign_in

    sign_in(client, "quantri")
    page = client.get("/alerts")
    assert page.status_code == 200 and "Diễn tập Test" in page.text and "Diễn tập Exercise" in page.text
    sign_in(client, "bientap")
    page = client.get("/alerts")
    assert page.status_code == 200 and "Diễn tập" not in page.text
    with seeded.db.reading() as session:
        assert session.exec(select(Emergency)).first() is None


def test_a_dtd_bomb_and_malformed_xml_are_refused_and_kept_with_the_reason(client, seeded, source):
    bomb = post_cap(client, source, ENTITY_BOMB)
    assert bomb.status_code == 422 and "DTD" in bomb.json()["reason"]
    broken = post_cap(client, source, MALFORMED)
    assert broken.status_code == 422 and "not well-formed" in broken.json()["reason"]
    missing = post_cap(client, source, cap("LC-2026-005").replace(b"<urgency>Immediate</urgency>", b""))
    assert missing.status_code == 422 and "<urgency> is missing" in missing.json()["reason"]
    with seeded.db.reading() as session:
        rows = session.exec(select(AlertMessage).where(AlertMessage.outcome == "refused")).all()
        assert len(rows) == 3 and any("<!ENTITY lol" in r.xml for r in rows)
        assert session.exec(select(Emergency)).first() is None


def test_only_a_token_with_the_alert_source_permission_may_send(client, seeded, source):
    assert post_cap(client, "bt_nonsense", cap("LC-2026-006")).status_code == 401
    plain = make_token(seeded, "bientap", alert_source=False)
    assert post_cap(client, plain, cap("LC-2026-006")).status_code == 403
    with seeded.db.reading() as session:
        assert session.exec(select(AlertMessage)).first() is None


def test_a_sender_outside_the_policy_and_a_moderate_alert_wait_for_an_editor(client, seeded, source):
    tanphong = token_for(seeded, "TANPHONG-01")
    stranger = post_cap(client, source, cap("LC-2026-007", sender="other@example.vn")).json()
    moderate = post_cap(client, source, cap("LC-2026-008", severity="Moderate", urgency="Expected")).json()
    assert stranger["outcome"] == moderate["outcome"] == "for_editor"
    assert _emergency_of(client, tanphong) is None
    with seeded.db.reading() as session:
        waiting = session.exec(select(Submission).where(Submission.state == "ready", Submission.category == "2d")).all()
        assert {s.id for s in waiting} == {stranger["submission_id"], moderate["submission_id"]}
        assert session.exec(select(Notification).where(Notification.event == "submission.emergency")).first()


def test_a_former_commune_name_reaches_the_commune_that_absorbed_it(client, seeded, source):
    with seeded.db.unit_of_work() as session:
        phongtho = session.exec(select(Unit).where(Unit.code == "X-PHONGTHO")).one()
        session.add(
            Unit(
                code="X-MUONGSO-CU",
                name="Ủy ban nhân dân xã Mường So",
                kind="commune",
                valid_to=datetime(2025, 6, 30).date(),
                successor_id=phongtho.id,
            )
        )
    answer = post_cap(client, source, cap("LC-2026-009", areas=("Xã Mường So",))).json()
    assert answer["outcome"] == "emergency" and answer["clusters"] == ["PHONGTHO"] and answer["units"] == ["X-PHONGTHO"]
    by_code = post_cap(client, source, cap("LC-2026-010", areas=(), geocodes=(("ma_xa", "P-DOANKET"),))).json()
    assert by_code["clusters"] == ["DOANKET"]


def test_an_alert_without_vietnamese_shows_its_language_and_is_flagged(client, seeded, source):
    answer = post_cap(
        client,
        source,
        cap("LC-2026-011", language="en-US", headline="Flash flood warning", description="Stay away from streams."),
    ).json()
    assert answer["outcome"] == "emergency" and answer["needs_editor"] is True
    assert _emergency_of(client, token_for(seeded, "TANPHONG-01"))["text"].startswith("[en-US] Flash flood warning")
    assert cluster_id(seeded, "TANPHONG")
