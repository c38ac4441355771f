"""Library search and reuse, clusters and windows, units and invites, the audit log, the JSON API."""

from __future__ import annotations

import re

from sqlmodel import select

from core.airing.models import Cluster
from core.org.models import Invite, Officer, Unit
from core.records.models import AuditEvent
from core.review.models import ContentItem
from tests.admin.conftest import csrf_of, ids, make_submission, sign_in


def _approve(web, org, sid: int, cluster: str, title: str) -> None:
    page = web.get(f"/review/{sid}")
    web.post(
        f"/review/{sid}/approve",
        data={
            "csrf_token": csrf_of(page.text),
            "clusters": [ids(org, Cluster, code=cluster)],
            "valid_from": "2026-12-01",
            "valid_to": "2026-12-07",
            "priority": "normal",
            "title": title,
        },
    )


def test_library_finds_vietnamese_words_typed_without_diacritics(web, org) -> None:
    sid = make_submission(org)
    other = make_submission(org)
    sign_in(web, "bientap")
    _approve(web, org, sid, "MLT", "Cảnh báo lũ quét ở Mường Tè")
    _approve(web, org, other, "MLT", "Hội chợ nông sản Đoàn Kết")
    for query in ("lu quet", "LŨ QUÉT", "muong te"):
        page = web.get("/library", params={"q": query}).text
        assert "Cảnh báo lũ quét" in page and "Hội chợ" not in page, query
    assert "Hội chợ nông sản" in web.get("/library", params={"q": "doan ket"}).text
    assert "Tổng cộng 2" in web.get("/library", params={"cluster": ids(org, Cluster, code="MLT")}).text


def test_an_item_is_reused_for_another_period_and_cluster(web, org) -> None:
    sid = make_submission(org)
    sign_in(web, "bientap")
    _approve(web, org, sid, "MLT", "Tin tái sử dụng")
    with org.db.reading() as session:
        item = session.exec(select(ContentItem).where(ContentItem.submission_id == sid)).one()
    page = web.get(f"/library/{item.id}")
    reused = web.post(f"/library/{item.id}/reuse", data={"csrf_token": csrf_of(page.text),
                                                         "clusters": [ids(org, Cluster, code="UMTK")],
                                                         "valid_from": "2027-01-01", "valid_to": "2027-01-10"},
                      follow_redirects=False)
    assert reused.status_code == 303
    assert "Tin tái sử dụng" in web.get(reused.headers["location"]).text
    sign_in(web, "vanhanh.tanphong")
    assert web.get(f"/library/{item.id}").status_code == 404


def test_windows_under_three_hours_are_refused_with_the_shortfall(web, org) -> None:
    sign_in(web, "vanhanh.tanphong")
    cid = ids(org, Cluster, code="TANPHONG")
    page = web.get(f"/clusters/{cid}")
    short = web.post(f"/clusters/{cid}/windows", data={"csrf_token": csrf_of(page.text),
                                                       "part": ["morning", "afternoon"], "start": ["07:00", "14:00"],
                                                       "end": ["09:30", "17:00"]})
    assert short.status_code == 422
    assert "buổi sáng chỉ có 2 h 30 min; còn thiếu 0 h 30 min" in short.text
    fine = web.post(f"/clusters/{cid}/windows", data={"csrf_token": csrf_of(page.text),
                                                      "part": ["morning", "afternoon"], "start": ["06:00", "13:00"],
                                                      "end": ["09:00", "16:30"]}, follow_redirects=False)
    assert fine.status_code == 303
    assert "06:00" in web.get(f"/clusters/{cid}").text
    assert web.get(f"/clusters/{ids(org, Cluster, code='MLT')}").status_code == 404


def test_cluster_ad_cap_and_boards_are_edited_by_the_operator(web, org) -> None:
    sign_in(web, "vanhanh")
    cid = ids(org, Cluster, code="MLT")
    page = web.get(f"/clusters/{cid}")
    saved = web.post(f"/clusters/{cid}", data={"csrf_token": csrf_of(page.text), "code": "MLT", "name": "Cụm MLT",
                                                "kind": "public", "operator_unit_id": "1", "ad_cap_percent": "5",
                                                "is_active": "1"}, follow_redirects=False)
    assert saved.status_code == 303
    with org.db.reading() as session:
        cluster = session.get(Cluster, cid)
    assert cluster.ad_cap_percent == 5 and cluster.kind == "border_gate"  # only administrators change the kind
    bad = web.post(f"/clusters/{cid}", data={"csrf_token": csrf_of(page.text), "code": "MLT", "name": "X",
                                              "kind": "border_gate", "operator_unit_id": "1", "ad_cap_percent": "150"})
    assert bad.status_code == 422 and "từ 0 đến 100" in bad.text
    web.post(
        f"/clusters/{cid}/boards", data={"csrf_token": csrf_of(page.text), "code": "mlt-09", "name": "Màn hình mới"}
    )
    assert "MLT-09" in web.get(f"/clusters/{cid}").text


