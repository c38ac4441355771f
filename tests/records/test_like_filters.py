"""Searching for "50%" or "a_b" finds those characters, not any text: LIKE wildcards are escaped."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import col, select

from core.records import auditlog
from core.records.audit import SYSTEM, Actor, record
from core.records.models import AuditEvent
from core.review.textfold import fold
from core.runtime import Runtime
from core.types import Channel

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _actors(rt: Runtime, text: str) -> list[str]:
    with rt.db.reading() as session:
        where = auditlog._where(auditlog.Filters(actor=text), TZ)
        return list(session.exec(select(AuditEvent.actor_label).where(*where)
                                 .order_by(col(AuditEvent.seq))).all())


def test_audit_actor_filter_takes_percent_and_underscore_literally(rt: Runtime) -> None:
    with rt.db.unit_of_work() as session:
        for label in ("Giảm 50% phí", "Giảm 500 phí", "nguyen_van_a", "nguyenXvanXa"):
            record(session, actor=Actor(label=label, channel=Channel.system), action="test.like")
    assert _actors(rt, "50%") == ["Giảm 50% phí"]
    assert _actors(rt, "n_v") == ["nguyen_van_a"]


def test_library_search_takes_percent_literally(rt: Runtime) -> None:
    from datetime import date, timedelta

    from core.accounts import access
    from core.org.models import Officer, Unit
    from core.org.seed import load_organisation, read_organisation
    from core.review import library
    from core.review.models import ContentItem, ContentSearch
    from core.types import Role, utcnow

    with rt.db.unit_of_work() as session:
        load_organisation(session, data=read_organisation(), actor=SYSTEM)
        unit = session.exec(select(Unit).order_by(col(Unit.id))).first()
        assert unit is not None and unit.id is not None
        for title in ("Giảm 50% học phí", "Giảm 500 nghìn học phí"):
            item = ContentItem(unit_id=unit.id, title=title, kind="image", category="2b",
                               valid_from=utcnow() - timedelta(days=1), valid_to=utcnow() + timedelta(days=9))
            session.add(item)
            session.flush()
            assert item.id is not None
            session.add(ContentSearch(content_item_id=item.id, folded=fold(title)))
    with rt.db.reading() as session:
        admin = session.exec(select(Officer).where(Officer.role == Role.administrator.value)).first()
        assert admin is not None
        scope = access.scope_of(session, officer=admin, on=date.today())
        found, total = library.search(session, scope=scope, query=library.Query(text="50%"), tz=TZ)
    assert [row[0].title for row in found] == ["Giảm 50% học phí"] and total == 1
