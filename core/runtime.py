"""The resources of one process (settings, database, queue, media store), built once at start-up.

Worker tasks reach them through `current()`: the worker command builds the runtime before the
consumer starts, so nothing is created at import time.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.db import Database
from core.queue import Queue
from core.settings import Settings, load_settings
from core.storage import LocalMediaStore, MediaStore


@dataclass(slots=True)
class Runtime:
    settings: Settings
    db: Database
    queue: Queue
    store: MediaStore

    def close(self) -> None:
        self.db.dispose()


_current: Runtime | None = None


def build(settings: Settings | None = None, *, install: bool = True) -> Runtime:
    """Check the settings, create directories and resources; `install` makes it `current()`."""
    global _current
    settings = settings or load_settings()
    settings.prepare_dirs()
    settings.check_secret()
    settings.check_base_url()
    queue = Queue.from_settings(settings)
    runtime = Runtime(
        settings=settings,
        db=Database.from_settings(settings, queue=queue),
        queue=queue,
        store=LocalMediaStore(settings.media_path),
    )
    if install:
        _current = runtime
    return runtime


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("no runtime: call core.runtime.build() at start-up")
    return _current


def uninstall() -> None:
    global _current
    _current = None
