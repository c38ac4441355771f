"""The channel-agnostic intake conversation: one inbound event in, stored state and replies out.

Each event is handled in three phases: a read (is it a redelivery? who is it? is the file
acceptable?), the downloads (outside any transaction, straight into the media store), and one unit
of work that claims the update, locks the chat's conversation row and runs the step. Replies are
sent after the commit. The state lives in our database, so any process in any mode continues.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.download import fetch_into_store
from bot.flows import access, drafts, incidents, language
from bot.flows.turn import Turn
from bot.protocol import ChannelPort, DownloadFailed, Inbound, Reply, TooBigForChannel
from core.intake.models import Conversation, ProcessedUpdate
from core.intake.rules import (
    IncomingFile,
    IntakeRefused,
    check_file,
    classify,
    log_intake,
    may_send_documents,
    throttle_wait,
)
from core.org import invites
from core.runtime import Runtime
from core.storage import StoredObject
from core.types import utcnow
from i18n.labels import N_

log = logging.getLogger("bot.conversation")
_SQLITE_WRITER = threading.Lock()
MB = 1024 * 1024


@dataclass(slots=True)
class Plan:
    """What the read phase decided before anything is written."""

    skip: bool = False
    sender: invites.Sender | None = None
    refusal: IntakeRefused | None = None
    throttle: int = 0
    download: list[IncomingFile] = field(default_factory=list)
    large: list[IncomingFile] = field(default_factory=list)
    incident: bool = False  # the files go to an incident report in progress (or are refused for it)
    incident_refusal: str | None = None


@contextmanager
def writing(rt: Runtime) -> Iterator[Session]:
    """A unit of work; on SQLite this process's writers queue on a lock first (see `_apply`)."""
    with _SQLITE_WRITER if rt.settings.is_sqlite else nullcontext(), rt.db.unit_of_work() as session:
        yield session


class ConversationEngine:
    """Drives the intake conversation for one channel through its port."""

    def __init__(self, rt: Runtime, port: ChannelPort) -> None:
        self.rt = rt
        self.port = port

    async def handle(self, ev: Inbound) -> list[Reply]:
        """Handle one inbound event end to end and send the replies; returns them."""
        # Only media needs a look before the write (to refuse or route a file before fetching it);
        # everything else is decided inside the one unit of work.
        plan = await asyncio.to_thread(self._prepare, ev) if ev.kind == "media" else Plan()
        if plan.skip:
            log.info("intake.duplicate_update", extra={"key": ev.update_key})
            return []
        stored: list[tuple[IncomingFile, StoredObject]] = []
        failed = False
        for item in plan.download:
            try:
                stored.append((item, await fetch_into_store(self.port, item, self.rt.store)))
            except TooBigForChannel:
                plan.large.append(item)  # the size was not declared; the channel refused it
            except DownloadFailed as exc:
                log.warning("intake.download_failed", extra={"ref": item.source_ref, "error": str(exc)})
                failed = True
                break
        if self.rt.settings.is_sqlite:
            # A local file, about a millisecond, one writer anyway: running it here spares the thread
            # hand-offs that halve throughput. A database across the network is waited for in a thread.
            replies = self._apply(ev, plan, stored, failed)
        else:
            replies = await asyncio.to_thread(self._apply, ev, plan, stored, failed)
        for reply in replies:
            await self.port.send_text(ev.address, reply.text, buttons=reply.buttons, reply_to=reply.reply_to,
                                      ref_id=reply.ref_id)
        return replies

    # -- phase 1: read -------------------------------------------------------------------
    def _prepare(self, ev: Inbound) -> Plan:
        settings = self.rt.settings
        with self.rt.db.reading() as session:
            if ev.update_key and _seen(session, ev):
                return Plan(skip=True)
            sender = invites.identify(session, channel=ev.channel, external_id=ev.address)
            plan = Plan(sender=sender)
            if sender.status != "active" or ev.kind != "media":
                return plan
            assert sender.unit_id is not None and sender.officer_id is not None
            row = session.exec(select(Conversation.step, Conversation.data).where(
                Conversation.channel == str(ev.channel), Conversation.address == ev.address)).first()
            step, data = row if row is not None else (None, None)
            tail = incidents.album_tail(step, data, ev.album_id)
            if tail or incidents.reporting(step):
                # A report takes one photo, judged by its own rules; nothing here may open a submission.
                plan.incident = True
                if not tail:
                    plan.download, plan.incident_refusal = incidents.screen(step, ev.files,
                                                                            limit=self.port.download_limit)
                return plan
            documents = may_send_documents(session, unit_id=sender.unit_id)
            try:
                for item in ev.files:
                    item.kind = str(classify(item, documents_allowed=documents))
                    check_file(item, max_seconds=settings.max_media_seconds, max_bytes=settings.max_upload_mb * MB)
            except IntakeRefused as exc:
                plan.refusal = exc
                return plan
            plan.throttle = throttle_wait(session, officer_id=sender.officer_id, incoming=len(ev.files))
            if plan.throttle:
                return plan
        limit = self.port.download_limit
        for item in ev.files:
            (plan.large if limit is not None and item.size and item.size > limit else plan.download).append(item)
        return plan

    # -- phase 3: one unit of work -------------------------------------------------------
    def _apply(
        self, ev: Inbound, plan: Plan, stored: list[tuple[IncomingFile, StoredObject]], failed: bool
    ) -> list[Reply]:
        # SQLite has one writer: queue this process's threads here rather than in SQLite's busy
        # handler, which sleeps in steps of milliseconds and would cap throughput.
        try:
            with writing(self.rt) as session:
                return self._step(session, ev, plan, stored, failed)
        except IntegrityError:
            with self.rt.db.reading() as session:
                if ev.update_key and _seen(session, ev):
                    return []  # another process handled the same update at the same moment
            raise

    def _step(self, session: Session, ev: Inbound, plan: Plan, stored: list[tuple[IncomingFile, StoredObject]],
              failed: bool) -> list[Reply]:
        if ev.update_key and not _claim(session, ev):
            return []
        sender = invites.identify(session, channel=ev.channel, external_id=ev.address)
        turn = Turn(
            session=session,
            rt=self.rt,
            ev=ev,
            load_conversation=lambda: _lock_conversation(session, ev, sender),
            sender=sender,
            lang=sender.language or self.rt.settings.default_language,
        )
        if ev.kind == "media" and sender.status == "active" and not plan.throttle and not plan.refusal:
            # The read phase let it through; concurrent clips of one chat are counted again under the lock.
            turn.conv  # noqa: B018  (take the chat's lock first)
            plan.throttle = throttle_wait(session, officer_id=sender.officer_id or 0, incoming=len(ev.files))
        try:
            _route(turn, plan, stored, failed)
        except IntakeRefused as exc:
            drafts.refuse(turn, exc)
        conv = turn.loaded
        if conv is not None and session.is_modified(conv):
            conv.updated_at = utcnow()
            session.add(conv)
            session.flush()
        ref = conv.submission_id if conv is not None else None
        return [dataclasses.replace(r, ref_id=ref) if r.buttons else r for r in turn.replies]


