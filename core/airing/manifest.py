"""What a board receives: its plans for today and the next 48 hours, the media they need, subtitles,
and the running emergency, under an ETag that changes exactly when any of those change."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.airing import emergencies
from core.airing.models import Board, Cluster, Plan
from core.airing.plans import HORIZON_DAYS
from core.intake.models import MediaAsset, SubtitleTrack
from core.review.models import ContentItem

FORMAT = 1
API = "/api/player/v1"
HEARTBEAT_SECONDS = 30
PLAYS_BATCH = 50

PlanRef = tuple[date, int, str]  # day, version, checksum


def horizon(settings: Any, now: datetime) -> list[date]:
    """The local days the manifest covers: today and the next two (today + 48 h)."""
    today = settings.today(now)
    return [today + timedelta(days=n) for n in range(HORIZON_DAYS)]


def latest_plan_refs(
    session: Session, *, board_ids: list[int], days: list[date]
) -> dict[int, list[tuple[int, PlanRef]]]:
    """For each board, (plan id, (day, version, checksum)) of the newest version of each day."""
    best: dict[tuple[int, date], tuple[int, int, str]] = {}
    for plan_id, board_id, day, version, checksum in session.execute(
        sa_select(col(Plan.id), col(Plan.board_id), col(Plan.day), col(Plan.version), col(Plan.checksum))
        .where(col(Plan.board_id).in_(board_ids), col(Plan.day).in_(days))
    ).tuples().all():
        if (board_id, day) not in best or version > best[(board_id, day)][1]:
            best[(board_id, day)] = (plan_id, version, checksum)
    out: dict[int, list[tuple[int, PlanRef]]] = {}
    for (board_id, day), (plan_id, version, checksum) in sorted(best.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        out.setdefault(board_id, []).append((plan_id, (day, version, checksum)))
    return out


def etag_for(*, board: Board, today: date, plans: list[PlanRef], emergency_refs: list[tuple[int, str]]) -> str:
    """The manifest's version: the same function serves the manifest route and the push channel."""
    parts = [str(FORMAT), str(board.id), board.token_hash or "", today.isoformat(),
             *(f"{d.isoformat()}:{v}:{c}" for d, v, c in plans), *(f"e{i}:{ends}" for i, ends in emergency_refs)]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def _emergency_refs(running: list[Any]) -> list[tuple[int, str]]:
    return [(e.id, e.ends_at.isoformat() if e.ends_at else "") for e in running]


def board_etag(session: Session, *, board: Board, settings: Any, now: datetime) -> str:
    """Two small queries: enough to answer 304 Not Modified without building the manifest."""
    days = horizon(settings, now)
    refs = latest_plan_refs(session, board_ids=[board.id or 0], days=days).get(board.id or 0, [])
    running = emergencies.active_for_cluster(session, cluster_id=board.cluster_id, now=now)
    return etag_for(board=board, today=days[0], plans=[r for _, r in refs], emergency_refs=_emergency_refs(running))


def _item_ids(plans: list[Plan]) -> set[int]:
    return {slot[0] for plan in plans for window in plan.entries for slot in window["slots"]}


def _describe_items(session: Session, item_ids: set[int]) -> dict[str, dict[str, Any]]:
    if not item_ids:
        return {}
    items = session.exec(select(ContentItem).where(col(ContentItem.id).in_(sorted(item_ids)))).all()
    asset_ids = [i.media_asset_id for i in items if i.media_asset_id]
    assets = (
        {a.id: a for a in session.exec(select(MediaAsset).where(col(MediaAsset.id).in_(asset_ids))).all()}
        if asset_ids
        else {}
    )
    submission_ids = [i.submission_id for i in items if i.submission_id]
    tracks: dict[int, list[SubtitleTrack]] = {}
    if submission_ids:
        for track in session.exec(select(SubtitleTrack).where(col(SubtitleTrack.submission_id).in_(submission_ids))
                                  .order_by(col(SubtitleTrack.language), col(SubtitleTrack.id))).all():
            tracks.setdefault(track.submission_id, []).append(track)
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        asset = assets.get(item.media_asset_id) if item.media_asset_id else None
        out[str(item.id)] = {
            "id": item.id, "title": item.title, "kind": item.kind, "category": item.category,
            "languages": item.languages, "priority": item.priority, "body": item.body if item.kind == "text" else None,
            "media": None if asset is None else {
                "url": f"{API}/media/{asset.sha256}", "sha256": asset.sha256, "size": asset.size_bytes,
                "mime": asset.mime, "duration_s": asset.duration_s},
            "subtitles": [{"language": t.language, "kind": t.kind, "url": f"{API}/subtitles/{t.id}",
                           "version": hashlib.sha256(t.vtt.encode()).hexdigest()[:16]}
                          for t in tracks.get(item.submission_id or 0, [])] if item.kind == "video" else [],
        }
    return out


