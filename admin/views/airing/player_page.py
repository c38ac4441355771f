"""The board player page (`/player`) and its Service Worker, served by the app: no build step."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from admin.templating import render

router = APIRouter(tags=["player"])
STATIC = Path(__file__).resolve().parents[2] / "static" / "player"


@router.get("/player", response_class=HTMLResponse)
def player(request: Request) -> Response:
    return render(request, "airing/player.html", {})


@router.get("/player/sw.js")
def service_worker() -> Response:
    # Served under /player with a widened scope so it controls the page at /player itself.
    return FileResponse(STATIC / "sw.js", media_type="text/javascript",
                        headers={"Service-Worker-Allowed": "/player", "Cache-Control": "no-cache"})
