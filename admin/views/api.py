"""The JSON API `/api/v1` for integrations (e.g. the provincial source information system).

Personal API tokens (`Authorization: Bearer bt_…`) act as their officer, with exactly the scope of
the web pages: the same `access` conditions, and 404 for anything out of scope.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Generic, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from admin.deps import ReadSession, RuntimeDep
from admin.params import DbId, Offset
from core.accounts import access, tokens, totp
from core.airing import clusters as clusteradmin
from core.airing.models import Plan, Play
from core.errors import NotFound
from core.org import service as org
from core.review import library
from core.review import queue as reviewqueue
from core.review.models import ContentItem
from core.types import utcnow

router = APIRouter(prefix="/api/v1", tags=["api"])
bearer = HTTPBearer(auto_error=False, description="A personal API token made on the account page (bt_…)")


def api_scope(request: Request, session: ReadSession, runtime: RuntimeDep,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> access.Scope:
    """The token's officer and scope; 401 for a missing, unknown, expired or revoked token."""
    officer = tokens.officer_for(session, token=credentials.credentials) if credentials else None
    if officer is None or credentials is None:
        raise HTTPException(status_code=401, detail="a valid API token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    if totp.required_for(officer) and not officer.totp_secret:  # a token is no way past the second factor
        raise HTTPException(status_code=401, detail="enrol a second factor first",
                            headers={"WWW-Authenticate": "Bearer"})
    request.state.officer = officer
    _touch(runtime, credentials.credentials)
    return access.scope_of(session, officer=officer, on=runtime.settings.today())


def _touch(runtime, token: str) -> None:
    with runtime.db.unit_of_work() as session:
        tokens.touch(session, token=token, now=utcnow())


ApiScope = Annotated[access.Scope, Depends(api_scope)]


class SubmissionOut(BaseModel):
    id: int
    code: str | None
    state: str
    kind: str | None
    category: str | None
    title: str | None
    caption: str | None
    language: str | None
    is_emergency: bool
    unit_id: int
    officer_id: int
    channel: str
    target_kind: str | None
    target_cluster_id: int | None
    received_at: datetime | None


class ContentItemOut(BaseModel):
    id: int
    submission_id: int | None
    unit_id: int
    title: str
    description: str | None
    kind: str
    category: str
    languages: list[str]
    priority: str
    valid_from: datetime
    valid_to: datetime
    is_active: bool
    approved_at: datetime | None
    cluster_ids: list[int] = []


class ClusterOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    operator_unit_id: int
    commune_unit_id: int | None
    location: str | None
    ad_cap_percent: float
    is_active: bool


class BoardOut(BaseModel):
    id: int
    code: str
    name: str
    cluster_id: int
    location: str | None
    resolution: str | None
    status: str
    last_seen_at: datetime | None
    is_active: bool


class UnitOut(BaseModel):
    id: int
    code: str
    name: str
    short_name: str | None
    kind: str
    valid_from: date | None
    valid_to: date | None
    successor_id: int | None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    total: int
    items: list[T]


@router.get("/submissions", response_model=Page[SubmissionOut])
def submissions(session: ReadSession, scope: ApiScope, state: str = "", category: str = "",
                limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Offset = 0) -> dict:
    """Submissions in the token owner's scope, newest first; `state=waiting` for the review queue."""
    total, rows = reviewqueue.page(session, scope=scope, filters=reviewqueue.Filters(state=state, category=category),
                                   offset=offset, limit=limit)
    return {"total": total, "items": [r.model_dump() for r in rows]}


@router.get("/submissions/{submission_id}", response_model=SubmissionOut)
def submission(session: ReadSession, scope: ApiScope, submission_id: DbId) -> dict:
    return access.get_submission_for(session, scope=scope, submission_id=submission_id).model_dump()


def _item_out(session, item: ContentItem) -> dict:
    return {**item.model_dump(), "cluster_ids": library.clusters_of(session, item_id=item.id)}  # type: ignore[arg-type]


@router.get("/content-items", response_model=Page[ContentItemOut])
def content_items(session: ReadSession, scope: ApiScope, runtime: RuntimeDep, q: str = "", category: str = "",
                  page: Annotated[int, Query(ge=1)] = 1) -> dict:
    """Approved content items in scope; `q` matches words with or without diacritics."""
    rows, total = library.search(session, scope=scope, query=library.Query(text=q, category=category, page=page),
                                 tz=runtime.settings.tz)
    return {"total": total, "items": [_item_out(session, i) for i, _u in rows]}


@router.get("/content-items/{item_id}", response_model=ContentItemOut)
def content_item(session: ReadSession, scope: ApiScope, item_id: DbId) -> dict:
    return _item_out(session, access.get_item_for(session, scope=scope, item_id=item_id))


@router.get("/clusters", response_model=list[ClusterOut])
def clusters(session: ReadSession, scope: ApiScope, runtime: RuntimeDep) -> list:
    found = clusteradmin.visible_clusters(session, officer=scope.officer, on=runtime.settings.today())
    return [c.model_dump() for c in sorted(found, key=lambda c: c.code)]


@router.get("/clusters/{cluster_id}", response_model=ClusterOut)
def cluster(session: ReadSession, scope: ApiScope, runtime: RuntimeDep, cluster_id: DbId) -> dict:
    return access.get_cluster_for(session, officer=scope.officer, cluster_id=cluster_id,
                                  on=runtime.settings.today()).model_dump()


@router.get("/boards", response_model=list[BoardOut])
def boards(session: ReadSession, scope: ApiScope, runtime: RuntimeDep) -> list:
    return [b.model_dump()
            for b in clusteradmin.visible_boards(session, officer=scope.officer, on=runtime.settings.today())]


@router.get("/units", response_model=list[UnitOut])
def units(session: ReadSession, scope: ApiScope, all: bool = False) -> list:
    """Units in force today (`all=true`: merged ones too, with their successors)."""
    if scope.role == "contributor":
        raise NotFound("not found")
    return [u.model_dump() for u in org.list_units(session, on=None if all else datetime.now(UTC).date())]



# -- airing records for the provincial source information system (plans, plays, incidents) ---------------------
class PlanOut(BaseModel):
    id: int
    board_id: int
    day: date
    version: int
    entries: list[dict]
    checksum: str
    flags: list[str]
    built_at: datetime


class PlayOut(BaseModel):
    id: int
    board_id: int
    content_item_id: int | None
    emergency_id: int | None
    started_at: datetime
    ended_at: datetime


class IncidentOut(BaseModel):
    id: int
    number: str | None
    kind: str
    status: str
    board_id: int | None
    cluster_id: int | None
    title: str
    place: str | None
    opened_at: datetime
    ack_due_at: datetime | None
    acknowledged_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    resolution: str | None


def _visible_boards(session, scope: access.Scope, on: date) -> list[int]:
    return [b.id for b in clusteradmin.visible_boards(session, officer=scope.officer, on=on) if b.id is not None]


@router.get("/plans", response_model=list[PlanOut])
def plans(session: ReadSession, scope: ApiScope, runtime: RuntimeDep, day: date | None = None,
          board_id: int | None = None) -> list:
    """The latest plan version of each visible board for `day` (local; default today)."""

    boards_in = _visible_boards(session, scope, runtime.settings.today())
    if board_id is not None:
        boards_in = [b for b in boards_in if b == board_id]
    day = day or runtime.settings.today()
    rows = session.exec(select(Plan).where(col(Plan.board_id).in_(boards_in), Plan.day == day)
                        .order_by(col(Plan.board_id), col(Plan.version).desc())).all() if boards_in else []
    latest: dict[int, object] = {}
    for row in rows:
        latest.setdefault(row.board_id, row)
    return [p.model_dump() for p in latest.values()]  # type: ignore[attr-defined]


@router.get("/plays", response_model=Page[PlayOut])
def plays(session: ReadSession, scope: ApiScope, runtime: RuntimeDep, start: date, end: date,
          board_id: int | None = None, after_id: Annotated[int, Query(ge=0)] = 0,
          limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> dict:
    """Proof of play of visible boards between two local days, in id order; page with `after_id`."""
    from core.airing.plans import local_bounds

    if end < start or (end - start).days > 366:
        raise HTTPException(status_code=422, detail="choose at most a year, the end not before the start")
    boards_in = _visible_boards(session, scope, runtime.settings.today())
    if board_id is not None:
        boards_in = [b for b in boards_in if b == board_id]
    lo, _ = local_bounds(start, runtime.settings.tz)
    _, hi = local_bounds(end, runtime.settings.tz)
    where = [col(Play.board_id).in_(boards_in), col(Play.started_at) >= lo, col(Play.started_at) < hi]
    total = session.exec(select(func.count()).select_from(Play).where(*where)).one() if boards_in else 0
    rows = session.exec(select(Play).where(*where, col(Play.id) > after_id).order_by(col(Play.id))
                        .limit(limit)).all() if boards_in else []
    return {"total": total, "items": [r.model_dump() for r in rows]}


@router.get("/incidents", response_model=list[IncidentOut])
def incident_list(session: ReadSession, scope: ApiScope, runtime: RuntimeDep, status: str = "") -> list:
    """Incidents the token's officer may see (the same rule as the incidents page), newest first."""
    from core.incidents import service as incidents

    if scope.role in ("contributor", "translator"):
        raise NotFound("not found")
    return [i.model_dump() for i in incidents.listing(session, officer=scope.officer, on=runtime.settings.today(),
                                                      status=status or None)]
