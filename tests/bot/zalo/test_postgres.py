"""Zalo on PostgreSQL: the token row lock across two workers, a redelivered event handled once, the window."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

import core.migrate
import core.runtime
from bot.zalo.client import ZaloClient
from core.notify.models import ZaloContact, ZaloToken
from core.types import utcnow
from tests.bot.conftest import seed, settings_for
from tests.bot.zalo.conftest import ZHarness, attachments, zalo_settings
from tests.bot.zalo.fake_zalo import FakeZalo

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pzh(tmp_path: Path, zfake: FakeZalo, postgres_url: str) -> AsyncIterator[ZHarness]:
    rt = core.runtime.build(settings_for(tmp_path / "data", "http://127.0.0.1:9", database_url=postgres_url,
                                         **zalo_settings(zfake.url)))
    core.migrate.upgrade(rt.db.engine)
    harness = ZHarness(zfake, rt, seed(rt))
    try:
        yield harness
    finally:
        await harness.close()
        rt.close()
        core.runtime.uninstall()


async def test_three_workers_refresh_the_single_use_token_once(pzh: ZHarness) -> None:
    with pzh.rt.db.unit_of_work() as s:
        s.add(
            ZaloToken(
                id=1, access_token="AT-0", refresh_token="RT-0", access_expires_at=utcnow() + timedelta(seconds=5)
            )
        )
    pzh.fake.refresh_delay = 0.3
    clients = [ZaloClient(pzh.rt.settings, pzh.rt.db) for _ in range(3)]
    try:
        tokens = await asyncio.gather(*(c.access_token() for c in clients))
    finally:
        for c in clients:
            await c.close()
    assert len(pzh.fake.refreshes) == 1 and pzh.fake.refused_refreshes == []
    assert len({t for t, _ in tokens}) == 1


async def test_a_redelivered_album_is_one_submission_and_opens_the_window(pzh: ZHarness) -> None:
    await pzh.onboard("p300")
    urls = [pzh.fake.add_file(b"\xff\xd8\xff\xe0" + os.urandom(8_000)) for _ in range(2)]
    payload = attachments("user_send_image", "p300", [{"url": u} for u in urls])
    await asyncio.gather(pzh.post(payload), pzh.post(payload))
    assert len(pzh.submissions()) == 1
    with pzh.rt.db.reading() as s:
        contact = s.get(ZaloContact, "p300")
    assert contact.last_inbound_at is not None and contact.followed
