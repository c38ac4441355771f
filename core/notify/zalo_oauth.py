"""Zalo OAuth v4 for the Official Account: a refresh token or an authorization code for a new token pair.

Synchronous on purpose: a refresh runs in a thread while the token row is locked (see `zalo_state`).
"""

from __future__ import annotations

import httpx

from core.notify.zalo_state import TokenPair, TokenUnavailable
from core.settings import Settings

TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def _exchange(settings: Settings, form: dict[str, str]) -> TokenPair:
    if not (settings.zalo_app_id and settings.zalo_secret_key):
        raise TokenUnavailable("BANGTIN_ZALO_APP_ID and BANGTIN_ZALO_SECRET_KEY are needed for Zalo tokens")
    url = settings.zalo_oauth_base.rstrip("/") + "/v4/oa/access_token"
    try:
        answer = httpx.post(url, data={**form, "app_id": settings.zalo_app_id},
                            headers={"secret_key": settings.zalo_secret_key}, timeout=TIMEOUT)
        body = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise TokenUnavailable(f"OAuth: {type(exc).__name__}: {exc}") from exc
    if answer.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
        detail = body.get("error_description") or body.get("message") if isinstance(body, dict) else None
        raise TokenUnavailable(
            f"OAuth refused: {body.get('error') if isinstance(body, dict) else answer.status_code} {detail}"
        )
    expires, refresh_expires = body.get("expires_in"), body.get("refresh_token_expires_in")
    return TokenPair(
        body["access_token"],
        body["refresh_token"],
        float(expires) if expires else None,
        float(refresh_expires) if refresh_expires else None,
    )


def refresh(settings: Settings, refresh_token: str) -> TokenPair:
    """Spend the (single-use) refresh token for a new pair."""
    return _exchange(settings, {"refresh_token": refresh_token, "grant_type": "refresh_token"})


def authorize(settings: Settings, code: str, verifier: str | None = None) -> TokenPair:
    """An authorization code pasted by an administrator (the chain broke) for a new pair."""
    form = {"code": code.strip(), "grant_type": "authorization_code"}
    if verifier:
        form["code_verifier"] = verifier
    return _exchange(settings, form)
