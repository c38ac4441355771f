"""Outbox delivery: claim due rows safely across processes, pace under the platform's limits, record outcomes.

Pacing lives in `delivery_pace` rows, never in one process's memory: the channel key ("telegram")
hands out send slots `1/per_second` apart through one atomic UPDATE … RETURNING, and each chat key
("telegram:<chat>") says when that chat may hear again. A row is claimed with
`UPDATE … SET state='sending' WHERE id=… AND state='queued'`, so two workers never send it twice;
its `not_before` becomes a lease that the sweep gives back if a worker died mid-send.
Per officer only the oldest waiting row is sent, so messages arrive in order, also after an outage.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from core.db import Database
from core.notify.models import DeliveryPace, Notification
from core.org.models import ChannelAccount, Officer
from core.types import NotificationState as S

log = logging.getLogger("notify.delivery")
N = Notification.__table__  # type: ignore[attr-defined]  # SQLModel does not declare __table__
P = DeliveryPace.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the platform answered, in four words: ok, retry_after (429), blocked (403), network; or rejected."""

    status: Literal["ok", "retry_after", "blocked", "network", "rejected"]
    retry_after: float = 0.0
    error: str | None = None


class Sender(Protocol):
    """A channel's outbound side as delivery sees it (bot/notify implements it for Telegram)."""

    async def deliver(self, address: str, message: Any) -> SendResult: ...


class RenderError(Exception):
    """The renderer has no text for this event or its payload lacks a needed key."""


Render = Callable[[str, dict[str, Any], str], Any]  # (event, payload, language) -> a message the sender knows


@dataclass(frozen=True, slots=True)
class Limits:
    per_second: float = 28.0  # Telegram allows about 30/s overall: stay just under, with jitter to spare
    chat_gap: float = 1.02  # about 1 message a second per chat, counted from the previous answer
    backoff_base: float = 1.0  # network failures: base · 2^n seconds, shared by every worker
    backoff_cap: float = 300.0
    max_attempts: int = 30  # network failures of one row before it is marked failed
    lease_seconds: float = 120.0  # a 'sending' row older than this goes back to the queue
    max_wait: float = 3.0  # never hold a claimed row longer than this waiting for a slot
    late: float = 0.04  # a slot missed by more than this (a stalled loop) is dropped, so sends never bunch


@dataclass(slots=True)
class Claimed:
    id: int
    officer_id: int
    account_id: int
    channel: str
    address: str
    event: str
    payload: dict[str, Any]
    language: str
    attempts: int
    backlogged: bool = False  # its chat has more waiting: sent before the others when free


@dataclass(slots=True)
class PassStats:
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**dict(self.counts), "seconds": round(self.seconds, 3)}


def _as_dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def quiet_until(*, at: float, start: dtime, end: dtime, tz: ZoneInfo) -> float | None:
    """The end of quiet hours (epoch seconds) when `at` falls inside them, else None."""
    local = datetime.fromtimestamp(at, tz)
    now_t = local.time()
    inside = (start <= now_t or now_t < end) if start > end else (start <= now_t < end)
    if not inside:
        return None
    day = local.date() if now_t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz).timestamp()


def _ensure_pace(session: Session, keys: list[str]) -> None:
    if not keys:
        return
    maker = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(maker(P).values([{"key": k, "next_at": 0.0, "failures": 0} for k in keys]).on_conflict_do_nothing())


def chat_key(channel: str, address: str) -> str:
    return f"{channel}:{address}"


def channel_blocked_until(session: Session, *, channel: str) -> float:
    """When the channel's shared back-off (after network failures) ends; 0 when there is none."""
    row = session.execute(select(P.c.next_at, P.c.failures).where(P.c.key == channel)).first()
    return float(row.next_at) if row and row.failures else 0.0


