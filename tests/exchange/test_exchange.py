"""The source information system receives every approved item (and each change) and the daily airing
figures, once per document, through a receiver that fails before it accepts; the operator sees why not."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from core.airing.models import Play
from core.exchange import port as ports
from core.exchange import service
from core.exchange.models import ExchangeDocument
from core.review.models import ContentItem
from tests import receiver
from tests.admin.conftest import seeded, seeded_template, sign_in  # noqa: F401
from tests.airing.conftest import board_id, cluster_id, local, make_item


def _approve(rt, item_id: int) -> None:
    with rt.db.unit_of_work() as session:
        item = session.get(ContentItem, item_id)
        item.approved_at = datetime.now(UTC)
        session.add(item)


def _queue_and_deliver(rt, port, now: datetime) -> list[service.Attempt]:
    with rt.db.unit_of_work() as session:
        service.queue_items(session, base_url=rt.settings.public_url)
    return service.deliver_due(rt.db, port=port, now=now)


@pytest.fixture
def outside() -> Iterator[receiver.Receiver]:
    with receiver.running() as state:
        yield state


def test_a_receiver_that_fails_twice_then_accepts_gets_each_document_exactly_once(seeded, outside):  # noqa: F811
    outside.fail_first = 2
    payload = b"clip bytes of the flood warning"
    item_id = make_item(
        seeded,
        title="Phòng chống lũ quét",
        category="2d",
        languages=["vi", "hmn"],
        payload=payload,
        targets=[{"target_kind": "cluster", "cluster_id": cluster_id(seeded, "TANPHONG")}],
    )
    _approve(seeded, item_id)
    port = ports.HttpsSourceSystem(outside.url + "/documents", outside.token)
    now = datetime.now(UTC) + timedelta(seconds=2)  # just after it was queued
    first = _queue_and_deliver(seeded, port, now)
    assert [a.ok for a in first] == [False] and "HTTP 503" in (first[0].reason or "")
    assert _queue_and_deliver(seeded, port, now) == []  # not due again before its backoff
    assert [a.ok for a in _queue_and_deliver(seeded, port, now + timedelta(minutes=1))] == [False]
    assert [a.ok for a in _queue_and_deliver(seeded, port, now + timedelta(minutes=10))] == [True]
    for later in (10, 60, 600):  # nothing more is sent, and an unchanged item makes no new document
        assert _queue_and_deliver(seeded, port, now + timedelta(minutes=later)) == []
    [(doc_id, bodies)] = outside.accepted.items()
    assert len(bodies) == 1 and outside.attempts[doc_id] == 3
    document = bodies[0]
    assert document["type"] == "content_item" and document["item_id"] == item_id and document["category"] == "2d"
    assert document["languages"] == ["vi", "hmn"] and document["targets"][0]["cluster"] == "TANPHONG"
    assert document["period"]["from"] and document["period"]["to"]
    assert document["media"][0]["sha256"] == hashlib.sha256(payload).hexdigest()
    # a change is a new document, delivered once
    with seeded.db.unit_of_work() as session:
        item = session.get(ContentItem, item_id)
        item.title = "Phòng chống lũ quét (cập nhật)"
        session.add(item)
    outside.fail_first = 0
    assert [a.ok for a in _queue_and_deliver(seeded, port, now + timedelta(hours=1))] == [True]
    assert len(outside.accepted) == 2 and all(len(b) == 1 for b in outside.accepted.values())
    with seeded.db.reading() as session:
        rows = session.exec(select(ExchangeDocument)).all()
        assert {r.state for r in rows} == {"sent"} and all(r.last_error is None for r in rows)


def test_daily_figures_per_board_are_sent_once(seeded, outside):  # noqa: F811
    day = seeded.settings.today() - timedelta(days=1)
    item_id = make_item(seeded, title="Tin sáng")
    board = board_id(seeded, "TANPHONG-01")
    with seeded.db.unit_of_work() as session:  # 90 minutes aired in the morning
        start = local(day, 7)
        for k in range(3):
            session.add(
                Play(
                    board_id=board,
                    play_uid=f"fig-{k}",
                    content_item_id=item_id,
                    started_at=start + timedelta(minutes=30 * k),
                    ended_at=start + timedelta(minutes=30 * (k + 1)),
                )
            )
    port = ports.HttpsSourceSystem(outside.url + "/documents", outside.token)
    with seeded.db.unit_of_work() as session:
        assert service.queue_figures(session, day=day, settings=seeded.settings) is True
    with seeded.db.unit_of_work() as session:
        assert service.queue_figures(session, day=day, settings=seeded.settings) is False  # once per day
    assert [a.ok for a in service.deliver_due(seeded.db, port=port)] == [True]
    [bodies] = outside.accepted.values()
    figures = bodies[0]
    assert figures["type"] == "airing_figures" and figures["day"] == day.isoformat()
    row = next(b for b in figures["boards"] if b["board"] == "TANPHONG-01")
    assert row["hours"]["morning"] == 1.5 and row["items"] == 1 and row["plays"] == 3 and row["meets_3h_3h"] is False


def test_a_refused_token_fails_with_the_reason_shown_and_an_administrator_retries(seeded, outside):  # noqa: F811
    _approve(seeded, make_item(seeded, title="Tin"))
    bad = ports.HttpsSourceSystem(outside.url + "/documents", "wrong-token")
    [attempt] = _queue_and_deliver(seeded, bad, datetime.now(UTC) + timedelta(seconds=2))
    assert not attempt.ok and outside.refused_auth == 1
    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as client:
        sign_in(client, "quantri")
        page = client.get("/exchange?state=failed")
        assert page.status_code == 200 and "HTTP 401" in page.text
        with seeded.db.reading() as session:
            row = session.exec(select(ExchangeDocument)).one()
        from tests.admin.conftest import csrf_of

        retried = client.post(
            f"/exchange/{row.id}/retry", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
        )
        assert retried.status_code == 303
        sign_in(client, "vanhanh")  # an operator does not see the exchange
        assert client.get("/exchange").status_code == 404
    good = ports.HttpsSourceSystem(outside.url + "/documents", outside.token)
    assert [a.ok for a in service.deliver_due(seeded.db, port=good)] == [True]
    assert len(outside.accepted) == 1


def test_the_file_drop_writes_one_json_per_document_and_the_media(seeded, tmp_path):  # noqa: F811
    payload = b"image bytes"
    item_id = make_item(seeded, title="Ảnh", kind="image", payload=payload)
    _approve(seeded, item_id)
    folder = tmp_path / "drop"
    port = ports.FileDropSourceSystem(folder, seeded.store)
    [attempt] = _queue_and_deliver(seeded, port, datetime.now(UTC) + timedelta(seconds=2))
    assert attempt.ok
    [written] = list(folder.glob("*.json"))
    document = json.loads(written.read_text(encoding="utf-8"))
    assert written.name == f"{document['id']}.json" and document["item_id"] == item_id
    sha = hashlib.sha256(payload).hexdigest()
    assert (folder / "media" / sha).read_bytes() == payload and document["media"][0]["sha256"] == sha


def test_the_worker_sends_only_when_a_source_system_is_configured(seeded, outside, monkeypatch):  # noqa: F811
    from core.exchange import tasks

    _approve(seeded, make_item(seeded, title="Tin"))
    assert tasks.deliver() == {"skipped": "no source system configured"}
    with seeded.db.reading() as session:
        assert session.exec(select(ExchangeDocument)).first() is None
    monkeypatch.setattr(seeded.settings, "exchange_url", outside.url + "/documents")
    monkeypatch.setattr(seeded.settings, "exchange_token", outside.token)
    import time

    time.sleep(1.1)  # queued "now" is due on the next second
    report = tasks.deliver()
    assert report["queued"] == 1 and (report["sent"] == 1 or tasks.deliver()["sent"] == 1)
    assert len(outside.accepted) == 1
