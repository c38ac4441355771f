"""The JSON documents sent to the source information system (shapes documented in the README)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from core.airing import compliance
from core.airing.models import Board, Cluster, Incident, Play
from core.airing.plans import local_bounds
from core.exchange.port import Document
from core.intake.models import MediaAsset, SubtitleTrack
from core.org.models import Unit
from core.review.models import ContentItem, ContentTarget

SCHEMA = "bangtin.exchange/1"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _targets(session: Session, item_id: int) -> list[dict[str, Any]]:
    out = []
    for target, cluster in session.exec(
        select(ContentTarget, Cluster)
        .join(Cluster, col(Cluster.id) == ContentTarget.cluster_id, isouter=True)
        .where(ContentTarget.content_item_id == item_id)
        .order_by(col(ContentTarget.id))
    ).all():
        out.append(
            {
                "kind": target.target_kind,
                "cluster": cluster.code if cluster else None,
                "cluster_name": cluster.name if cluster else None,
                "cluster_kind": target.cluster_kind,
                "board_id": target.board_id,
            }
        )
    return out


def item_document(session: Session, *, item: ContentItem, base_url: str) -> Document:
    """An approved item as it is now: metadata, languages, category, period, clusters, media with checksums."""
    unit = session.get(Unit, item.unit_id)
    media: list[dict[str, Any]] = []
    if item.media_asset_id:
        asset = session.get(MediaAsset, item.media_asset_id)
        if asset is not None:
            media.append(
                {
                    "role": "main",
                    "kind": asset.kind,
                    "mime": asset.mime,
                    "sha256": asset.sha256,
                    "size_bytes": asset.size_bytes,
                    "duration_s": asset.duration_s,
                    "url": f"{base_url}/media/{asset.sha256}",
                }
            )
    if item.submission_id:
        for track in session.exec(
            select(SubtitleTrack)
            .where(SubtitleTrack.submission_id == item.submission_id)
            .order_by(col(SubtitleTrack.id))
        ).all():
            media.append(
                {
                    "role": "subtitles",
                    "kind": track.kind,
                    "language": track.language,
                    "mime": "text/vtt",
                    "sha256_text": hashlib.sha256(track.vtt.encode()).hexdigest(),
                    "url": f"{base_url}/api/player/v1/subtitles/{track.id}",
                }
            )
    body = {
        "item_id": item.id,
        "title": item.title,
        "description": item.description,
        "body": item.body,
        "kind": item.kind,
        "category": item.category,
        "languages": list(item.languages or []),
        "priority": item.priority,
        "active": item.is_active,
        "unit": {"code": unit.code, "name": unit.name} if unit else None,
        "period": {"from": _iso(item.valid_from), "to": _iso(item.valid_to)},
        "approved_at": _iso(item.approved_at),
        "targets": _targets(session, item.id or 0),
        "media": media,
    }
    version = _digest(body)[:16]
    doc_id = f"item-{item.id}-{version}"
    payload = {"schema": SCHEMA, "type": "content_item", "id": doc_id, "version": version, **body}
    return Document(doc_id, "content_item", payload, [m["sha256"] for m in media if m.get("sha256")])


def figures_document(session: Session, *, day: date, settings: Any) -> Document:
    """Per board for one local day: minutes aired in each window part, items, emergencies, incidents."""
    cluster_ids = set(session.exec(select(Cluster.id)).all())
    rows = [
        r
        for r in compliance.figures(
            session, cluster_ids={c for c in cluster_ids if c is not None}, day_from=day, day_to=day, settings=settings
        )
        if r.board is not None
    ]
    start, end = local_bounds(day, settings.tz)
    counts: dict[int, tuple[set[int], set[int]]] = {}
    for board_id, item_id, emergency_id in session.exec(
        select(Play.board_id, Play.content_item_id, Play.emergency_id).where(
            col(Play.started_at) >= start, col(Play.started_at) < end
        )
    ).all():
        items, emergency_ids = counts.setdefault(board_id, (set(), set()))
        if item_id is not None:
            items.add(item_id)
        if emergency_id is not None:
            emergency_ids.add(emergency_id)
    incidents: dict[int, int] = {}
    for incident_board in session.exec(
        select(Incident.board_id).where(col(Incident.opened_at) >= start, col(Incident.opened_at) < end)
    ).all():
        if incident_board is not None:
            incidents[incident_board] = incidents.get(incident_board, 0) + 1
    boards = []
    for r in rows:
        board: Board = r.board  # type: ignore[assignment]
        items, emergency_ids = counts.get(board.id or 0, (set(), set()))
        boards.append(
            {
                "board": board.code,
                "board_name": board.name,
                "cluster": r.cluster.code,
                "hours": {
                    "morning": round(r.morning_min / 60, 3),
                    "afternoon": round(r.afternoon_min / 60, 3),
                    "total": round(r.aired_min / 60, 3),
                    "emergency": round(r.emergency_min / 60, 3),
                },
                "meets_3h_3h": r.compliant,
                "plays": r.plays,
                "items": len(items),
                "emergencies": len(emergency_ids),
                "incidents": incidents.get(board.id or 0, 0),
            }
        )
    payload = {
        "schema": SCHEMA,
        "type": "airing_figures",
        "id": f"figures-{day.isoformat()}",
        "day": day.isoformat(),
        "timezone": settings.timezone,
        "boards": boards,
    }
    return Document(payload["id"], "airing_figures", payload, [])
