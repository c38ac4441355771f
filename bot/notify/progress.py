"""The officer's live progress message: one chat message per submission, edited in place, best effort.

It does not go through the outbox queue (an edit every few seconds would flood it): the media job
calls `show` at most every few seconds. The message's chat id is kept in the payload of one outbox row
(event "submission.progress", state "sent"), so a retried job edits the same message. Only channels
that implement `EditsMessages` (Telegram) get it; a failure is logged and never fails the media job.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlmodel import Session, col, select

from bot.protocol import EditsMessages
from bot.texts import progress_text
from core.notify.models import Notification
from core.notify.outbox import dedupe_key, insert_ignoring_duplicates
from core.org.models import ChannelAccount, Officer
from core.runtime import Runtime
from core.types import Channel, NotificationState, utcnow

log = logging.getLogger("bot.progress")
EVENT = "submission.progress"
TIMEOUT = 5.0  # seconds one post or edit may take: a slow Telegram must not hold the media job up


def _channel(rt: Runtime, channel: str) -> EditsMessages | None:
    """A sender for `channel` that can edit messages, or None (no token, or a channel without edits)."""
    if channel == Channel.telegram and rt.settings.telegram_token:
        from bot.notify.sender import TelegramSender

        return TelegramSender.from_settings(rt.settings)
    return None


def _target(session: Session, submission_id: int) -> tuple[int, str, ChannelAccount, Notification | None] | None:
    from core.intake.models import Submission

    sub = session.get(Submission, submission_id)
    if sub is None:
        return None
    officer = session.get(Officer, sub.officer_id)
    account = session.exec(select(ChannelAccount).where(
        ChannelAccount.officer_id == sub.officer_id, col(ChannelAccount.is_active).is_(True))
        .order_by(col(ChannelAccount.bound_at).desc())).first()
    if account is None:
        return None
    key = dedupe_key(event=EVENT, object_type="submission", object_id=submission_id, officer_id=sub.officer_id)
    row = session.exec(select(Notification).where(Notification.dedupe_key == key)).first()
    return sub.officer_id, (officer.language if officer else None) or "vi", account, row


def show(rt: Runtime, *, submission_id: int, step: str | None, percent: int) -> bool:
    """Post or edit the submission's progress message; False when nothing was shown (never raises)."""
    try:
        return _show(rt, submission_id=submission_id, step=step, percent=percent)
    except Exception as exc:  # best effort: the officer can still ask /status
        log.warning("progress.not_shown", extra={"submission_id": submission_id, "error": f"{type(exc).__name__}: "
                                                                                         f"{exc}"[:300]})
        return False


def _show(rt: Runtime, *, submission_id: int, step: str | None, percent: int) -> bool:
    try:
        asyncio.get_running_loop()
        return False  # called from inside an event loop (a test driving the job inline): its loop cannot wait
    except RuntimeError:
        pass
    with rt.db.reading() as session:
        found = _target(session, submission_id)
    if found is None:
        return False
    officer_id, language, account, row = found
    port = _channel(rt, account.channel)
    if port is None:
        return False
    text = progress_text(language, step, percent)
    payload: dict[str, Any] = dict(row.payload) if row is not None else {}
    if payload.get("text") == text:
        return False  # Telegram refuses an edit that changes nothing

    async def go() -> str:
        try:
            if payload.get("message_ref"):
                await port.edit_text(account.external_id, str(payload["message_ref"]), text)
                return str(payload["message_ref"])
            return await port.post_text(account.external_id, text)
        finally:
            close = getattr(port, "close", None)
            if close is not None:
                await close()

    ref = asyncio.run(asyncio.wait_for(go(), TIMEOUT))
    payload.update({"message_ref": ref, "text": text, "percent": percent, "step": step})
    with rt.db.unit_of_work() as session:
        if row is None:
            insert_ignoring_duplicates(session, Notification.__table__, {  # type: ignore[attr-defined]
                "dedupe_key": dedupe_key(event=EVENT, object_type="submission", object_id=submission_id,
                                         officer_id=officer_id),
                "officer_id": officer_id, "channel_account_id": account.id, "event": EVENT,
                "object_type": "submission", "object_id": submission_id, "language": language, "payload": payload,
                "urgent": False, "state": NotificationState.sent.value, "attempts": 1, "created_at": utcnow(),
                "sent_at": utcnow()})
        else:
            fresh = session.get(Notification, row.id)
            if fresh is not None:
                fresh.payload = payload  # a new dict: the JSON column sees the change
                fresh.sent_at = utcnow()
    return True
