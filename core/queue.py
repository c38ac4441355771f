"""The task queue: Huey on SQLite under DATA_DIR by default, on Redis when QUEUE_URL says so.

Tasks are plain functions registered by name with `@task("domain.verb")`; the Huey instance is
built at start-up (never at import time) and every registered task is attached to it. Which
modules define tasks is the composition root's knowledge (`bangtin/tasks.py` imports them before
any runtime is built); this module names none of them. Messages
carry ids and paths, never objects. Services enqueue through `Queue.defer`, which sends the
message only after the unit of work has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Result, TaskWrapper
from sqlmodel import Session

from core.db import after_commit
from core.settings import Settings


@dataclass(frozen=True, slots=True)
class TaskSpec:
    name: str
    func: Callable[..., Any]
    retries: int
    retry_delay: int
    retry_backoff: float
    schedule: Callable[[Any], bool] | None  # a huey crontab for periodic tasks


_REGISTRY: dict[str, TaskSpec] = {}


def task(
    name: str,
    *,
    retries: int = 3,
    retry_delay: int = 10,
    retry_backoff: float = 2.0,
    schedule: Callable[[Any], bool] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `func(**kwargs)` as the task `name` (dotted, `domain.verb`)."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise RuntimeError(f"task {name!r} registered twice")
        _REGISTRY[name] = TaskSpec(name, func, retries, retry_delay, retry_backoff, schedule)
        return func

    return register


def make_huey(settings: Settings) -> Huey:
    url = settings.queue
    if url.startswith(("redis://", "rediss://")):
        # `?name=` keeps the queues of several instances (or tests) apart on one Redis database.
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        name = query.pop("name", ["bangtin"])[0]
        return RedisHuey(name, url=urlunsplit(parts._replace(query=urlencode(query, doseq=True))))
    if url.startswith("memory://"):
        return MemoryHuey("bangtin")
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("bangtin", filename=str(path))


class Queue:
    """A Huey instance with every registered task attached, addressed by task name."""

    def __init__(self, huey: Huey) -> None:
        self.huey = huey
        self._wrappers: dict[str, TaskWrapper] = {}
        for spec in _REGISTRY.values():
            options = {
                "name": spec.name,
                "retries": spec.retries,
                "retry_delay": spec.retry_delay,
                "retry_backoff": spec.retry_backoff,
            }
            if spec.schedule is not None:
                self._wrappers[spec.name] = huey.periodic_task(spec.schedule, **options)(spec.func)
            else:
                self._wrappers[spec.name] = huey.task(**options)(spec.func)

    @classmethod
    def from_settings(cls, settings: Settings) -> Queue:
        return cls(make_huey(settings))

    @property
    def names(self) -> list[str]:
        return sorted(self._wrappers)

    def enqueue(self, name: str, **kwargs: Any) -> Result:
        """Send a message now. Prefer `defer` inside a unit of work."""
        return self._wrappers[name](**kwargs)

    def defer(self, session: Session, name: str, **kwargs: Any) -> None:
        """Send the message once `session` has committed; a rolled-back change sends nothing."""
        if name not in self._wrappers:
            raise KeyError(f"unknown task {name!r}")
        after_commit(session, lambda: self.enqueue(name, **kwargs))

    def pending(self) -> int:
        return int(self.huey.pending_count())

    def ping(self) -> None:
        """Touch the storage, raising if it cannot be reached."""
        self.huey.pending_count()
