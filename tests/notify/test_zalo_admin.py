"""The Zalo page of the admin web: the token's state, a pasted authorization code, ZNS templates per event;
the deliveries page names the channel that carried each notification."""

from __future__ import annotations

from sqlmodel import select

from core.notify.models import Notification, ZaloToken, ZnsTemplate
from core.notify.outbox import notify
from core.org.models import Officer
from tests.admin.conftest import csrf_of, sign_in  # the fixtures org and web come from tests/notify/conftest.py
from tests.bot.zalo.conftest import zalo_settings
from tests.bot.zalo.fake_zalo import ThreadedFakeZalo


def test_an_administrator_mends_a_broken_token_chain_with_a_new_code(org, web) -> None:
    with ThreadedFakeZalo() as fake:
        for key, value in zalo_settings(fake.url).items():
            setattr(org.settings, key, value)
        with org.db.unit_of_work() as s:
            s.add(ZaloToken(id=1, access_token="dead", refresh_token="spent", broken="OAuth refused: -14014"))
        fake.codes.add("CODE-FROM-ZALO")
        sign_in(web, "quantri")
        page = web.get("/notify/zalo?lang=en")
        assert "Broken: OAuth refused: -14014" in page.text
        wrong = web.post("/notify/zalo/code", data={"csrf_token": csrf_of(page.text), "code": "guess"})
        assert wrong.status_code == 422 and "-14019" in wrong.text
        r = web.post("/notify/zalo/code", data={"csrf_token": csrf_of(page.text), "code": "CODE-FROM-ZALO"})
        assert r.status_code == 200 and "valid" in web.get("/notify/zalo?lang=en").text
        with org.db.reading() as s:
            token = s.get(ZaloToken, 1)
        assert token.broken is None and token.access_token in fake.access and token.generation == 1


def test_templates_are_set_per_event_by_administrators_only(org, web) -> None:
    sign_in(web, "quantri")
    page = web.get("/notify/zalo")
    r = web.post("/notify/zalo/templates", data={"csrf_token": csrf_of(page.text), "event": "review.rejected",
                                                 "template_id": "301122", "params": "ma_tin=code, ly_do=reason"})
    assert r.status_code == 200
    with org.db.reading() as s:
        row = s.get(ZnsTemplate, "review.rejected")
    assert row.template_id == "301122" and row.params == {"ma_tin": "code", "ly_do": "reason"}
    sign_in(web, "thanhtra")  # an inspector reads the page, cannot change a template
    page = web.get("/notify/zalo")
    assert page.status_code == 200 and "301122" in page.text
    denied = web.post("/notify/zalo/templates", data={"csrf_token": csrf_of(page.text), "event": "review.rejected",
                                                      "template_id": "999"})
    assert denied.status_code == 404


def test_the_deliveries_page_shows_the_channel_used_or_why_none(org, web) -> None:
    with org.db.unit_of_work() as s:
        officer = s.exec(select(Officer).where(Officer.username == "congtacvien")).one()
        for i, (channel, state, error) in enumerate([("zns", "sent", None), (None, "undeliverable",
                                                     "no channel could carry it: telegram: no linked chat")]):
            notify(s, officer_id=officer.id, event="review.rejected", object_type="submission", object_id=i,  # type: ignore[arg-type]
                   payload={"code": f"BT-{i}", "reason": "x"})
            row = s.exec(select(Notification).where(Notification.object_id == i)).one()
            row.channel, row.state, row.error = channel, state, error
            s.add(row)
    sign_in(web, "thanhtra")
    page = web.get("/notify/deliveries").text
    assert "<td>zns</td>" in page and "telegram: no linked chat" in page


def test_an_administrator_orders_an_officers_channels_and_sets_the_email(org, web) -> None:
    with org.db.reading() as s:
        officer = s.exec(select(Officer).where(Officer.username == "congtacvien")).one()
    sign_in(web, "quantri")
    page = web.get(f"/units/{officer.unit_id}")
    assert f'action="/officers/{officer.id}/channels"' in page.text
    bad = web.post(f"/officers/{officer.id}/channels", data={"csrf_token": csrf_of(page.text), "order": "fax,web"})
    assert bad.status_code == 422
    r = web.post(f"/officers/{officer.id}/channels", data={"csrf_token": csrf_of(page.text), "order": "zalo, web",
                                                          "email": "ctv@laichau.example"})
    assert r.status_code == 200
    with org.db.reading() as s:
        officer = s.get(Officer, officer.id)
    assert officer.channel_order == ["zalo", "web"] and officer.email == "ctv@laichau.example"
