"""Typed settings: every `BANGTIN_*` variable of DESIGN.md, read once at start-up."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from datetime import UTC, date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.errors import ConfigError

# Values people copy from examples; a key like these protects nothing.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changethis", "change-me", "changeme", "secret", "please-change", "xxx", "demo"}
)
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BANGTIN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Demo mode: `make run` sets it; a random key is kept under DATA_DIR.
    demo: bool = False

    data_dir: Path = Path("var")
    database_url: str | None = None
    queue_url: str | None = None
    media_dir: Path | None = None
    backup_dir: Path | None = None  # put it on another disk or a mounted share: backups live apart from the data
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_key: str = ""
    base_url: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    default_language: str = "vi"

    telegram_token: str | None = None
    telegram_bot_username: str | None = None  # for invite deep links; asked of getMe when unset
    telegram_api_base: str = "https://api.telegram.org"
    telegram_webhook_secret: str | None = None
    telegram_download_limit_mb: int = 20

    # Zalo Official Account (Open API v3): the hosts are settings so tests and a proxy can replace them.
    zalo_app_id: str | None = None
    zalo_secret_key: str | None = None  # the app secret (OAuth token refresh)
    zalo_oa_secret_key: str | None = None  # signs the webhook events (X-ZEvent-Signature)
    zalo_oa_access_token: str | None = None  # the first pair; later pairs live in the database
    zalo_oa_refresh_token: str | None = None
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zalo_zns_base: str = "https://business.openapi.zalo.me"
    zalo_oa_link: str | None = None  # the OA's follow link or QR page shown on the invite page
    zalo_event_max_age_s: int = Field(default=24 * 3600, ge=60)  # older signed events are replays
    zalo_window_hours: float = Field(default=48.0, gt=0)  # free replies after the officer's last message …
    zalo_window_messages: int = Field(default=8, ge=0)  # … at most this many of them
    zalo_per_second: float = Field(default=8.0, gt=0)  # the outbox's Zalo lane (consultation messages)
    zns_per_second: float = Field(default=4.0, gt=0)  # the ZNS lane (templates by phone)
    zalo_quota_pause_s: float = Field(default=60.0, gt=0)  # the lane waits this long after a quota error

    # E-mail for officers without chat (the web inbox's copy); unset host: no e-mail.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "bangtin@localhost"
    smtp_starttls: bool = False

    whisper_model: Path | None = None
    whisper_model_vi: Path | None = None
    max_media_seconds: int = 30 * 60
    max_upload_mb: int = 2048

    worker_processes: int = Field(default=2, ge=1, le=64)

    # Airing: how long a still image or a text notice stays on screen; when a silent board is offline.
    airing_image_seconds: float = Field(default=15.0, gt=0)
    airing_text_seconds: float = Field(default=20.0, gt=0)
    board_offline_minutes: int = Field(default=15, ge=1)

    # Security defaults of REQUIREMENTS.md ("Related rules"): numbers, because the law moves.
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    session_idle_minutes: int = 15
    password_min_length_with_mfa: int = 8
    password_min_length_without_mfa: int = 14
    account_idle_days: int = 45
    # The audit chain's HMAC key; unset, it is derived from SECRET_KEY. Either way it is not in the
    # database, so whoever edits the database cannot recompute the chain.
    audit_key: str | None = None
    # Who may frame the board player page (a CSP frame-ancestors source list); nobody by default.
    player_frame_ancestors: str = "'none'"
    audit_retention_days: int = 366
    airing_retention_days: int = 183

    # Alerts in (CAP 1.2 over Atom/RSS) and the provincial source information system out.
    alert_feeds: str = ""  # feed URLs separated by spaces or commas
    alert_feed_interval_seconds: int = Field(default=60, ge=60)
    exchange_url: str | None = None  # HTTPS endpoint receiving JSON documents
    exchange_token: str | None = None  # its bearer token
    exchange_folder: Path | None = None  # or a folder for file-drop systems

    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(6, 30)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _parsable_url(cls, value: str | None) -> str | None:
        if value:
            try:
                url = make_url(value)
            except ArgumentError as exc:
                raise ValueError("not a database URL (e.g. postgresql+psycopg://user@host/db)") from exc
            if url.get_backend_name() not in {"sqlite", "postgresql"}:
                raise ValueError("only sqlite:/// and postgresql+psycopg:// are supported")
        return value

    @field_validator("queue_url")
    @classmethod
    def _known_queue(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite:///", "redis://", "rediss://", "memory://")):
            raise ValueError("use sqlite:///path, redis://host:port/db (or memory:// in tests)")
        return value

    # -- derived values -------------------------------------------------------------------
    @cached_property
    def data_path(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @cached_property
    def media_path(self) -> Path:
        return (self.media_dir or self.data_path / "media").expanduser().resolve()

    @cached_property
    def backup_path(self) -> Path:
        return (self.backup_dir or self.data_path / "backups").expanduser().resolve()

    @cached_property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_path / 'bangtin.sqlite3'}"

    @cached_property
    def queue(self) -> str:
        return self.queue_url or f"sqlite:///{self.data_path / 'queue.sqlite3'}"

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self, now: datetime | None = None) -> date:
        """The calendar day in the configured zone at `now` (default: this instant), never the server's."""
        return (now or datetime.now(UTC)).astimezone(self.tz).date()

    @property
    def alert_feed_urls(self) -> list[str]:
        return [u for u in self.alert_feeds.replace(",", " ").split() if u]

    @property
    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def zalo_configured(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_oa_secret_key)

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    # -- start-up checks ------------------------------------------------------------------
    def check_secret(self) -> None:
        """Refuse a missing or placeholder key outside demo mode; in demo mode keep one on disk."""
        if self.secret_key.strip().lower() not in PLACEHOLDER_SECRETS and len(self.secret_key) >= MIN_SECRET_LENGTH:
            return
        if not self.demo:
            raise ConfigError(
                "BANGTIN_SECRET_KEY is missing or a placeholder: set it to a random value of at "
                f"least {MIN_SECRET_LENGTH} characters, e.g. "
                "`echo BANGTIN_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))') >> .env`"
            )
        key_file = self.data_path / "demo-secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        self.secret_key = key_file.read_text().strip()

    def check_base_url(self) -> None:
        """Outside demo mode, a server listening beyond loopback needs its public address for links."""
        if self.demo or self.base_url or _is_loopback(self.host):
            return
        raise ConfigError(
            f"BANGTIN_BASE_URL is missing: BANGTIN_HOST={self.host} listens beyond this machine, so links "
            "(invites, e-mail, the board player) need the public address, "
            "e.g. BANGTIN_BASE_URL=https://bangtin.example.vn"
        )

    def audit_hmac_key(self) -> bytes:
        """The key of the audit chain and its checkpoints (never stored in the database)."""
        if self.audit_key:
            return self.audit_key.encode()
        return hmac.new(self.secret_key.encode(), b"bangtin audit chain v1", hashlib.sha256).digest()

    def prepare_dirs(self) -> None:
        """Create DATA_DIR and MEDIA_DIR and prove they are writable, naming the variable if not."""
        for variable, path in (("BANGTIN_DATA_DIR", self.data_path), ("BANGTIN_MEDIA_DIR", self.media_path)):
            try:
                path.mkdir(parents=True, exist_ok=True)
                probe = path / f".write-test-{os.getpid()}"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as exc:
                raise ConfigError(f"{variable}={path} is not a writable directory ({exc.strerror})") from exc


def _is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: assume it is reachable from outside


def load_settings(**overrides: Any) -> Settings:
    """Read the environment (and `.env`), turning a validation error into one clear line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = "BANGTIN_" + str(first["loc"][0]).upper() if first["loc"] else "BANGTIN_*"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{variable}: {message}") from exc
