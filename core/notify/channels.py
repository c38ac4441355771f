"""Which channel carries a notification: the first of the officer's ordered channels that can carry it now.

Telegram needs a bound chat; Zalo a bound user inside the free window (48 h after their last
message, at most 8 messages), or else a ZNS template for the event and the officer's phone; the
web needs a login (the /gui inbox) or an e-mail address. When none can, the reason names each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from core.notify import zalo_state
from core.notify.models import ZaloContact
from core.org.models import ChannelAccount, Officer

DEFAULT_ORDER = ("telegram", "zalo", "web")
CHANNELS = frozenset(DEFAULT_ORDER)


@dataclass(slots=True)
class Reach:
    """What one officer can be reached on, as read from the database."""

    officer_id: int
    order: tuple[str, ...]
    accounts: dict[str, tuple[int, str]] = field(default_factory=dict)  # channel -> (account id, external id)
    zalo_window: bool = False
    phone: str | None = None
    email: str | None = None
    has_login: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    lane: str  # telegram | zalo | zns | web: the sender and the pacing lane
    address: str
    account_id: int | None = None
    template: str | None = None  # the event whose ZNS template is used


def zns_phone(phone: str | None) -> str | None:
    """A Vietnamese number as ZNS wants it (84…), or None when it is not a phone number."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("0") and len(digits) in (10, 11):
        return "84" + digits[1:]
    if digits.startswith("84") and len(digits) in (11, 12):
        return digits
    return None


def choose(reach: Reach, *, event: str, templates: set[str], lanes: set[str]) -> Route | str:
    """The route of the first channel that can carry `event` now, else why none can (one clause per channel)."""
    why: list[str] = []
    for channel in reach.order:
        if channel == "telegram":
            if "telegram" not in lanes:
                why.append("telegram: not configured")
            elif "telegram" in reach.accounts:
                account_id, chat = reach.accounts["telegram"]
                return Route("telegram", chat, account_id)
            else:
                why.append("telegram: no linked chat")
        elif channel == "zalo":
            if "zalo" not in lanes:
                why.append("zalo: not configured")
                continue
            if "zalo" not in reach.accounts:
                why.append("zalo: no linked Zalo user")
                continue
            account_id, user_id = reach.accounts["zalo"]
            if reach.zalo_window:
                return Route("zalo", user_id, account_id)
            phone = zns_phone(reach.phone)
            if "zns" in lanes and event in templates and phone:
                return Route("zns", phone, account_id, template=event)
            missing = "no ZNS template for this event" if event not in templates else (
                "no phone number" if not phone else "ZNS not configured")
            why.append(f"zalo: outside the free window (48 h / 8 messages) and {missing}")
        elif channel == "web":
            if "web" not in lanes:
                why.append("web: not configured")
            elif reach.has_login or reach.email:
                return Route("web", reach.email or f"officer:{reach.officer_id}")
            else:
                why.append("web: no login and no e-mail address")
    return "; ".join(why) or "no channel in the officer's list"


def reach_of(session: Session, *, officer_ids: set[int], now: datetime, window_hours: float,
             window_messages: int) -> dict[int, Reach]:
    """Everything `choose` needs for these active officers, in three queries."""
    if not officer_ids:
        return {}
    found: dict[int, Reach] = {}
    officers: list[Officer] = list(session.execute(select(Officer).where(
        col(Officer.id).in_(officer_ids), col(Officer.is_active).is_(True))).scalars())
    for officer in officers:
        assert officer.id is not None
        order = tuple(c for c in (officer.channel_order or DEFAULT_ORDER) if c in CHANNELS)
        found[officer.id] = Reach(officer.id, order, phone=officer.phone, email=officer.email,
                                  has_login=bool(officer.username and officer.password_hash))
    accounts: list[ChannelAccount] = list(session.execute(select(ChannelAccount).where(
        col(ChannelAccount.officer_id).in_(found), col(ChannelAccount.is_active).is_(True))
        .order_by(col(ChannelAccount.bound_at).desc())).scalars().all())
    zalo_users = []
    for account in accounts:
        reach = found[account.officer_id]
        if account.channel not in reach.accounts:  # the most recently bound account of each channel
            reach.accounts[account.channel] = (account.id, account.external_id)  # type: ignore[assignment]
            if account.channel == "zalo":
                zalo_users.append(account.external_id)
    if zalo_users:
        rows: list[ZaloContact] = list(session.execute(
            select(ZaloContact).where(col(ZaloContact.user_id).in_(zalo_users))).scalars())
        contacts = {c.user_id: c for c in rows}
        for reach in found.values():
            if "zalo" in reach.accounts:
                reach.zalo_window = zalo_state.window_open(contacts.get(reach.accounts["zalo"][1]), now=now,
                                                           hours=window_hours, messages=window_messages)
    return found