def build_manifest(session: Session, *, board: Board, settings: Any, now: datetime) -> tuple[str, dict[str, Any]]:
    """(ETag, manifest) for one board; a board with nothing approved gets a valid, idle manifest."""
    days = horizon(settings, now)
    refs = latest_plan_refs(session, board_ids=[board.id or 0], days=days).get(board.id or 0, [])
    plans = [session.get(Plan, plan_id) for plan_id, _ in refs]
    running = emergencies.active_for_cluster(session, cluster_id=board.cluster_id, now=now)
    etag = etag_for(board=board, today=days[0], plans=[r for _, r in refs], emergency_refs=_emergency_refs(running))
    item_ids = _item_ids([p for p in plans if p])
    emergency = running[0] if running else None
    if emergency and emergency.content_item_id:
        item_ids.add(emergency.content_item_id)
    cluster = session.get(Cluster, board.cluster_id)
    manifest = {
        "format": FORMAT,
        "etag": etag,
        "server_time": now.isoformat(),
        "timezone": settings.timezone,
        "board": {"code": board.code, "name": board.name, "cluster": cluster.code if cluster else None,
                  "cluster_kind": cluster.kind if cluster else None},
        "heartbeat_s": HEARTBEAT_SECONDS,
        "plays_batch": PLAYS_BATCH,
        "days": [{"day": p.day.isoformat(), "version": p.version, "checksum": p.checksum, "flags": p.flags,
                  "windows": p.entries} for p in plans if p],
        "items": _describe_items(session, item_ids),
        "emergency": None if emergency is None else {
            "id": emergency.id, "text": emergency.text, "item": emergency.content_item_id,
            "started_at": emergency.started_at.isoformat(),
            "ends_at": emergency.ends_at.isoformat() if emergency.ends_at else None},
    }
    return etag, manifest


def given_items(session: Session, *, board: Board, settings: Any, now: datetime) -> set[int]:
    """Items the board's current manifest carries (its plans and its running emergency)."""
    refs = latest_plan_refs(session, board_ids=[board.id or 0], days=horizon(settings, now)).get(board.id or 0, [])
    ids = _item_ids([p for p in (session.get(Plan, i) for i, _ in refs) if p])
    ids |= {e.content_item_id for e in emergencies.active_for_cluster(session, cluster_id=board.cluster_id, now=now)
            if e.content_item_id}
    return ids


def media_for(session: Session, *, board: Board, sha256: str, settings: Any, now: datetime) -> MediaAsset | None:
    """The asset if an item of this board's manifest uses it; None otherwise (another board's media)."""
    ids = given_items(session, board=board, settings=settings, now=now)
    if not ids:
        return None
    return session.exec(select(MediaAsset).join(ContentItem, col(ContentItem.media_asset_id) == col(MediaAsset.id))
                        .where(MediaAsset.sha256 == sha256, col(ContentItem.id).in_(sorted(ids)))).first()


def subtitle_for(
    session: Session, *, board: Board, track_id: int, settings: Any, now: datetime
) -> SubtitleTrack | None:
    """The subtitle track if it belongs to an item of this board's manifest."""
    track = session.get(SubtitleTrack, track_id)
    if track is None:
        return None
    ids = given_items(session, board=board, settings=settings, now=now)
    hit = session.exec(select(ContentItem.id).where(ContentItem.submission_id == track.submission_id,
                                                    col(ContentItem.id).in_(sorted(ids)))).first() if ids else None
    return track if hit else None
