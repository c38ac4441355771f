"""An advertisement is approved only with its advertiser's name, address and licence; the item page shows them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from bangtin.webapp import create_app
from core.airing.models import Cluster
from core.review.models import ContentItem
from tests.admin.conftest import csrf_of, ids, make_submission, sign_in


@pytest.fixture
def web(org) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=org), base_url="http://127.0.0.1:8765") as client:
        yield client


def test_an_advert_needs_its_advertiser(web, org) -> None:
    sid = make_submission(org, category="5")
    sign_in(web, "bientap")
    page = web.get(f"/review/{sid}")
    assert 'name="advertiser_name"' in page.text
    form = {"csrf_token": csrf_of(page.text), "clusters": [ids(org, Cluster, code="MLT")], "valid_from": "2026-12-01",
            "valid_to": "2026-12-07", "priority": "normal", "title": "Quảng cáo homestay"}
    refused = web.post(f"/review/{sid}/approve", data=form)
    assert refused.status_code == 422
    with org.db.reading() as session:
        assert session.exec(select(ContentItem).where(ContentItem.submission_id == sid)).first() is None
    done = web.post(f"/review/{sid}/approve", data={**form, "advertiser_name": "Homestay Sìn Hồ",
                                                    "advertiser_address": "xã Sìn Hồ, tỉnh Lai Châu",
                                                    "ad_licence_ref": "35/GPKD"}, follow_redirects=False)
    assert done.status_code == 303
    with org.db.reading() as session:
        item = session.exec(select(ContentItem).where(ContentItem.submission_id == sid)).one()
    assert (item.advertiser_name, item.advertiser_address, item.ad_licence_ref) == (
        "Homestay Sìn Hồ", "xã Sìn Hồ, tỉnh Lai Châu", "35/GPKD")
    shown = web.get(f"/library/{item.id}").text
    assert "Homestay Sìn Hồ" in shown and "35/GPKD" in shown
    plain = make_submission(org, category="1")
    assert 'name="advertiser_name"' not in web.get(f"/review/{plain}").text
