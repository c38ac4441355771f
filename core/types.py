"""Column types and enumerations shared by every table."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns timezone-aware UTC, refuses naive datetimes (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSON(), "postgresql")


class StrEnum(enum.StrEnum):
    def __str__(self) -> str:
        return self.value


class UnitKind(StrEnum):
    province = "province"  # the People's Committee / the province itself
    department = "department"  # Sở, ban, ngành
    commune = "commune"  # xã
    ward = "ward"  # phường
    district = "district"  # huyện, thành phố thuộc tỉnh: the middle tier, abolished on 1 July 2025
    border_guard = "border_guard"
    press = "press"  # newspaper / radio-TV
    economic_zone = "economic_zone"  # Ban Quản lý Khu kinh tế
    other = "other"


class Duty(StrEnum):
    """What a unit does in the regulation's scheme; effective-dated in `unit_duty`."""

    provincial_editor = "provincial_editor"  # vets and publishes to border-gate clusters (Điều 10.1.a)
    cluster_operator = "cluster_operator"  # runs clusters/boards and approves for them (Điều 10.2)
    contributor = "contributor"  # supplies information (Điều 3.4)
    emergency_sender = "emergency_sender"  # may mark submissions as emergencies (2d)
    translator = "translator"  # translates into English and Chinese (Điều 13.4)
    document_sender = "document_sender"  # may send documents (PDF, Word) besides media


class Role(StrEnum):
    administrator = "administrator"
    editor = "editor"
    operator = "operator"
    translator = "translator"
    inspector = "inspector"
    contributor = "contributor"


class Channel(StrEnum):
    telegram = "telegram"
    zalo = "zalo"
    web = "web"
    cli = "cli"
    api = "api"
    player = "player"
    system = "system"


class ClusterKind(StrEnum):
    border_gate = "border_gate"
    public = "public"


class Category(StrEnum):
    """Điều 7 of the regulation: every item has exactly one."""

    policy_law = "1"
    development = "2a"
    knowledge = "2b"
    security = "2c"
    emergency = "2d"
    good_examples = "2đ"
    violations = "2e"
    products = "2g"
    access_to_information = "3"
    foreign_information = "4"
    advertising = "5"


class SubmissionState(StrEnum):
    draft = "draft"  # the conversation is still collecting answers
    received = "received"
    processing = "processing"
    ready = "ready"
    approved = "approved"
    rejected = "rejected"
    changes_requested = "changes_requested"
    failed = "failed"
    cancelled = "cancelled"


class TargetKind(StrEnum):
    own_unit = "own_unit"  # the officer's own unit's boards
    border_gate = "border_gate"  # every border-gate cluster (the provincial editors decide)
    cluster = "cluster"  # one chosen cluster
    board = "board"
    all = "all"


class MediaKind(StrEnum):
    video = "video"
    image = "image"
    audio = "audio"
    text = "text"
    document = "document"


class AssetRole(StrEnum):
    original = "original"
    normalised = "normalised"
    poster = "poster"
    thumbnail = "thumbnail"
    audio = "audio"


class Priority(StrEnum):
    """Circular 39/2020 bulletin priority."""

    normal = "normal"
    priority = "priority"
    emergency = "emergency"


class Decision(StrEnum):
    approved = "approved"
    rejected = "rejected"
    changes_requested = "changes_requested"
    correction = "correction"  # a language/category/transcript correction, kept for accuracy figures
    translation_requested = "translation_requested"


class JobStatus(StrEnum):
    pending = "pending"
    running = "running"
    done = "done"
    unavailable = "unavailable"  # e.g. no speech model configured: never fake text
    draft = "draft"  # machine text in a language nobody confirmed: an editor accepts or rewrites it
    failed = "failed"


class IncidentStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    escalated = "escalated"
    resolved = "resolved"


class Recurrence(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    yearly = "yearly"


class Fulfilment(StrEnum):
    submission = "submission"  # a submission of given categories/kinds in the period
    report = "report"  # an uploaded report
    supply = "supply"  # content items the unit approved for border-gate clusters in the period (Điều 10.1.a)


class ObligationStatus(StrEnum):
    open = "open"
    fulfilled = "fulfilled"
    overdue = "overdue"
    waived = "waived"


class NotificationState(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    undeliverable = "undeliverable"
