"""Onboarding: invites bind a Telegram chat to an officer; strangers and deactivated officers are refused."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core.intake.models import IntakeLog, Submission
from core.org import invites
from core.org.models import ChannelAccount, Invite
from core.records.audit import SYSTEM
from core.types import utcnow
from tests.bot import updates as U
from tests.bot.conftest import Harness


async def test_invited_officer_is_bound_by_deep_link(h: Harness) -> None:
    officer_id = await h.onboard(501, name="Lò Văn Minh")
    with h.rt.db.reading() as s:
        account = s.exec(select(ChannelAccount)).one()
        invite = s.exec(select(Invite)).one()
    assert (account.officer_id, account.external_id, account.is_active) == (officer_id, "501", True)
    assert invite.used_at is not None
    replies = await h.say(501, "/help")
    assert "Bạn có thể gửi" in replies[0]


async def test_short_code_typed_by_hand_binds_too(h: Harness) -> None:
    with h.rt.db.unit_of_work() as s:
        issued = invites.invite_officer(s, unit_ref="UBND xã Sìn Hồ", full_name="Tòng Thị Hoa", phone="0912345678",
                                        actor=SYSTEM)
    replies = await h.say(502, issued.short_code.lower().replace("-", " "))
    assert "Chào mừng Tòng Thị Hoa" in replies[0]


async def test_used_or_expired_invite_is_refused(h: Harness) -> None:
    with h.rt.db.unit_of_work() as s:
        issued = invites.invite_officer(s, unit_ref="XA-SINHO", full_name="Giàng A Páo", phone=None, actor=SYSTEM)
    await h.say(503, f"/start {issued.token}")
    replies = await h.say(504, f"/start {issued.token}")
    assert "đã được sử dụng" in replies[0]
    with h.rt.db.unit_of_work() as s:
        late = invites.invite_officer(s, unit_ref="XA-SINHO", full_name="Lý A Tả", phone=None, actor=SYSTEM)
        row = s.exec(select(Invite).where(Invite.id == late.invite_id)).one()
        row.expires_at = utcnow() - timedelta(minutes=1)
        s.add(row)
    replies = await h.say(505, f"/start {late.token}")
    assert "hết hạn" in replies[0]


async def test_stranger_is_refused_politely_and_nothing_is_kept(h: Harness) -> None:
    f = h.fake.add_file(b"stranger video")
    await h.send(U.text(h.fake, 900, "Cho tôi đăng quảng cáo"), U.media(h.fake, 900, "video", f))
    texts = h.new_texts(900)
    assert len(texts) == 2 and all("chỉ dành cho cán bộ đã đăng ký" in t for t in texts)
    with h.rt.db.reading() as s:
        assert s.exec(select(Submission)).all() == []
        logs = s.exec(select(IntakeLog)).all()
    assert [(row.kind, row.address) for row in logs] == [("stranger", "900")]  # one rate-limited line
    assert not any(h.rt.store.root.rglob("*/*/*"))


async def test_deactivated_officer_binding_stops_at_once(h: Harness) -> None:
    officer_id = await h.onboard(506)
    with h.rt.db.unit_of_work() as s:
        invites.deactivate_officer(s, officer_id=officer_id, actor=SYSTEM)
    replies = await h.say(506, "Thông báo lịch tiêm phòng cho trẻ em toàn xã")
    assert "đã bị khóa" in replies[0]
    with h.rt.db.reading() as s:
        assert s.exec(select(Submission)).all() == []


async def test_language_can_be_switched_to_english(h: Harness) -> None:
    await h.onboard(507)
    await h.say(507, "/lang")
    replies = await h.tap(507, "English")
    assert replies == ["Language set to English."]
    assert "What you can send" in (await h.say(507, "/help"))[0]
