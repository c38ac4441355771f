"""`GET /healthz`: database and queue checked, answered as JSON (503 when either fails)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

import core
from admin.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(runtime: RuntimeDep) -> JSONResponse:
    checks: dict[str, str] = {}
    for name, probe in (("database", runtime.db.ping), ("queue", runtime.queue.ping)):
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # a health check reports every failure instead of raising it
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", "version": core.__version__, **checks}
    return JSONResponse(body, status_code=200 if healthy else 503)
