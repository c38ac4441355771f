"""Tables of the exchange with the provincial source information system: the outbox of documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlmodel import Field, SQLModel

from core.types import UTCDateTime, utcnow


class ExchangeDocument(SQLModel, table=True):
    """One JSON document for the source system, delivered once; retried with backoff until it is.

    `doc_id` names the document (and its content): the same item unchanged makes no new row, a changed
    item a new one; the receiver sees the same id again only when our answer was lost.
    """

    __tablename__ = "exchange_document"

    id: int | None = Field(default=None, primary_key=True)
    doc_id: str = Field(sa_type=String(120), unique=True)
    kind: str = Field(sa_type=String(24), index=True)  # content_item | airing_figures
    object_key: str = Field(sa_type=String(64), index=True)  # the item id, or the day of the figures
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    media: list[str] = Field(default_factory=list, sa_type=JSON)  # sha256 of the files it links
    state: str = Field(default="waiting", sa_type=String(16), index=True)  # waiting | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