def _claim(session: Session, ev: Inbound) -> bool:
    """Record the update as handled; False if it already was (one statement, no read first)."""
    stmt = _CLAIM["postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"]
    result = session.connection().execute(stmt, {"channel": str(ev.channel), "key": ev.update_key, "at": utcnow()})
    return bool(result.rowcount)


# Run for every update: built once (statement construction costs more than SQLite's own work).
_CLAIM = {
    name: insert(ProcessedUpdate)
    .values(channel=bindparam("channel"), key=bindparam("key"), processed_at=bindparam("at"))
    .on_conflict_do_nothing(index_elements=["channel", "key"])
    for name, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


def _seen(session: Session, ev: Inbound) -> bool:
    return (
        session.exec(
            select(ProcessedUpdate.id).where(
                ProcessedUpdate.channel == str(ev.channel), ProcessedUpdate.key == ev.update_key
            )
        ).first()
        is not None
    )


def _lock_conversation(session: Session, ev: Inbound, sender: invites.Sender) -> Conversation:
    stmt = select(Conversation).where(Conversation.channel == str(ev.channel), Conversation.address == ev.address)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()  # album parts of one chat are handled one after the other
    conv = session.exec(stmt).first()
    if conv is None:
        conv = Conversation(channel=str(ev.channel), address=ev.address, officer_id=sender.officer_id)
        try:
            with session.begin_nested():
                session.add(conv)
                session.flush()
        except IntegrityError:
            conv = session.exec(stmt).one()
    if conv.officer_id != sender.officer_id and sender.officer_id is not None:
        conv.officer_id, conv.step, conv.submission_id, conv.data = sender.officer_id, "idle", None, {}
    return conv


def _route(turn: Turn, plan: Plan, stored: list[tuple[IncomingFile, StoredObject]], failed: bool) -> None:
    ev = turn.ev
    if turn.sender.status == "stranger":
        access.stranger(turn)
    elif turn.sender.status == "inactive":
        access.inactive(turn)
    elif plan.refusal is not None:
        drafts.refuse(turn, plan.refusal)
    elif plan.throttle:
        log_intake(turn.session, channel=str(ev.channel), address=ev.address, officer_id=turn.sender.officer_id,
                   kind="throttled", count=len(ev.files))
        turn.say(N_("You have sent many files in a short time. This one was NOT received: please wait %(seconds)d "
                 "seconds, then send it again."), seconds=plan.throttle, reply_to=ev.message_ref)
    elif failed:
        turn.say(N_("I could not fetch your file, even after several tries (the connection broke). Nothing was "
                 "stored: please send it again."), reply_to=ev.message_ref)
    elif incidents.claims(turn, screened=plan.incident):
        incidents.handle(turn, refusal=plan.incident_refusal, stored=stored, large=plan.large)
    elif ev.kind == "command":
        if ev.command == "new":
            drafts.new(turn)
        elif ev.command == "cancel":
            drafts.cancel(turn)
        elif ev.command == "resume":
            drafts.resume(turn)
        else:
            access.command(turn)
    elif ev.kind == "text":
        drafts.text(turn)
    elif ev.kind == "media":
        drafts.media(turn, stored, plan.large)
    elif ev.kind == "choice" and ev.action == "lang":
        access.set_language(turn, ev.value if ev.value in {"vi", "en"} else "vi")
    elif ev.kind == "choice" and ev.action in language.ACTIONS:
        language.choice(turn)
    elif ev.kind == "choice":
        drafts.choice(turn)
    else:
        drafts.unsupported(turn)
