"""The FastAPI application factory: resources are created in the lifespan, never at import time."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

import core
from admin.deps import LoginRequired, Redirect, actor_for
from admin.language import LanguageMiddleware
from admin.security_headers import SecurityHeaders
from admin.templating import make_templates, render
from core import runtime as runtime_module
from core.errors import NotFound
from core.records import audit
from core.runtime import Runtime
from core.settings import Settings, load_settings

STATIC_DIR = Path(__file__).parent / "static"
API_DOCS_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bangtin API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger/init.js"></script>
</body>
</html>
"""

# "module:attribute" of every APIRouter of the admin pages; each capability adds its own line. The bot's
# web routes are added by the composition root (`bangtin/webapp.py`), so admin never imports bot.
ROUTERS: list[str] = [
    "admin.views.health:router",
    "admin.views.auth:router",
    "admin.views.home:router",
    "admin.views.account:router",
    "admin.views.review:router",
    "admin.views.media:router",
    "admin.views.translations:router",
    "admin.views.library:router",
    "admin.views.auditlog:router",
    "admin.views.api:router",
    "admin.views.clusters:router",
    "admin.views.units:router",
    "admin.views.airing:router",
    "admin.views.notify:router",
    "admin.views.records:router",
    "admin.views.alerts:router",
    "admin.views.alerts:pages",
    "admin.views.exchange:router",
]


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app; pass `runtime` to share one (tests), otherwise the lifespan builds it."""
    settings = runtime.settings if runtime else (settings or load_settings())
    if runtime is None:
        settings.prepare_dirs()
        settings.check_secret()  # the session middleware needs the key now
        settings.check_base_url()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        # Installed as the process's runtime: services that enqueue after commit (deliveries,
        # plan rebuilds) find the queue through it, as they do in the worker.
        app.state.runtime = runtime or runtime_module.build(settings)
        try:
            yield
        finally:
            telegram = getattr(app.state, "telegram", None)
            if telegram is not None:  # built on the first webhook call
                await telegram.close()
            if own:
                app.state.runtime.close()

    app = FastAPI(title="bangtin", version=core.__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    if runtime is not None:
        app.state.runtime = runtime
    app.state.templates = make_templates()
    app.add_middleware(LanguageMiddleware, default=settings.default_language)
    app.add_middleware(SecurityHeaders, https=settings.public_url.startswith("https://"),
                       player_frame_ancestors=settings.player_frame_ancestors)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="bangtin_session",
        same_site="lax",
        https_only=settings.public_url.startswith("https://"),
        max_age=12 * 3600,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/api/docs", include_in_schema=False)
    async def _api_docs() -> Response:
        # Swagger UI from our own static files (swagger-ui-dist, vendored), started by a script file rather
        # than FastAPI's inline one: the docs work offline and under a CSP without a CDN or inline script.
        return HTMLResponse(API_DOCS_HTML)

    @app.get("/favicon.ico", include_in_schema=False)
    async def _favicon() -> Response:
        return RedirectResponse("/static/favicon.svg", status_code=301)
    for ref in ROUTERS:
        module_name, attribute = ref.split(":")
        app.include_router(getattr(importlib.import_module(module_name), attribute))

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/?next={quote(exc.next_url)}", status_code=303)

    @app.exception_handler(Redirect)
    async def _redirect(request: Request, exc: Redirect) -> RedirectResponse:
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        # Out of scope and missing look the same (404); a logged-in officer's attempt is audited.
        officer = getattr(request.state, "officer", None)
        if officer is not None:
            with app.state.runtime.db.unit_of_work() as session:
                audit.record(session, actor=actor_for(request, officer), action="access.denied",
                             object_type="path", object_id=request.url.path[:64], after={"method": request.method})
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "not found"}, status_code=404)
        return render(request, "not_found.html", status_code=404)

    return app
