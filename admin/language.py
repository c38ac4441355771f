"""Choose the page language: `?lang=` (remembered in a cookie), the cookie, then Vietnamese."""

from __future__ import annotations

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

import i18n

COOKIE = "bangtin_lang"


class LanguageMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: ASGIApp, default: str = i18n.DEFAULT_LANGUAGE) -> None:
        super().__init__(app)
        self.default = default

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        asked = request.query_params.get("lang")
        chosen = asked if asked in i18n.LANGUAGES else request.cookies.get(COOKIE)
        request.state.language = chosen if chosen in i18n.LANGUAGES else self.default
        response = await call_next(request)
        if asked in i18n.LANGUAGES:
            response.set_cookie(COOKIE, asked, max_age=365 * 86400, samesite="lax", httponly=True)
        return response
