"""Engines and units of work. Services only flush; the edge commits, then sends the queued jobs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from core.settings import Settings

AfterCommit = Callable[[], None]


def make_engine(settings: Settings) -> Engine:
    """Build the engine for `settings.db_url`: SQLite in WAL mode, or PostgreSQL through psycopg 3."""
    url = make_url(settings.db_url)
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)

    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below), so the driver must not.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        # A writing unit of work takes the write lock first, so a read-then-write never meets a
        # stale snapshot (SQLITE_BUSY_SNAPSHOT) and the audit chain stays linear.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class JobQueue(Protocol):
    """What a unit of work needs of the task queue: send a named job once the work has committed."""

    def defer(self, session: Session, name: str, **kwargs: Any) -> None: ...


class Database:
    """The engine plus units of work; built once per process at start-up.

    `queue` is wired in by the runtime at start-up: every unit of work carries it, so a service
    queues follow-up jobs on the session it was given (`queue_of(session)`) instead of reaching
    for a process-wide global.
    """

    def __init__(self, engine: Engine, queue: JobQueue | None = None, audit_key: bytes | None = None) -> None:
        self.engine = engine
        self.queue = queue
        self.audit_key = audit_key  # every session carries it: the audit chain is keyed (core/records/audit.py)
        self._writer = engine.execution_options(sqlite_immediate=True)

    @classmethod
    def from_settings(cls, settings: Settings, *, queue: JobQueue | None = None) -> Database:
        key = settings.audit_hmac_key() if settings.secret_key or settings.audit_key else None
        return cls(make_engine(settings), queue, key)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A writing session: commit on success, roll back on error, then run after-commit hooks."""
        session = Session(self._writer, expire_on_commit=False)
        session.info["after_commit"] = []
        session.info["queue"] = self.queue
        session.info["audit_key"] = self.audit_key
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            session.close()
            raise
        hooks: list[AfterCommit] = session.info.pop("after_commit")
        session.close()
        for hook in hooks:
            hook()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session (no write lock on SQLite)."""
        session = Session(self.engine, expire_on_commit=False)
        session.info["audit_key"] = self.audit_key
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded objects stay readable

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def queue_of(session: Session) -> JobQueue:
    """The task queue of `session`'s unit of work; raises when the process was built without one."""
    queue = session.info.get("queue")
    if queue is None:
        raise RuntimeError("this unit of work has no task queue: build the process with core.runtime.build()")
    return queue  # type: ignore[no-any-return]  # session.info is untyped; only Database puts it there


def after_commit(session: Session, hook: AfterCommit) -> None:
    """Run `hook` once the session's unit of work has committed (never if it rolls back)."""
    hooks = session.info.get("after_commit")
    if hooks is None:
        raise RuntimeError("after_commit() needs a session from Database.unit_of_work()")
    hooks.append(hook)
