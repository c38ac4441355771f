"""Alert tasks: polling the configured CAP feeds and ending expired alerts. Each leaves a `task_run` row;
the minute tick only enqueues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from huey import crontab
from sqlmodel import col, select

from core import runtime
from core.alerts import feeds, service
from core.alerts.cap import CapRefused
from core.alerts.models import AlertMessage
from core.queue import task
from core.records import audit
from core.records.models import TaskRun
from core.records.taskrun import recorded
from core.types import Channel

FEED_ACTOR = audit.Actor(label="cap-feed", channel=Channel.system)


def poll_once(rt: Any) -> dict[str, Any]:
    """Read every configured feed and ingest the messages not seen yet; a failing feed is counted, not fatal."""
    counts: dict[str, int] = {"feeds": 0, "failed_feeds": 0, "new": 0, "seen": 0}
    errors: list[str] = []
    with httpx.Client() as client:
        for url in rt.settings.alert_feed_urls:
            counts["feeds"] += 1
            try:
                listed = feeds.entries(feeds.fetch(client, url))
            except (httpx.HTTPError, CapRefused) as exc:
                counts["failed_feeds"] += 1
                errors.append(f"{url}: {exc}"[:300])
                continue
            for entry in listed:
                try:
                    raw = entry.embedded or feeds.fetch(client, entry.link or "")
                except (httpx.HTTPError, CapRefused) as exc:
                    errors.append(f"{entry.link}: {exc}"[:300])
                    continue
                with rt.db.unit_of_work() as session:
                    outcome = service.ingest(session, raw=raw, via="feed", actor=FEED_ACTOR, on=rt.settings.today())
                counts["seen" if outcome.duplicate else "new"] += 1
    return {**counts, "errors": errors}


@task("alerts.poll_feeds")
def poll_feeds() -> dict[str, Any]:
    """One pass over the feeds, unless the last pass is more recent than the configured interval."""
    rt = runtime.current()
    if not rt.settings.alert_feed_urls:
        return {"skipped": "no feeds configured"}
    with rt.db.reading() as session:
        last = session.exec(
            select(TaskRun.started_at)
            .where(TaskRun.name == "alerts.poll_feeds")
            .order_by(col(TaskRun.started_at).desc())
        ).first()
    if last is not None and datetime.now(UTC) - last < timedelta(seconds=rt.settings.alert_feed_interval_seconds - 5):
        return {"skipped": "interval"}
    with recorded(rt, "alerts.poll_feeds") as run:
        run.result = poll_once(rt)
    return run.result or {}


@task("alerts.expire")
def expire() -> dict[str, Any]:
    """End the emergencies of alerts whose `expires` passed."""
    rt = runtime.current()
    with rt.db.reading() as session:
        due = session.exec(
            select(AlertMessage.id).where(
                col(AlertMessage.emergency_id).is_not(None),
                col(AlertMessage.ended_at).is_(None),
                col(AlertMessage.expires) <= datetime.now(UTC),
            )
        ).first()
    if due is None:
        return {"expired": 0}
    with recorded(rt, "alerts.expire") as run, rt.db.unit_of_work() as session:
        run.result = {
            "expired": service.expire_due(session, now=datetime.now(UTC), actor=audit.SYSTEM, on=rt.settings.today())
        }
    return run.result


@task("alerts.every_minute", retries=0, schedule=crontab(minute="*"))
def every_minute() -> None:
    queue = runtime.current().queue
    queue.enqueue("alerts.poll_feeds")
    queue.enqueue("alerts.expire")
