"""Building the Zalo client, port and conversation engine at start-up, and handling one stored event."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from bot.conversation import ConversationEngine
from bot.protocol import Inbound
from bot.zalo.client import ZaloClient
from bot.zalo.parse import Event, event_of, inbound_of, is_from_user, sniff
from bot.zalo.port import ZaloPort
from core.errors import ConfigError
from core.intake import inbox
from core.notify import zalo_state
from core.runtime import Runtime
from core.types import Channel

log = logging.getLogger("bot.zalo")


@dataclass(slots=True)
class ZaloApp:
    client: ZaloClient
    port: ZaloPort
    engine: ConversationEngine

    async def close(self) -> None:
        await self.client.close()


def build_zalo(rt: Runtime) -> ZaloApp:
    if not rt.settings.zalo_configured:
        raise ConfigError("BANGTIN_ZALO_APP_ID and BANGTIN_ZALO_OA_SECRET_KEY are not set: Zalo is off")
    client = ZaloClient(rt.settings, rt.db)
    port = ZaloPort(client, rt.db, rt.settings)
    return ZaloApp(client, port, ConversationEngine(rt, port))


def _before_conversation(rt: Runtime, ev: Event, inbound: Inbound | None) -> None:
    """The window opens (or the user left), and a typed number becomes the choice it stands for."""
    with rt.db.unit_of_work() as session:
        if ev.user_id is not None and is_from_user(ev):
            zalo_state.saw_user(session, user_id=ev.user_id, at=ev.at, followed=True if ev.name == "follow" else None)
        elif ev.user_id is not None and ev.name == "unfollow":
            zalo_state.unfollowed(session, user_id=ev.user_id)
        if inbound is not None and inbound.kind == "text" and (inbound.text or "").strip().isdigit():
            picked = zalo_state.choice_for(session, user_id=inbound.address, number=int(inbound.text.strip()))  # type: ignore[union-attr]
            if picked is not None:
                inbound.kind, (inbound.action, inbound.value, inbound.ref_id) = "choice", picked


def _mark_handled(rt: Runtime, key: str) -> None:
    with rt.db.unit_of_work() as session:
        inbox.mark_handled(session, channel=str(Channel.zalo), key=key)


async def handle_stored(rt: Runtime, zalo: ZaloApp, payload: dict[str, Any]) -> None:
    """Feed one stored event to the conversation, then mark it handled (left pending if this raises)."""
    ev = event_of(payload)
    inbound = inbound_of(payload, ev)
    await asyncio.to_thread(_before_conversation, rt, ev, inbound)
    if inbound is not None:
        for item in inbound.files:
            if item.hint == "document":  # a plain file: what is inside decides, not its name
                item.mime = sniff(await zalo.client.head_bytes(item.ref)) or item.mime
        await zalo.engine.handle(inbound)
    await asyncio.to_thread(_mark_handled, rt, ev.key)
