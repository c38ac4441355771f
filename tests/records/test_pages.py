"""The records pages: an operator generates, edits and finalises the year's report without typing a figure;
an inspector exports a period; the item page shows where it aired."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import select

from bangtin.webapp import create_app
from core.notify.models import Obligation
from core.records.models import AuditEvent, Report
from core.review.models import ContentItem
from tests.admin.conftest import csrf_of, sign_in
from tests.records.test_reports import DAY, _seed_year


@pytest.fixture
def web(seeded) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as client:
        yield client


def test_operator_generates_edits_and_finalises_the_annual_report(web, seeded) -> None:
    ids = _seed_year(seeded)
    sign_in(web, "vanhanh")
    page = web.get("/records/reports")
    assert page.status_code == 200 and "Ban Quản lý Khu kinh tế tỉnh Lai Châu" in page.text
    assert "Báo cáo tổng hợp" not in page.text  # the synthesis belongs to the provincial editor unit
    made = web.post(
        "/records/reports",
        data={"csrf_token": csrf_of(page.text), "kind": "annual", "unit": str(ids["unit"]), "year": "2026"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    url = made.headers["location"]
    draft = web.get(url)
    assert "18" in draft.text and "1 / 2" in draft.text  # plays; compliant board-days
    saved = web.post(
        url,
        data={"csrf_token": csrf_of(draft.text), "number": "11", "difficulties": "Đường truyền chập chờn mùa mưa."},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    preview = Document(io.BytesIO(web.get(f"{url}/docx").content))
    assert any("Đường truyền chập chờn mùa mưa." in p.text for p in preview.paragraphs)
    final = web.post(f"{url}/finalise", data={"csrf_token": csrf_of(draft.text)}, follow_redirects=False)
    assert final.status_code == 303
    with seeded.db.reading() as session:
        assert session.get(Obligation, ids["obligation"]).status == "fulfilled"
        report = session.exec(select(Report)).one()
        assert report.status == "final" and report.number == "11"
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "report.finalised")).one()
    locked = web.post(url, data={"csrf_token": csrf_of(draft.text), "difficulties": "sửa sau"})
    assert locked.status_code in (400, 409, 422)
    sign_in(web, "vanhanh.tanphong")  # another unit's operator neither sees nor opens it
    assert web.get(url).status_code == 404
    sign_in(web, "thanhtra")
    assert web.get(url).status_code == 200


def test_inspector_exports_a_period_and_sees_an_items_aired_history(web, seeded) -> None:
    _seed_year(seeded)
    sign_in(web, "thanhtra")
    assert web.get("/records/export").status_code == 200
    got = web.get("/records/export/airing", params={"start": DAY.isoformat(), "end": DAY.isoformat(), "fmt": "xlsx"})
    assert got.status_code == 200
    book = load_workbook(io.BytesIO(got.content), read_only=True)
    plays = list(book["plays"].iter_rows(values_only=True))
    assert len(plays) == 1 + 12
    # The inspector reads headers and words in Vietnamese, not column names and codes.
    assert plays[0][:4] == ("Cụm thông tin", "Bảng tin", "Số tin", "Tên tin") and "Mức ưu tiên" in plays[0]
    assert {row[plays[0].index("Quảng cáo")] for row in plays[1:]} <= {"có", "không"}
    assert {row[plays[0].index("Mức ưu tiên")] for row in plays[1:]} <= {"bình thường", "ưu tiên", "khẩn cấp"}
    with seeded.db.reading() as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "airing.exported")).one()
        item_id = session.exec(select(ContentItem).where(ContentItem.title == "Tuyên truyền biên giới")).one().id
    as_csv = web.get("/records/export/airing", params={"start": DAY.isoformat(), "end": DAY.isoformat(), "fmt": "csv"})
    lines = as_csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 13
    assert lines[0].startswith("Cụm thông tin,Bảng tin,Tên bảng tin,Số tin,Tên tin,Lĩnh vực,Bắt đầu")
    english = web.get("/records/export/airing", params={"start": DAY.isoformat(), "end": DAY.isoformat(), "fmt": "csv",
                                                        "lang": "en"})
    assert english.content.decode("utf-8-sig").startswith("Cluster,Board,Board name,Item number,Item title")
    sign_in(web, "bientap")
    page = web.get(f"/library/{item_id}")
    assert page.status_code == 200
    assert "Màn hình LED khu kiểm soát liên hợp" in page.text and ">18<" in page.text
    sign_in(web, "congtacvien")
    assert web.get("/records/export/airing", params={"start": DAY.isoformat(), "end": DAY.isoformat()}).status_code in (
        403,
        404,
    )
