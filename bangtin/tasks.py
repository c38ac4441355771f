"""The task registry: every module that defines tasks, imported before a runtime builds its queue."""

from __future__ import annotations

import importlib

# Each capability adds its module here; `core` itself names no layer above it.
TASK_MODULES: tuple[str, ...] = (
    "core.records.tasks",
    "core.org.tasks",
    "core.accounts.tasks",
    "core.airing.tasks",
    "core.notify.tasks",
    "core.alerts.tasks",
    "core.exchange.tasks",
    "media.tasks",
    "bot.tasks",
    "bot.notify.tasks",
)


def load() -> None:
    """Import every task module so each `@task` is registered (safe to call again)."""
    for module in TASK_MODULES:
        importlib.import_module(module)
