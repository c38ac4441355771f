"""One turn of the conversation: the inbound event, its sender, the state row and the replies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from bot import texts
from bot.protocol import Button, Inbound, Reply
from core.intake.models import Conversation, Submission
from core.org.invites import Sender
from core.org.models import Officer
from core.records.audit import Actor
from core.runtime import Runtime
from core.types import SubmissionState


@dataclass(slots=True)
class Turn:
    session: Session
    rt: Runtime
    ev: Inbound
    load_conversation: Callable[[], Conversation]
    sender: Sender
    lang: str
    replies: list[Reply] = field(default_factory=list)
    loaded: Conversation | None = None

    @property
    def conv(self) -> Conversation:
        """The chat's state row, read (and locked) on first use: /help and /status never touch it."""
        if self.loaded is None:
            self.loaded = self.load_conversation()
        return self.loaded

    @property
    def actor(self) -> Actor:
        label = self.sender.label or f"{self.ev.channel}:{self.ev.address}"
        return Actor(label=label, channel=self.ev.channel, officer_id=self.sender.officer_id, address=self.ev.address)

    def say(self, message: str, *, buttons: tuple[tuple[Button, ...], ...] = (), reply_to: str | None = None,
            **values: object) -> None:
        self.replies.append(Reply(texts.t(self.lang, message, **values), buttons, reply_to))

    def add(self, reply: Reply) -> None:
        self.replies.append(reply)

    def officer(self) -> Officer:
        officer = self.session.get(Officer, self.sender.officer_id)
        assert officer is not None
        return officer

    def draft(self) -> Submission | None:
        if self.conv.submission_id is None:
            return None
        sub = self.session.get(Submission, self.conv.submission_id)
        if sub is None or sub.state != str(SubmissionState.draft):
            return None
        return sub

    def goto(self, step: str, submission_id: int | None = None) -> None:
        self.conv.step = step
        if step == "idle":
            self.conv.submission_id = None
            self.conv.data = {}
        elif submission_id is not None:
            self.conv.submission_id = submission_id
        self.session.add(self.conv)
