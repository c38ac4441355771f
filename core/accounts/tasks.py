"""Tasks of accounts: the daily sweep of idle accounts (leaves a task_run row)."""

from __future__ import annotations

from huey import crontab

from core import runtime
from core.queue import task
from core.records.taskrun import recorded
from core.types import utcnow


@task("accounts.disable_idle", retries=1, retry_delay=600, schedule=crontab(hour="20", minute="15"))
def disable_idle_accounts() -> list[int]:
    """03:15 in Hà Nội: disable web accounts unused for ACCOUNT_IDLE_DAYS and tell their owners."""
    from core.accounts import idle

    rt = runtime.current()
    with recorded(rt, "accounts.disable_idle") as run, rt.db.unit_of_work() as session:
        disabled = idle.disable_idle(session, now=utcnow(), idle_days=rt.settings.account_idle_days)
        run.result = {"disabled": disabled}
    return disabled