def test_units_are_effective_dated_and_invites_show_a_qr_code(web, org) -> None:
    sign_in(web, "quantri")
    page = web.get("/units/new")
    made = web.post("/units", data={"csrf_token": csrf_of(page.text), "code": "x-moi", "name": "Xã Mới",
                                    "kind": "commune", "valid_from": "2025-07-01"}, follow_redirects=False)
    assert made.status_code == 303
    bad = web.post(
        "/units",
        data={
            "csrf_token": csrf_of(page.text),
            "code": "X-SAI",
            "name": "Xã Sai",
            "kind": "commune",
            "valid_from": "2025-07-01",
            "valid_to": "2025-01-01",
        },
    )
    assert bad.status_code == 422 and "kết thúc trước khi bắt đầu" in bad.text
    sign_in(web, "vanhanh.tanphong")
    uid = ids(org, Unit, code="P-TANPHONG")
    unit_page = web.get(f"/units/{uid}")
    web.post(f"/units/{uid}/officers", data={"csrf_token": csrf_of(unit_page.text), "full_name": "Lường Văn Mới"})
    officer_id = ids(org, Officer, full_name="Lường Văn Mới")
    invited = web.post(f"/officers/{officer_id}/invite", data={"csrf_token": csrf_of(unit_page.text)})
    assert "<svg" in invited.text and re.search(r'id="invite-code">[A-Z0-9]{4}-[A-Z0-9]{4}<', invited.text)
    web.post(f"/officers/{officer_id}/deactivate", data={"csrf_token": csrf_of(unit_page.text)})
    with org.db.reading() as session:
        assert session.get(Officer, officer_id).is_active is False
        assert session.exec(select(Invite).where(Invite.officer_id == officer_id)).one().revoked_at is not None
    other = ids(org, Officer, username="vanhanh")
    assert web.post(f"/officers/{other}/deactivate", data={"csrf_token": csrf_of(unit_page.text)}).status_code == 404


def test_deactivated_officers_submissions_stay_readable(web, org) -> None:
    sid = make_submission(org, username="congtacvien")
    with org.db.unit_of_work() as session:
        officer = session.exec(select(Officer).where(Officer.username == "congtacvien")).one()
        officer.is_active = False
        session.add(officer)
    sign_in(web, "bientap")
    page = web.get(f"/review/{sid}")
    assert page.status_code == 200 and "Giàng A Páo" in page.text and "đã ngừng hoạt động" in page.text


def test_audit_log_viewer_filters_and_exports_csv(web, org) -> None:
    sign_in(web, "thanhtra")
    page = web.get("/audit", params={"action": "auth."})
    assert page.status_code == 200 and "auth.login" in page.text and "cluster.created" not in page.text
    csv = web.get("/audit.csv", params={"action": "auth."})
    assert csv.headers["content-type"].startswith("text/csv")
    # The inspector reads Vietnamese headers and words, not column names and codes.
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0] == ("STT,Thời điểm,Người thực hiện,Kênh,Địa chỉ,Hành động,Đối tượng,Số hiệu đối tượng,"
                        "Trước khi đổi,Sau khi đổi,Mã băm chuỗi")
    login = next(line for line in lines[1:] if ",đăng nhập," in line)
    assert ",trang web," in login and "auth.login" not in csv.text
    english = web.get("/audit.csv", params={"action": "auth.", "lang": "en"}).text.lstrip("\ufeff").splitlines()
    assert english[0].startswith("No.,Time,Who,Channel,Address,Action,Object") and ",logged in," in english[1]
    with org.db.reading() as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "audit.exported")).first() is not None
    sign_in(web, "bientap")
    assert web.get("/audit").status_code == 404 and web.get("/audit.csv").status_code == 404


def _token(web, username: str) -> str:
    sign_in(web, username)
    page = web.get("/account")
    made = web.post("/account/tokens", data={"csrf_token": csrf_of(page.text), "name": "nguồn", "days": "30"})
    return re.search(r'id="new-token">(bt_[^<]+)<', made.text).group(1)


def test_api_answers_with_the_same_scoping_as_the_pages(web, org) -> None:
    border = make_submission(org, target_kind="border_gate")
    mine = make_submission(org, target_kind="cluster", cluster="TANPHONG")
    editor = {"Authorization": f"Bearer {_token(web, 'bientap')}"}
    operator = {"Authorization": f"Bearer {_token(web, 'vanhanh.tanphong')}"}
    web.cookies.clear()
    assert web.get("/api/v1/submissions").status_code == 401
    assert web.get("/api/v1/submissions", headers={"Authorization": "Bearer bt_forged"}).status_code == 401
    seen = {s["id"] for s in web.get("/api/v1/submissions", headers=editor).json()["items"]}
    assert border in seen
    seen_op = {s["id"] for s in web.get("/api/v1/submissions", headers=operator).json()["items"]}
    assert mine in seen_op and border not in seen_op
    assert web.get(f"/api/v1/submissions/{border}", headers=operator).status_code == 404
    assert [c["code"] for c in web.get("/api/v1/clusters", headers=operator).json()] == ["TANPHONG"]
    assert web.get(f"/api/v1/clusters/{ids(org, Cluster, code='MLT')}", headers=operator).status_code == 404
    assert {b["code"] for b in web.get("/api/v1/boards", headers=operator).json()} == {"TANPHONG-01", "TANPHONG-02"}
    assert any(u["code"] == "SVHTTDL" for u in web.get("/api/v1/units", headers=operator).json())
    assert web.get("/api/v1/content-items", headers=editor).json()["total"] == 0
    schema = web.get("/openapi.json").json()
    assert "/api/v1/submissions" in schema["paths"] and "/review" not in schema["paths"]
