"""What boards report: proof of play (the airing log, exactly once per play id) and heartbeats."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from core.airing import emergencies
from core.airing.models import Board, Cluster, Emergency, Heartbeat, Plan, Play
from core.airing.notices import notify_once
from core.errors import BangtinError, Invalid
from core.incidents import health
from core.intake.models import Submission
from core.org.models import Officer
from core.review.models import ContentItem
from core.types import utcnow

MAX_BATCH = 500
FUTURE_TOLERANCE = timedelta(minutes=2)
LONGEST_PLAY = timedelta(hours=12)
HEARTBEAT_MIN_INTERVAL = timedelta(seconds=5)
UID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


class TooSoon(BangtinError):
    """A heartbeat came before the minimum interval: the board floods."""


def _time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("bad_time")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("time_without_zone")
    return moment


def _int_or_none(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("bad_id")
    return int(value)


def _given_items(session: Session, *, board: Board, days: set[date]) -> set[int]:
    """Every item any version of the board's plans for these days carried."""
    around = {d + timedelta(days=k) for d in days for k in (-1, 0, 1)}
    ids: set[int] = set()
    for entries in session.exec(
        select(Plan.entries).where(Plan.board_id == board.id, col(Plan.day).in_(sorted(around)))
    ).all():
        ids.update(slot[0] for window in entries for slot in window["slots"])
    return ids


def _parse(raw: Any, *, now: datetime, oldest: datetime) -> tuple[str, int | None, int | None, datetime, datetime]:
    if not isinstance(raw, dict):
        raise ValueError("not_an_object")
    uid = raw.get("uid")
    if not isinstance(uid, str) or not UID.match(uid):
        raise ValueError("bad_uid")
    item_id, emergency_id = _int_or_none(raw.get("item")), _int_or_none(raw.get("emergency"))
    if item_id is None and emergency_id is None:
        raise ValueError("no_item")
    started, ended = _time(raw.get("started_at")), _time(raw.get("ended_at"))
    if ended < started or ended - started > LONGEST_PLAY:
        raise ValueError("bad_interval")
    if ended > now + FUTURE_TOLERANCE:
        raise ValueError("in_the_future")
    if started < oldest:
        raise ValueError("too_old")
    return uid, item_id, emergency_id, started, ended


def record_plays(session: Session, *, board: Board, plays: list[Any], settings: Any) -> dict[str, Any]:
    """Store a batch of plays; a resent play id is a duplicate, a bad play is reported, the rest kept."""
    if len(plays) > MAX_BATCH:
        raise Invalid(f"at most {MAX_BATCH} plays per batch", field="plays")
    now = utcnow()
    oldest = now - timedelta(days=settings.airing_retention_days)
    accepted: list[Play] = []
    duplicates: list[str] = []
    rejected: list[dict[str, str]] = []
    parsed: list[tuple[str, int | None, int | None, datetime, datetime]] = []
    for raw in plays:
        try:
            parsed.append(_parse(raw, now=now, oldest=oldest))
        except ValueError as exc:
            uid = raw.get("uid") if isinstance(raw, dict) and isinstance(raw.get("uid"), str) else None
            rejected.append({"uid": (uid or "")[:64], "reason": str(exc) if str(exc).isidentifier() else "bad_time"})
    uids = [p[0] for p in parsed]
    known = (
        set(session.exec(select(Play.play_uid).where(Play.board_id == board.id, col(Play.play_uid).in_(uids))).all())
        if uids
        else set()
    )
    given = (
        _given_items(session, board=board, days={p[3].astimezone(settings.tz).date() for p in parsed})
        if parsed
        else set()
    )
    emergency_ids = {p[2] for p in parsed if p[2] is not None}
    reached = (
        {
            e.id: e
            for e in session.exec(select(Emergency).where(col(Emergency.id).in_(sorted(emergency_ids)))).all()
            if emergencies.reaches(session, emergency=e, cluster_id=board.cluster_id)
        }
        if emergency_ids
        else {}
    )
    for uid, item_id, emergency_id, started, ended in parsed:
        if uid in known:
            duplicates.append(uid)
            continue
        reason = None
        if emergency_id is not None:
            emergency = reached.get(emergency_id)
            if emergency is None:
                reason = "emergency_not_for_this_board"
            elif item_id is not None and item_id != emergency.content_item_id:
                reason = "item_not_given"
            elif ended < emergency.started_at - FUTURE_TOLERANCE:
                reason = "before_emergency"
        elif item_id not in given:
            reason = "item_not_given"
        if reason:
            rejected.append({"uid": uid, "reason": reason})
            continue
        known.add(uid)
        accepted.append(Play(board_id=board.id or 0, play_uid=uid, content_item_id=item_id, emergency_id=emergency_id,
                             started_at=started, ended_at=ended, received_at=now))
    first_items = _first_plays(session, plays=accepted)
    session.add_all(accepted)
    session.flush()
    _notify_first(session, board=board, firsts=first_items, settings=settings)
    return {"accepted": [p.play_uid for p in accepted], "duplicates": duplicates, "rejected": rejected}


