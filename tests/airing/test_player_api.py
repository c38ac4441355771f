"""The player API through HTTP: tokens, pairing, manifest with ETag, media, plays, heartbeats, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.airing import boards
from core.airing.models import Heartbeat, Play
from core.notify.models import Notification
from core.records import audit
from core.records.models import AuditEvent
from tests.airing.conftest import auth, build, cluster_id, make_item, token_for


def _play(uid: str, item: int | None, minutes_ago: float = 5, seconds: float = 30, **extra) -> dict:
    start = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {"uid": uid, "item": item, "started_at": start.isoformat(),
            "ended_at": (start + timedelta(seconds=seconds)).isoformat(), **extra}


def test_nothing_works_without_a_valid_board_token(client, seeded):
    for method, path in (("get", "/manifest"), ("post", "/plays"), ("post", "/heartbeat"), ("get", "/events"),
                         ("get", "/media/" + "0" * 64), ("get", "/time")):
        assert getattr(client, method)("/api/player/v1" + path).status_code == 401
        assert getattr(client, method)("/api/player/v1" + path, headers=auth("bt_forged")).status_code == 401
    old = token_for(seeded, "MLT-01")
    new = token_for(seeded, "MLT-01")  # `bangtin boards token`: the old one is revoked at once
    assert client.get("/api/player/v1/manifest", headers=auth(old)).status_code == 401
    assert client.get("/api/player/v1/manifest", headers=auth(new)).status_code == 200
    with seeded.db.reading() as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert actions.count("board.token_issued") == 2


def test_a_player_pairs_by_code_entered_by_an_operator(client, seeded):
    started = client.post("/api/player/v1/pairings")
    assert started.status_code == 201
    code, claim = started.json()["code"], started.json()["claim"]
    assert len(code) == 6
    assert client.post("/api/player/v1/pairings/claim", json={"claim": claim}).status_code == 202
    with seeded.db.unit_of_work() as session:
        board = boards.find_board(session, board_ref="Bảng tin quảng trường")  # exact name works too
        boards.pair_board(session, code=code.lower(), board=board, actor=audit.SYSTEM)
    paired = client.post("/api/player/v1/pairings/claim", json={"claim": claim})
    assert paired.status_code == 200 and paired.json()["board"]["code"] == "TANPHONG-01"
    token = paired.json()["token"]
    assert client.get("/api/player/v1/manifest", headers=auth(token)).json()["board"]["code"] == "TANPHONG-01"
    assert client.post("/api/player/v1/pairings/claim", json={"claim": claim}).status_code == 404  # used once


def test_manifest_has_plans_media_and_subtitles_with_an_etag(client, seeded):
    item = make_item(seeded, title="Phòng chống cháy rừng", seconds=45)
    build(seeded)
    token = token_for(seeded, "MLT-01")
    first = client.get("/api/player/v1/manifest", headers=auth(token))
    assert first.status_code == 200
    body = first.json()
    assert [d["day"] for d in body["days"]] == [
        (seeded.settings.today() + timedelta(days=n)).isoformat() for n in range(3)
    ]
    media = body["items"][str(item)]["media"]
    assert media["sha256"] and media["size"] > 0 and media["url"].endswith(media["sha256"])
    assert body["emergency"] is None and body["timezone"] == "Asia/Ho_Chi_Minh"
    etag = first.headers["etag"]
    again = client.get("/api/player/v1/manifest", headers={**auth(token), "If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag
    downloaded = client.get(media["url"], headers=auth(token))
    assert downloaded.status_code == 200 and len(downloaded.content) == media["size"]
    # a new item changes the plan, so the manifest's version
    make_item(seeded, title="Mới", seconds=20)
    build(seeded)
    assert client.get("/api/player/v1/manifest", headers={**auth(token), "If-None-Match": etag}).status_code == 200


def test_one_board_cannot_read_another_boards_media(client, seeded):
    item = make_item(
        seeded,
        title="Chỉ Tân Phong",
        targets=[{"target_kind": "cluster", "cluster_id": cluster_id(seeded, "TANPHONG")}],
    )
    build(seeded)
    mine, other = token_for(seeded, "TANPHONG-01"), token_for(seeded, "MLT-01")
    url = client.get("/api/player/v1/manifest", headers=auth(mine)).json()["items"][str(item)]["media"]["url"]
    assert client.get(url, headers=auth(mine)).status_code == 200
    assert client.get(url, headers=auth(other)).status_code == 404
    assert str(item) not in client.get("/api/player/v1/manifest", headers=auth(other)).json()["items"]


def test_a_board_with_nothing_approved_gets_a_valid_idle_manifest(client, seeded):
    token = token_for(seeded, "DOANKET-01")
    body = client.get("/api/player/v1/manifest", headers=auth(token)).json()
    assert body["items"] == {} and body["emergency"] is None and body["days"] == []
    build(seeded)
    days = client.get("/api/player/v1/manifest", headers=auth(token)).json()["days"]
    assert len(days) == 3 and all(w["slots"] == [] for d in days for w in d["windows"])


def test_plays_are_stored_once_and_bad_ones_reported_with_the_rest_kept(client, seeded):
    item = make_item(seeded, title="Tin hay", seconds=30)
    foreign = make_item(seeded, title="Không cho bảng này",
                        targets=[{"target_kind": "cluster", "cluster_id": cluster_id(seeded, "TANPHONG")}])
    build(seeded)
    token = token_for(seeded, "MLT-01")
    batch = [
        _play("play-0001-aaaa", item),
        _play("play-0002-aaaa", item, minutes_ago=4),
        _play("play-0003-aaaa", foreign),
        _play("play-0004-aaaa", item, minutes_ago=-60),
        _play("play-0005-aaaa", item, minutes_ago=60 * 24 * 365 * 2),
        {"uid": "x"},
        "garbage",
        _play("play-0006-aaaa", item, seconds=-5),
        {**_play("play-0007-aaaa", item), "started_at": "2026-01-01T10:00:00"},
    ]
    result = client.post("/api/player/v1/plays", json={"plays": batch}, headers=auth(token)).json()
    assert result["accepted"] == ["play-0001-aaaa", "play-0002-aaaa"]
    reasons = {r["uid"]: r["reason"] for r in result["rejected"]}
    assert reasons["play-0003-aaaa"] == "item_not_given" and reasons["play-0004-aaaa"] == "in_the_future"
    assert reasons["play-0005-aaaa"] == "too_old" and reasons["play-0006-aaaa"] == "bad_interval"
    assert reasons["play-0007-aaaa"] == "time_without_zone" and reasons["x"] == "bad_uid"
    resent = client.post("/api/player/v1/plays", json={"plays": batch[:2]}, headers=auth(token)).json()
    assert resent["accepted"] == [] and resent["duplicates"] == ["play-0001-aaaa", "play-0002-aaaa"]
    with seeded.db.reading() as session:
        assert len(session.exec(select(Play)).all()) == 2
        first = session.exec(select(Notification).where(Notification.event == "play.first")).all()
    assert [n.dedupe_key.split(":")[2] for n in first] == [str(item)]  # the officer is told once


def test_huge_or_malformed_batches_are_refused_with_a_clear_status(client, seeded):
    token = token_for(seeded, "MLT-01")
    url = "/api/player/v1/plays"
    assert (
        client.post(url, content=b"{not json", headers={**auth(token), "content-type": "application/json"}).status_code
        == 400
    )
    assert client.post(url, json={"plays": "no"}, headers=auth(token)).status_code == 422
    assert client.post(url, json={"plays": [{}] * 501}, headers=auth(token)).status_code == 413
    assert client.post(url, content=b"x" * 1_100_000, headers=auth(token)).status_code == 413


def test_heartbeat_records_clock_skew_and_refuses_a_flood(client, seeded):
    token = token_for(seeded, "MLT-01")
    slow_clock = (datetime.now(UTC) - timedelta(minutes=3)).isoformat()
    beat = client.post("/api/player/v1/heartbeat", headers=auth(token), json={
        "player_time": slow_clock, "cached_ratio": 0.5, "free_bytes": 10**9, "app_version": "player-1"})
    assert beat.status_code == 200 and -181 < beat.json()["clock_skew_s"] < -179
    flood = client.post("/api/player/v1/heartbeat", headers=auth(token), json={})
    assert flood.status_code == 429 and flood.headers["retry-after"] == "5"
    with seeded.db.reading() as session:
        assert len(session.exec(select(Heartbeat)).all()) == 1
        board = boards.find_board(session, board_ref="MLT-01")
    assert board.status == "online" and board.app_version == "player-1"
