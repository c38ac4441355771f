"""Security headers on every answer: a CSP without inline script, no framing, no sniffing, no referrer
leaks, no powerful browser features, and HSTS when the public address is https.

A route that sets its own Content-Security-Policy (the media store's sandbox) keeps it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
# The board player caches media as blobs and runs a service worker; a signage box may need to frame
# it (BANGTIN_PLAYER_FRAME_ANCESTORS), nothing else may.
PLAYER_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
              "media-src 'self' blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors {ancestors}")
# The Swagger page (vendored swagger-ui, started from a script file): only our own scripts; Swagger UI sets
# inline styles and data: images, so those stay.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeaders:
    """Pure ASGI middleware (it also covers streamed and file answers)."""

    def __init__(self, app: ASGIApp, *, https: bool, player_frame_ancestors: str = "'none'") -> None:
        self.app = app
        self.https = https
        self.player_csp = PLAYER_CSP.format(ancestors=player_frame_ancestors)

    def _csp_for(self, path: str) -> str:
        if path == "/player" or path.startswith("/player/"):
            return self.player_csp
        if path.startswith("/api/docs"):
            return DOCS_CSP
        return PAGE_CSP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self._csp_for(scope.get("path", ""))
        framing = b"DENY" if "frame-ancestors 'none'" in csp else None

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}

                def add(name: bytes, value: bytes) -> None:
                    if name not in present:
                        headers.append((name, value))

                add(b"content-security-policy", csp.encode())
                add(b"x-content-type-options", b"nosniff")
                add(b"referrer-policy", b"same-origin")
                add(b"permissions-policy", PERMISSIONS.encode())
                add(b"cross-origin-opener-policy", b"same-origin")
                if framing:
                    add(b"x-frame-options", framing)
                if self.https:
                    add(b"strict-transport-security", b"max-age=31536000; includeSubDomains")
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
