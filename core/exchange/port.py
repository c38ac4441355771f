"""The port to the provincial source information system, narrow on purpose: one call, `deliver`.

A vendor's API is one more class with `deliver(document) -> None` that raises `DeliveryFailed` with a
reason; nothing in the domain changes. Two come with bangtin: HTTPS JSON with a bearer token, and a
folder that a file-drop system collects.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from core.storage import MediaStore


class DeliveryFailed(Exception):
    """The document did not arrive; `reason` is shown to the operator; `permanent` stops retrying."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    kind: str
    payload: dict[str, Any]
    media: list[str]  # sha256 of files the document links


class SourceSystem(Protocol):
    name: str

    def deliver(self, document: Document) -> None:
        """Hand over one document (idempotent for the same `doc_id`); raise DeliveryFailed if not accepted."""
        ...


class HttpsSourceSystem:
    """POST each document as JSON to `endpoint` with `Authorization: Bearer <token>` and `Idempotency-Key`."""

    name = "https"

    def __init__(self, endpoint: str, token: str, *, timeout: float = 20.0, client: httpx.Client | None = None) -> None:
        self.endpoint, self.token = endpoint, token
        self.client = client or httpx.Client(timeout=timeout)

    def deliver(self, document: Document) -> None:
        try:
            response = self.client.post(
                self.endpoint,
                json=document.payload,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Idempotency-Key": document.doc_id,
                    "Content-Type": "application/json; charset=utf-8",
                },
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code in (200, 201, 202, 204, 409):  # 409: already have this id
            return
        reason = f"HTTP {response.status_code}: {response.text[:300]}"
        # 4xx other than 408/429 will not get better by waiting (a wrong token, a refused shape).
        raise DeliveryFailed(
            reason, permanent=400 <= response.status_code < 500 and response.status_code not in (408, 429)
        )

    def close(self) -> None:
        self.client.close()


class FileDropSourceSystem:
    """One `<doc_id>.json` per document in `folder`, and the linked media under `folder/media/<sha256>`."""

    name = "files"

    def __init__(self, folder: Path, store: MediaStore) -> None:
        self.folder, self.store = folder, store

    def deliver(self, document: Document) -> None:
        try:
            (self.folder / "media").mkdir(parents=True, exist_ok=True)
            for sha in document.media:
                target = self.folder / "media" / sha
                if not target.exists():
                    partial = target.with_suffix(".part")
                    with self.store.open(sha) as source, partial.open("wb") as sink:
                        shutil.copyfileobj(source, sink)
                    os.replace(partial, target)
            # Written aside then renamed: a collector never reads half a file.
            final = self.folder / f"{document.doc_id}.json"
            partial = final.with_suffix(".json.part")
            partial.write_text(json.dumps(document.payload, ensure_ascii=False, indent=2), encoding="utf-8")
            os.replace(partial, final)
        except OSError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        return None


def from_settings(settings: Any, store: MediaStore) -> HttpsSourceSystem | FileDropSourceSystem | None:
    """The configured implementation: HTTPS when an endpoint is set, else a folder, else none."""
    if settings.exchange_url:
        return HttpsSourceSystem(settings.exchange_url, settings.exchange_token or "")
    if settings.exchange_folder:
        return FileDropSourceSystem(Path(settings.exchange_folder).expanduser(), store)
    return None
