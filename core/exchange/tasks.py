"""Exchange tasks: queue new or changed items and deliver what is due (every minute); queue yesterday's
airing figures (every night). Nothing is queued while no source system is configured."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from huey import crontab

from core import runtime
from core.exchange import port as ports
from core.exchange import service
from core.queue import task
from core.records.taskrun import recorded


@task("exchange.deliver", retries=0)
def deliver() -> dict[str, Any]:
    """Queue documents for new or changed approved items, then send every due document once."""
    rt = runtime.current()
    port = ports.from_settings(rt.settings, rt.store)
    if port is None:
        return {"skipped": "no source system configured"}
    try:
        with rt.db.unit_of_work() as session:
            queued = service.queue_items(session, base_url=rt.settings.public_url)
        attempts = service.deliver_due(rt.db, port=port)
    finally:
        port.close()
    return {"queued": queued, "sent": sum(a.ok for a in attempts), "failed": sum(not a.ok for a in attempts)}


@task("exchange.daily_figures")
def daily_figures(*, day: str | None = None) -> dict[str, Any]:
    """Yesterday's (or `day`'s) airing figures per board, queued once."""
    rt = runtime.current()
    if ports.from_settings(rt.settings, rt.store) is None:
        return {"skipped": "no source system configured"}
    from datetime import date as _date

    which = _date.fromisoformat(day) if day else rt.settings.today() - timedelta(days=1)
    with recorded(rt, "exchange.daily_figures") as run, rt.db.unit_of_work() as session:
        run.result = {
            "day": which.isoformat(),
            "queued": service.queue_figures(session, day=which, settings=rt.settings),
        }
    return run.result


@task("exchange.every_minute", retries=0, schedule=crontab(minute="*"))
def every_minute() -> None:
    runtime.current().queue.enqueue("exchange.deliver")


@task("exchange.every_night", retries=0, schedule=crontab(hour="17", minute="40"))
def every_night() -> None:
    # 17:40 UTC is 00:40 in Lai Châu: the local day that just ended is complete.
    runtime.current().queue.enqueue("exchange.daily_figures")
