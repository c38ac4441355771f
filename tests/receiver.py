"""A real HTTP server on loopback for the outside world: it serves CAP feeds and messages, and receives the
source-information-system pushes (failing the first N of each document when asked)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    url: str = ""
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path -> (content type, body)
    fail_first: int = 0  # answer 503 to the first N attempts of each document
    token: str = "exchange-token"
    attempts: Counter[str] = field(default_factory=Counter)
    accepted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # doc id -> bodies accepted
    refused_auth: int = 0
    gets: Counter[str] = field(default_factory=Counter)

    def serve(self, path: str, body: bytes | str, content_type: str = "application/xml") -> str:
        self.pages[path] = (content_type, body.encode() if isinstance(body, str) else body)
        return self.url + path


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def _send(self, status: int, body: bytes = b"", content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            state.gets[self.path] += 1
            page = state.pages.get(self.path)
            if page is None:
                self._send(404, b"{}")
            else:
                self._send(200, page[1], page[0])

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Authorization") != f"Bearer {state.token}":
                state.refused_auth += 1
                self._send(401, b'{"error": "token"}')
                return
            document = json.loads(body)
            key = self.headers.get("Idempotency-Key") or document["id"]
            state.attempts[key] += 1
            if state.attempts[key] <= state.fail_first:
                self._send(503, b'{"error": "busy, try later"}')
                return
            state.accepted.setdefault(key, []).append(document)
            self._send(201, b'{"ok": true}')

    return Handler


@contextmanager
def running() -> Iterator[Receiver]:
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
