"""Airing fixtures: the seeded demo, approved items made directly in the database, paired boards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from core.airing import boards, plans
from core.airing.models import Board, Cluster
from core.intake.models import MediaAsset, Submission
from core.org.models import Officer
from core.records import audit
from core.review.models import ContentItem, ContentTarget
from tests.admin.conftest import csrf_of, log_in, seeded, seeded_template  # noqa: F401  (fixtures and helpers)

TZ_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """A local wall-clock time in Lai Châu as a UTC-aware datetime."""
    return datetime.combine(day, time(hh, mm), tzinfo=UTC) - TZ_OFFSET


def make_item(rt, *, title: str = "Tin", kind: str = "video", category: str = "1", priority: str = "normal",
              seconds: float = 30.0, targets: list[dict] | None = None, languages: list[str] | None = None,
              valid_from: datetime | None = None, valid_to: datetime | None = None, officer: str | None = "congtacvien",
              body: str | None = None, payload: bytes | None = None) -> int:
    """An approved, active item with its media in the store (tests bypass the review queue)."""
    now = datetime.now(UTC)
    with rt.db.unit_of_work() as session:
        author = session.exec(select(Officer).where(Officer.username == officer)).first() if officer else None
        if author is None and officer:
            author = session.exec(select(Officer).where(Officer.role == "contributor")).first()
        submission_id = None
        if author is not None:
            sub = Submission(officer_id=author.id, unit_id=author.unit_id, channel="web", state="approved", title=title)
            session.add(sub)
            session.flush()
            submission_id = sub.id
        asset_id = None
        if kind != "text":
            data = payload or f"{title}-{kind}-{seconds}-{now.timestamp()}".encode()
            stored = rt.store.put_bytes(data)
            asset = MediaAsset(role="normalised", kind=kind, sha256=stored.sha256, size_bytes=stored.size_bytes,
                               mime={"video": "video/mp4", "image": "image/png", "audio": "audio/mpeg"}[kind],
                               duration_s=seconds if kind in {"video", "audio"} else None, submission_id=submission_id)
            session.add(asset)
            session.flush()
            asset_id = asset.id
        item = ContentItem(
            submission_id=submission_id,
            unit_id=author.unit_id if author else 1,
            title=title,
            body=body if kind == "text" else None,
            kind=kind,
            category=category,
            languages=languages or ["vi"],
            priority=priority,
            media_asset_id=asset_id,
            duration_s=seconds if kind in {"video", "audio"} else None,
            valid_from=valid_from or now - timedelta(days=1),
            valid_to=valid_to or now + timedelta(days=10),
        )
        session.add(item)
        session.flush()
        for target in targets or [{"target_kind": "all"}]:
            session.add(ContentTarget(content_item_id=item.id, **target))
        assert item.id is not None
        return item.id


def cluster_id(rt, code: str) -> int:
    with rt.db.reading() as session:
        return session.exec(select(Cluster).where(Cluster.code == code)).one().id


def board_id(rt, code: str) -> int:
    with rt.db.reading() as session:
        return session.exec(select(Board).where(Board.code == code)).one().id


def token_for(rt, code: str) -> str:
    with rt.db.unit_of_work() as session:
        return boards.issue_board_token(session, board_ref=code, actor=audit.SYSTEM)


def build(rt, day: date | None = None) -> dict:
    with rt.db.unit_of_work() as session:
        return plans.build_all_plans(session, day=day or rt.settings.today(), settings=rt.settings)


@pytest.fixture
def client(seeded) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
