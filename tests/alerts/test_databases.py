"""The ingest and the exchange outbox on both databases (PostgreSQL is production's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.airing.models import Emergency
from core.alerts import service
from core.exchange import service as exchange
from core.exchange.models import ExchangeDocument
from core.exchange.port import DeliveryFailed, Document
from core.org.seed import load_organisation, read_organisation
from core.records import audit
from core.review.models import ContentItem
from tests.airing.conftest import make_item
from tests.alerts.conftest import allow
from tests.alerts.samples import cap


class Flaky:
    """A port that fails the first attempt of each document, then accepts; counts what it accepted."""

    name = "flaky"

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.accepted: list[str] = []

    def deliver(self, document: Document) -> None:
        self.seen[document.doc_id] = self.seen.get(document.doc_id, 0) + 1
        if self.seen[document.doc_id] == 1:
            raise DeliveryFailed("busy")
        self.accepted.append(document.doc_id)


def test_ingest_and_outbox_on_each_database(rt_any):
    with rt_any.db.unit_of_work() as session:
        load_organisation(session, data=read_organisation(), actor=audit.SYSTEM)
    allow(rt_any)
    for _ in range(2):
        with rt_any.db.unit_of_work() as session:
            outcome = service.ingest(
                session, raw=cap("DB-1"), via="cli", actor=audit.SYSTEM, on=rt_any.settings.today()
            )
    assert outcome.duplicate and outcome.outcome == "emergency"
    with rt_any.db.reading() as session:
        assert len(session.exec(select(Emergency)).all()) == 1
    item_id = make_item(rt_any, title="Tin")
    with rt_any.db.unit_of_work() as session:
        item = session.get(ContentItem, item_id)
        item.approved_at = datetime.now(UTC)
        session.add(item)
    with rt_any.db.unit_of_work() as session:
        assert exchange.queue_items(session, base_url="http://x") == 1
    with rt_any.db.unit_of_work() as session:
        assert exchange.queue_items(session, base_url="http://x") == 0
    port, start = Flaky(), datetime.now(UTC) + timedelta(seconds=2)
    assert [a.ok for a in exchange.deliver_due(rt_any.db, port=port, now=start)] == [False]
    assert [a.ok for a in exchange.deliver_due(rt_any.db, port=port, now=start + timedelta(minutes=5))] == [True]
    assert exchange.deliver_due(rt_any.db, port=port, now=start + timedelta(hours=1)) == []
    assert len(port.accepted) == 1
    with rt_any.db.reading() as session:
        assert session.exec(select(ExchangeDocument)).one().state == "sent"
