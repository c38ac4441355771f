"""The player API (`/api/player/v1/`): board tokens only (Authorization: Bearer), no cookies, no CSRF."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from admin.deps import ReadSession, RuntimeDep, WriteSession
from admin.params import DbId
from core.airing import boards, emergencies, manifest
from core.airing import plays as airing
from core.airing.models import Board
from core.errors import Invalid, NotFound

router = APIRouter(prefix="/api/player/v1", tags=["player"])
MAX_BODY = 1_000_000  # a batch of 500 plays is far below this


def bearer(request: Request) -> str:
    value = request.headers.get("authorization", "")
    if not value.lower().startswith("bearer "):
        raise HTTPException(401, "a board token is required", headers={"WWW-Authenticate": "Bearer"})
    return value[7:].strip()


Token = Annotated[str, Depends(bearer)]


def board_of(session: Session, token: str) -> Board:
    board = boards.authenticate_board(session, token=token)
    if board is None:
        raise HTTPException(401, "unknown or revoked board token", headers={"WWW-Authenticate": "Bearer"})
    return board


def authenticated(runtime: RuntimeDep, token: Token) -> Board:
    """The board of the token, checked before any request body is read. Its own short session: a
    session held until the response would pin a second pooled connection per write request."""
    with runtime.db.reading() as session:
        return board_of(session, token)


AuthBoard = Annotated[Board, Depends(authenticated)]


def reload(session: Session, board: Board) -> Board:
    """The same board inside a writing unit of work."""
    fresh = session.get(Board, board.id)
    if fresh is None or fresh.token_hash != board.token_hash:
        raise HTTPException(401, "unknown or revoked board token")
    return fresh


async def json_body(request: Request, *, limit: int = MAX_BODY) -> Any:
    if int(request.headers.get("content-length") or 0) > limit:
        raise HTTPException(413, "request body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:  # a lying or missing Content-Length: stop reading at the limit
            raise HTTPException(413, "request body too large")
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        return json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(400, "malformed JSON") from exc


def _now() -> datetime:
    return datetime.now(UTC)


@router.post("/pairings", status_code=201)
def start_pairing(request: Request, session: WriteSession) -> dict[str, Any]:
    try:
        code, claim = boards.start_pairing(session, address=request.client.host if request.client else None)
    except Invalid as exc:
        raise HTTPException(429, str(exc)) from exc
    return {"code": code, "claim": claim, "expires_in": int(boards.PAIRING_TTL.total_seconds())}


@router.post("/pairings/claim")
async def claim_pairing(request: Request, runtime: RuntimeDep) -> JSONResponse:
    body = await json_body(request, limit=4096)
    claim = body.get("claim") if isinstance(body, dict) else None
    if not isinstance(claim, str) or not 10 < len(claim) < 100:
        raise HTTPException(422, "claim is required")

    def work() -> JSONResponse:
        with runtime.db.unit_of_work() as session:
            try:
                result = boards.claim_pairing(session, claim=claim)
            except boards.PairingExpired as exc:
                raise HTTPException(410, str(exc)) from exc
            except NotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            if result is None:
                return JSONResponse({"status": "waiting"}, status_code=202)
            token, board = result
            return JSONResponse({"status": "paired", "token": token, "board": {"code": board.code, "name": board.name}})

    return await run_in_threadpool(work)


@router.get("/manifest")
def get_manifest(request: Request, session: ReadSession, token: Token, runtime: RuntimeDep) -> Response:
    board = board_of(session, token)
    now = _now()
    headers = {"Cache-Control": "no-cache", "X-Server-Time": now.isoformat()}
    etag = manifest.board_etag(session, board=board, settings=runtime.settings, now=now)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag, **headers})
    etag, body = manifest.build_manifest(session, board=board, settings=runtime.settings, now=now)
    return JSONResponse(body, headers={"ETag": etag, **headers})


@router.get("/media/{sha256}")
def get_media(sha256: str, session: ReadSession, token: Token, runtime: RuntimeDep) -> Response:
    board = board_of(session, token)
    asset = manifest.media_for(session, board=board, sha256=sha256.lower(), settings=runtime.settings, now=_now())
    if asset is None or not runtime.store.exists(asset.sha256):
        raise HTTPException(404, "no such media in this board's manifest")
    from admin.views.media import SANDBOX_HEADERS, safe_type

    # Same rule as /media/{id}: only media types, never markup, and nothing the browser would run.
    return FileResponse(runtime.store.local_path(asset.sha256), media_type=safe_type(asset),
                        headers={**SANDBOX_HEADERS, "Cache-Control": "private, max-age=31536000, immutable",
                                 "ETag": f'"{asset.sha256}"'})


@router.get("/subtitles/{track_id}")
def get_subtitles(track_id: DbId, session: ReadSession, token: Token, runtime: RuntimeDep) -> Response:
    board = board_of(session, token)
    track = manifest.subtitle_for(session, board=board, track_id=track_id, settings=runtime.settings, now=_now())
    if track is None:
        raise HTTPException(404, "no such subtitle track in this board's manifest")
    return Response(track.aired_vtt or "", media_type="text/vtt; charset=utf-8")


@router.post("/plays")
async def post_plays(request: Request, board: AuthBoard, runtime: RuntimeDep) -> dict[str, Any]:
    body = await json_body(request)
    plays = body.get("plays") if isinstance(body, dict) else None
    if not isinstance(plays, list):
        raise HTTPException(422, "expected {\"plays\": [...]}")
    if len(plays) > airing.MAX_BATCH:
        raise HTTPException(413, f"at most {airing.MAX_BATCH} plays per batch")

    def work() -> dict[str, Any]:
        with runtime.db.unit_of_work() as session:
            return airing.record_plays(session, board=reload(session, board), plays=plays, settings=runtime.settings)

    return await run_in_threadpool(work)


@router.post("/heartbeat")
async def post_heartbeat(request: Request, board: AuthBoard, runtime: RuntimeDep) -> dict[str, Any]:
    body = await json_body(request, limit=8192)
    if not isinstance(body, dict):
        raise HTTPException(422, "expected a JSON object")

    def work() -> dict[str, Any]:
        with runtime.db.unit_of_work() as session:
            try:
                beat = airing.record_heartbeat(session, board=reload(session, board), data=body)
            except airing.TooSoon as exc:
                raise HTTPException(429, str(exc), headers={"Retry-After": "5"}) from exc
            except Invalid as exc:
                raise HTTPException(422, str(exc)) from exc
            return {"server_time": beat.received_at.isoformat(), "clock_skew_s": beat.clock_skew_s}

    return await run_in_threadpool(work)


@router.get("/time")
def get_time(session: ReadSession, token: Token) -> dict[str, str]:
    board_of(session, token)
    return {"server_time": _now().isoformat()}


@router.post("/emergencies/{emergency_id}/ack")
def ack_emergency(emergency_id: DbId, session: WriteSession, token: Token) -> dict[str, Any]:
    board = board_of(session, token)
    try:
        ack = emergencies.acknowledge(session, emergency_id=emergency_id, board=board)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    return {"emergency": emergency_id, "acked_at": ack.acked_at.isoformat()}