def claim_batch(db: Database, *, now: float, limit: int, channels: set[str], quiet: tuple[dtime, dtime],
                tz: ZoneInfo, limits: Limits) -> tuple[list[Claimed], float | None]:
    """Claim up to `limit` due rows, oldest first, one per officer, whose chat may hear now.

    Returns the claimed rows and, when none could be claimed, the seconds until one may be.
    """
    now_dt = _as_dt(now)
    with db.unit_of_work() as session:
        waits: list[float] = []
        for channel in channels:
            blocked = channel_blocked_until(session, channel=channel)
            if blocked > now:
                return [], blocked - now
        quiet_end = quiet_until(at=now, start=quiet[0], end=quiet[1], tz=tz)
        if quiet_end is not None:  # non-urgent rows wait for the morning; urgent ones go at once
            session.execute(update(N).where(N.c.state == S.queued.value, N.c.urgent.is_(False),
                                            or_(N.c.not_before.is_(None), N.c.not_before <= now_dt))
                            .values(not_before=_as_dt(quiet_end)))
            waits.append(quiet_end - now)
        due = or_(N.c.not_before.is_(None), N.c.not_before <= now_dt)
        earlier = N.alias("earlier")
        blocked_by_earlier = select(earlier.c.id).where(
            earlier.c.officer_id == N.c.officer_id, earlier.c.id < N.c.id,
            or_(earlier.c.state == S.sending.value,
                and_(earlier.c.state == S.queued.value,
                     or_(earlier.c.not_before.is_(None), earlier.c.not_before <= now_dt)))).exists()
        # Chats still inside their per-chat gap (or a 429 wait) are left out here, so they never crowd
        # the batch and starve everyone else; there are at most rate × gap of them.
        A = ChannelAccount.__table__  # type: ignore[attr-defined]
        paced = select(A.c.officer_id).join(P, P.c.key == A.c.channel + ":" + A.c.external_id).where(P.c.next_at > now)
        head_query = (select(N.c.id, N.c.officer_id, N.c.event, N.c.payload, N.c.language, N.c.attempts)
                      .where(N.c.state == S.queued.value, due, ~blocked_by_earlier, N.c.officer_id.not_in(paced)))
        # Chats with a backlog go first whenever they are free: their per-chat gap makes them the long pole.
        backlogged = (select(N.c.officer_id).where(N.c.state == S.queued.value).group_by(N.c.officer_id)
                      .having(func.count() > 1))
        heads = list(
            session.execute(head_query.where(N.c.officer_id.in_(backlogged)).order_by(N.c.id).limit(limit)).all()
        )
        seen = {h.id for h in heads}
        first = set(seen)
        heads += [h for h in session.execute(head_query.order_by(N.c.id).limit(limit * 3)).all() if h.id not in seen]
        if not heads:
            later = session.execute(select(func.min(N.c.not_before)).where(N.c.state == S.queued.value,
                                                                           N.c.not_before > now_dt)).scalar()
            if later is not None:
                waits.append(later.timestamp() - now)
            waiting = select(N.c.officer_id).where(N.c.state == S.queued.value)
            chat_free = session.execute(select(func.min(P.c.next_at)).join(
                A, P.c.key == A.c.channel + ":" + A.c.external_id).where(P.c.next_at > now,
                                                                         A.c.officer_id.in_(waiting))).scalar()
            if chat_free is not None:
                waits.append(float(chat_free) - now)
            return [], min(waits) if waits else None
        officers = {h.officer_id for h in heads}
        accounts = _active_accounts(session, officer_ids=officers, channels=channels)
        keys = [chat_key(a.channel, a.external_id) for a in accounts.values()]
        _ensure_pace(session, keys)
        pace = dict(session.execute(select(P.c.key, P.c.next_at).where(P.c.key.in_(keys))).all()) if keys else {}
        claimed: list[Claimed] = []
        for head in heads:
            if len(claimed) >= limit:
                break
            account = accounts.get(head.officer_id)
            if account is None:
                session.execute(update(N).where(N.c.id == head.id, N.c.state == S.queued.value).values(
                    state=S.undeliverable.value, error="no active channel: the officer has no reachable chat account"))
                continue
            key = chat_key(account.channel, account.external_id)
            if pace.get(key, 0.0) > now:
                waits.append(pace[key] - now)
                continue
            won = session.execute(update(N).where(N.c.id == head.id, N.c.state == S.queued.value).values(
                state=S.sending.value, attempts=N.c.attempts + 1, channel_account_id=account.id,
                not_before=_as_dt(now + limits.lease_seconds))).rowcount  # type: ignore[attr-defined]  # CursorResult
            if won:
                claimed.append(Claimed(head.id, head.officer_id, account.id, account.channel, account.external_id,  # type: ignore[arg-type]
                                       head.event, head.payload or {}, head.language, head.attempts + 1,
                                       head.id in first))
        return claimed, (None if claimed else (min(waits) if waits else 0.05))


