"""The content library: approved items in scope, searchable without diacritics, and reusable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy import ColumnElement, String, cast, func
from sqlmodel import Session, col, select

from core.accounts import access
from core.errors import Invalid
from core.org.models import Unit
from core.records import audit
from core.review import service as review
from core.review.models import ContentItem, ContentSearch, ContentTarget
from core.review.textfold import fold

PAGE = 50


@dataclass(frozen=True, slots=True)
class Query:
    text: str = ""
    category: str = ""
    language: str = ""
    unit_id: int | None = None
    cluster_id: int | None = None
    start: date | None = None  # items valid at some moment of [start, end]
    end: date | None = None
    page: int = 1


def _where(scope: access.Scope, query: Query, tz: tzinfo) -> list[ColumnElement[bool]]:
    item = ContentItem
    where: list[ColumnElement[bool]] = [access.visible_item_clause(scope)]
    words = fold(query.text)
    if words:
        for word in words.split()[:6]:
            # autoescape: "50%" finds 50%, not 500; "a_b" finds a_b, not aXb.
            where.append(col(item.id).in_(select(ContentSearch.content_item_id)
                                          .where(col(ContentSearch.folded).contains(word, autoescape=True))))
    if query.category:
        where.append(col(item.category) == query.category)
    if query.language:
        where.append(cast(item.languages, String).contains(f'"{query.language}"', autoescape=True))
    if query.unit_id:
        where.append(col(item.unit_id) == query.unit_id)
    if query.cluster_id:
        where.append(col(item.id).in_(select(ContentTarget.content_item_id)
                                      .where(ContentTarget.cluster_id == query.cluster_id)))
    if query.start:
        where.append(col(item.valid_to) >= datetime.combine(query.start, datetime.min.time(), tz))
    if query.end:
        where.append(col(item.valid_from) <= datetime.combine(query.end, datetime.max.time(), tz))
    return where


def search(session: Session, *, scope: access.Scope, query: Query,
           tz: tzinfo) -> tuple[list[tuple[ContentItem, str]], int]:
    """One page of items matching the query (newest approval first) and the total."""
    where = _where(scope, query, tz)
    total = int(session.exec(select(func.count()).select_from(ContentItem).where(*where)).one())
    rows = session.exec(select(ContentItem, Unit.name).join(Unit, col(Unit.id) == ContentItem.unit_id).where(*where)
                        .order_by(col(ContentItem.approved_at).desc(), col(ContentItem.id).desc())
                        .offset((max(query.page, 1) - 1) * PAGE).limit(PAGE)).all()
    return [(i, u) for i, u in rows], total


def clusters_of(session: Session, *, item_id: int) -> list[int]:
    return [
        t.cluster_id
        for t in session.exec(select(ContentTarget).where(ContentTarget.content_item_id == item_id)).all()
        if t.cluster_id is not None
    ]


def reuse(session: Session, *, scope: access.Scope, item: ContentItem, cluster_ids: list[int], valid_from: datetime,
          valid_to: datetime, actor: audit.Actor) -> ContentItem:
    """A copy of an approved item for another period or other clusters, approved by the same rule."""
    allowed = {c.id for c in access.approvable_clusters(session, scope=scope)}
    if not cluster_ids:
        raise Invalid("choose at least one cluster", field="clusters")
    if not set(cluster_ids) <= allowed:
        raise Invalid("you may not approve for one of these clusters", field="clusters")
    if valid_to <= valid_from:
        raise Invalid("the airing period ends before it starts", field="valid_to")
    copy = ContentItem(**{k: v for k, v in item.model_dump().items() if k not in {"id", "created_at"}})
    copy.valid_from, copy.valid_to, copy.is_active = valid_from, valid_to, True
    copy.approved_by_id, copy.approved_at = scope.officer.id, datetime.now(valid_from.tzinfo)
    session.add(copy)
    session.flush()
    for cluster_id in sorted(set(cluster_ids)):
        session.add(ContentTarget(content_item_id=copy.id, target_kind="cluster", cluster_id=cluster_id))  # type: ignore[arg-type]
    review.index_item(session, item=copy)
    audit.record(session, actor=actor, action="content_item.reused", object_type="content_item", object_id=copy.id,
                 after={**audit.snapshot(copy), "from_item": item.id, "clusters": sorted(cluster_ids)})
    return copy