def _first_plays(session: Session, *, plays: list[Play]) -> dict[int, Play]:
    """Items of the batch that never aired before, with their earliest play in it."""
    earliest: dict[int, Play] = {}
    for play in plays:
        if play.content_item_id is not None and (play.content_item_id not in earliest
                                                  or play.started_at < earliest[play.content_item_id].started_at):
            earliest[play.content_item_id] = play
    if earliest:
        aired = set(session.exec(select(Play.content_item_id).where(col(Play.content_item_id).in_(sorted(earliest)))
                                 .distinct()).all())
        earliest = {i: p for i, p in earliest.items() if i not in aired}
    return earliest


def _notify_first(session: Session, *, board: Board, firsts: dict[int, Play], settings: Any) -> None:
    if not firsts:
        return
    cluster = session.get(Cluster, board.cluster_id)
    for item, submission in session.exec(
        select(ContentItem, Submission)
        .join(Submission, col(ContentItem.submission_id) == col(Submission.id))
        .where(col(ContentItem.id).in_(sorted(firsts)))
    ).all():
        person = session.get(Officer, submission.officer_id)
        if person is None or not person.is_active:
            continue
        play = firsts[item.id or 0]
        notify_once(session, event="play.first", object_key=str(item.id), officer=person, object_type="content_item",
                    object_id=item.id, payload={
                        "title": item.title, "board": board.code, "board_name": board.name,
                        "cluster": cluster.code if cluster else None, "cluster_name": cluster.name if cluster else None,
                        "started_at": play.started_at.isoformat(),
                        "started_local": play.started_at.astimezone(settings.tz).strftime("%H:%M %d/%m/%Y")})


def record_heartbeat(session: Session, *, board: Board, data: dict[str, Any]) -> Heartbeat:
    """Store what the board says about itself; a board that returns closes its offline incident."""
    now = utcnow()
    last = session.exec(select(Heartbeat.received_at).where(Heartbeat.board_id == board.id)
                        .order_by(col(Heartbeat.received_at).desc()).limit(1)).first()
    if last is not None and now - last < HEARTBEAT_MIN_INTERVAL:
        raise TooSoon("heartbeats come at most every 5 seconds")
    player_time = None
    if data.get("player_time") is not None:
        try:
            player_time = _time(data.get("player_time"))
        except ValueError as exc:
            raise Invalid("player_time must be an ISO time with its zone", field="player_time") from exc
    playing = data.get("playing_item")
    if not isinstance(playing, int) or isinstance(playing, bool) or session.get(ContentItem, playing) is None:
        playing = None
    cached = data.get("cached_ratio")
    free = data.get("free_bytes")
    version = data.get("app_version")
    beat = Heartbeat(
        board_id=board.id or 0,
        received_at=now,
        player_time=player_time,
        clock_skew_s=round((player_time - now).total_seconds(), 3) if player_time else None,
        playing_item_id=playing,
        cached_ratio=min(1.0, max(0.0, float(cached)))
        if isinstance(cached, int | float) and not isinstance(cached, bool)
        else None,
        free_bytes=int(free) if isinstance(free, int) and not isinstance(free, bool) and free >= 0 else None,
        app_version=version[:40] if isinstance(version, str) else None,
    )
    board.last_seen_at = now
    board.status = "online"
    if beat.app_version:
        board.app_version = beat.app_version
    session.add_all([beat, board])
    session.flush()
    health.board_returned(session, board=board, now=now)
    return beat