def _active_accounts(session: Session, *, officer_ids: set[int], channels: set[str]) -> dict[int, ChannelAccount]:
    rows: Sequence[ChannelAccount] = session.execute(
        select(ChannelAccount).join(Officer, col(Officer.id) == ChannelAccount.officer_id).where(
        col(ChannelAccount.officer_id).in_(officer_ids), col(ChannelAccount.is_active).is_(True),
        col(ChannelAccount.channel).in_(channels), col(Officer.is_active).is_(True))
        .order_by(col(ChannelAccount.bound_at).desc())).scalars().all()
    found: dict[int, ChannelAccount] = {}
    for account in rows:
        found.setdefault(account.officer_id, account)  # the most recently bound account
    return found


def reserve_slot(db: Database, *, key: str, gap: float, now: float) -> float:
    """Take the next send slot of `key` (epoch seconds), `gap` after the previous one, for every process."""
    with db.unit_of_work() as session:
        _ensure_pace(session, [key])
        start = case((P.c.next_at > now, P.c.next_at), else_=now)
        new_next: float = session.execute(update(P).where(P.c.key == key).values(next_at=start + gap)
                                   .returning(P.c.next_at)).scalar_one()
        return float(new_next) - gap


def release(db: Database, *, claimed: Claimed) -> None:
    """Give a claimed row back untouched (it waited too long for a slot)."""
    with db.unit_of_work() as session:
        session.execute(update(N).where(N.c.id == claimed.id, N.c.state == S.sending.value).values(
            state=S.queued.value, attempts=N.c.attempts - 1, not_before=None))


def record(db: Database, *, claimed: Claimed, result: SendResult, started: float, now: float, limits: Limits) -> str:
    """Write what the platform answered; returns the row's new state (or 'retry')."""
    row = N.c.id == claimed.id
    key = chat_key(claimed.channel, claimed.address)
    with db.unit_of_work() as session:
        _ensure_pace(session, [key, claimed.channel])
        if result.status == "ok":
            session.execute(
                update(N).where(row).values(state=S.sent.value, sent_at=_as_dt(now), error=None, not_before=None)
            )
            # From the answer, not the request: the server saw this message before we saw its answer.
            session.execute(update(P).where(P.c.key == key).values(next_at=now + limits.chat_gap))
            session.execute(update(P).where(P.c.key == claimed.channel, P.c.failures > 0).values(failures=0))
            return S.sent.value
        if result.status == "retry_after":  # flood control for this chat: wait what Telegram says
            session.execute(update(N).where(row).values(state=S.queued.value, not_before=None,
                                                        error=f"429: retry after {result.retry_after:g} s"))
            session.execute(update(P).where(P.c.key == key).values(next_at=now + result.retry_after + 0.05))
            return "retry"
        if result.status == "blocked":
            account = session.get(ChannelAccount, claimed.account_id)
            if account is not None and account.is_active:
                account.is_active = False
                account.unreachable_since = _as_dt(now)
                session.add(account)
            session.execute(update(N).where(row).values(state=S.undeliverable.value, not_before=None,
                                                        error=f"403: {result.error or 'blocked by the user'}"))
            log.info("notify.unreachable", extra={"officer_id": claimed.officer_id, "account_id": claimed.account_id})
            return S.undeliverable.value
        if result.status == "network":
            failures: int = session.execute(update(P).where(P.c.key == claimed.channel)
                                            .values(failures=P.c.failures + 1).returning(P.c.failures)).scalar_one()
            pause = min(limits.backoff_cap, limits.backoff_base * 2 ** (failures - 1))
            session.execute(update(P).where(P.c.key == claimed.channel).values(next_at=now + pause))
            final = claimed.attempts >= limits.max_attempts
            session.execute(update(N).where(row).values(
                state=S.failed.value if final else S.queued.value, not_before=None,
                error=f"network: {result.error or 'no answer'} (attempt {claimed.attempts})"))
            return S.failed.value if final else "retry"
        session.execute(update(N).where(row).values(state=S.failed.value, not_before=None,
                                                    error=f"rejected: {result.error or 'unknown'}"))
        return S.failed.value


