"""The webhook signature of Zalo OA events: hex SHA-256 of app_id + raw body + timestamp + OA secret key."""

from __future__ import annotations

import hashlib
import hmac


def sign(*, app_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    """The value Zalo puts in `X-ZEvent-Signature` (without the optional `mac=` prefix)."""
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret.encode()).hexdigest()


def verify(header: str | None, *, app_id: str, body: bytes, timestamp: str, oa_secret: str) -> bool:
    """Whether `header` ("mac=<hex>" or "<hex>") signs this body; compared in constant time."""
    if not header:
        return False
    given = header.strip().removeprefix("mac=").strip().lower()
    expected = sign(app_id=app_id, body=body, timestamp=timestamp, oa_secret=oa_secret)
    return hmac.compare_digest(given.encode(), expected.encode())
