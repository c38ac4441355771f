"""An administrator ends a unit into its successor: its people and clusters move at once, and the pages say so."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core.airing.models import Cluster
from core.org.models import Officer, Unit
from tests.admin.conftest import csrf_of, ids, sign_in


def test_ending_a_unit_into_its_successor_moves_its_officers_and_clusters_and_shows_it(web, org) -> None:
    yesterday = org.settings.today() - timedelta(days=1)
    old, new = ids(org, Unit, code="X-SINHO"), ids(org, Unit, code="X-HONGTHU")
    with org.db.unit_of_work() as session:
        session.add(Officer(unit_id=old, full_name="Vàng A Sử"))
    sign_in(web, "quantri")
    listing = web.get("/units").text
    assert "xã Hồng Thu" in listing and "xã Ma Quai" not in listing  # today's map first
    former = web.get("/units?former=1").text
    assert "xã Ma Quai (huyện Sìn Hồ)" in former and "xã Hồng Thu" in former  # ... the old ones, their successors

    page = web.get(f"/units/{old}")
    saved = web.post(f"/units/{old}", data={
        "csrf_token": csrf_of(page.text), "code": "X-SINHO", "name": "Ủy ban nhân dân xã Sìn Hồ",
        "kind": "commune", "valid_from": "2025-07-01", "valid_to": yesterday.isoformat(), "successor_id": str(new),
    }, follow_redirects=False)
    assert saved.status_code == 303

    with org.db.reading() as session:
        assert session.exec(select(Officer).where(Officer.full_name == "Vàng A Sử")).one().unit_id == new
        cluster = session.exec(select(Cluster).where(Cluster.code == "SINHO")).one()
        assert cluster.operator_unit_id == new and cluster.commune_unit_id == new
    ended = web.get(f"/units/{old}").text
    assert "Sáp nhập và bàn giao" in ended and "công việc được tiếp tục tại" in ended
    assert "cán bộ: 1" in ended and "cụm thông tin: 1" in ended
    successor = web.get(f"/units/{new}").text
    assert "Hình thành từ" in successor and "Xã Ma Quai (cũ)" in successor and "cán bộ: 1" in successor
    audit_page = web.get("/audit").text
    assert "bàn giao công việc cho đơn vị kế thừa" in audit_page