def fail_unrenderable(db: Database, *, claimed: Claimed, error: str) -> None:
    with db.unit_of_work() as session:
        session.execute(update(N).where(N.c.id == claimed.id).values(state=S.failed.value, not_before=None,
                                                                     error=f"render: {error}"))


def sweep(db: Database, *, now: float) -> dict[str, int]:
    """Give back rows whose sending lease ran out; count what is due. The periodic task uses it."""
    now_dt = _as_dt(now)
    with db.unit_of_work() as session:
        stale = session.execute(update(N).where(N.c.state == S.sending.value, N.c.not_before < now_dt)
                                .values(state=S.queued.value, not_before=None)).rowcount  # type: ignore[attr-defined]
        due = session.execute(select(N.c.id).where(N.c.state == S.queued.value, or_(
            N.c.not_before.is_(None), N.c.not_before <= now_dt)).limit(1)).first()
    return {"released": stale, "due": 1 if due else 0}


async def deliver_pass(db: Database, *, senders: dict[str, Sender], render: Render, quiet: tuple[dtime, dtime],
                       tz: ZoneInfo, limits: Limits = Limits(), concurrency: int = 8, linger: float = 2.0,
                       clock: Callable[[], float] = time.time, max_seconds: float | None = None) -> PassStats:
    """Send everything due, paced; returns when nothing is due within `linger` seconds (or after `max_seconds`)."""
    stats = PassStats()
    began = clock()
    pool = ThreadPoolExecutor(max_workers=concurrency + 2, thread_name_prefix="notify-db")  # the default pool is small

    async def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(func, *args, **kwargs))

    work: asyncio.PriorityQueue[tuple[int, int, Claimed | None]] = asyncio.PriorityQueue()
    order = itertools.count()
    inflight = 0

    async def send_one(item: Claimed) -> None:
        try:
            message = render(item.event, item.payload, item.language)
        except RenderError as exc:
            await run(fail_unrenderable, db, claimed=item, error=str(exc))
            stats.counts["failed"] += 1
            return
        for _ in range(20):
            slot = await run(reserve_slot, db, key=item.channel, gap=1.0 / limits.per_second, now=clock())
            if slot - clock() > limits.max_wait:
                await run(release, db, claimed=item)
                stats.counts["released"] += 1
                return
            await asyncio.sleep(max(0.0, slot - clock()))
            if clock() - slot <= limits.late:
                break
            stats.counts["late_slots"] += 1
        started = clock()
        result = await senders[item.channel].deliver(item.address, message)
        outcome = await run(record, db, claimed=item, result=result, started=started, now=clock(), limits=limits)
        stats.counts[outcome] += 1
        stats.counts[f"result.{result.status}"] += 1

    async def worker() -> None:
        nonlocal inflight
        while (item := (await work.get())[2]) is not None:
            try:
                await send_one(item)
            finally:
                inflight -= 1

    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    try:
        while max_seconds is None or clock() - began < max_seconds:
            room = concurrency * 2 - inflight
            if room < concurrency:  # claim in batches: each claim is a write transaction
                await asyncio.sleep(0.02)
                continue
            claimed, wait = await run(claim_batch, db, now=clock(), limit=room, channels=set(senders),
                                                    quiet=quiet, tz=tz, limits=limits)
            for item in claimed:
                inflight += 1
                work.put_nowait((0 if item.backlogged else 1, next(order), item))
            if claimed:
                continue
            if inflight == 0 and (wait is None or wait > linger):
                break
            await asyncio.sleep(min(max(wait or 0.05, 0.02), 0.25))
    finally:
        for _ in workers:
            work.put_nowait((2, next(order), None))
        await asyncio.gather(*workers)
        pool.shutdown(wait=True)
    stats.seconds = clock() - began
    return stats
