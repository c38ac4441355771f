"""A report-type obligation is fulfilled by its unit uploading the report file, over HTTP."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from sqlmodel import select

from core.intake.models import MediaAsset
from core.notify import reminders
from core.notify.models import Obligation
from core.notify.tasks import run_reminders
from core.org.models import Officer
from core.records import report_files as reports
from core.records.models import AuditEvent
from tests.admin.conftest import csrf_of, sign_in

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _operator_obligation(rt) -> int:
    """The open yearly-report obligation (D14.1-NAM) of vanhanh's unit."""
    run_reminders(rt, now=datetime.now(UTC))
    with rt.db.reading() as s:
        unit_id = s.exec(select(Officer).where(Officer.username == "vanhanh")).one().unit_id
        shown = reminders.overview(s, today=datetime.now(rt.settings.tz).date())
    found = [o for rule, rows in shown if rule.code == "D14.1-NAM" for o, _ in rows if o.unit_id == unit_id]
    assert found and found[0].status in ("open", "overdue")
    return found[0].id  # type: ignore[return-value]


def _upload(web, ob_id: int, name: str, data: bytes, mime: str = "application/pdf"):
    token = csrf_of(web.get("/notify/obligations?lang=vi").text)
    return web.post(f"/notify/obligations/{ob_id}/report", data={"csrf_token": token},
                    files={"file": (name, data, mime)}, follow_redirects=False)


def test_the_unit_uploads_its_report_and_the_obligation_is_fulfilled(org, web) -> None:
    ob_id = _operator_obligation(org)
    sign_in(web, "vanhanh")
    page = web.get("/notify/obligations?lang=vi")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    answer = _upload(web, ob_id, "Báo cáo năm 2026.pdf", PDF)
    assert answer.status_code == 303
    with org.db.reading() as s:
        ob = s.get(Obligation, ob_id)
        asset = s.exec(select(MediaAsset).where(MediaAsset.source_ref == f"obligation:{ob_id}")).one()
        audited = s.exec(select(AuditEvent).where(AuditEvent.action == "obligation.fulfilled")).all()
    assert ob is not None and ob.status == "fulfilled" and "Báo cáo năm 2026.pdf" in (ob.note or "")
    assert (asset.role, asset.kind, asset.submission_id, asset.mime) == (
        "original",
        "document",
        None,
        "application/pdf",
    )
    assert org.store.exists(asset.sha256)
    assert len(audited) == 1 and audited[0].object_id in (ob_id, str(ob_id))
    # Downloadable by the unit and by a provincial editor; the page links it.
    assert f"/notify/obligations/{ob_id}/report" in web.get("/notify/obligations").text
    got = web.get(f"/notify/obligations/{ob_id}/report")
    assert got.status_code == 200 and got.content == PDF and "attachment" in got.headers["content-disposition"]
    sign_in(web, "bientap")
    assert web.get(f"/notify/obligations/{ob_id}/report").content == PDF
    # Fulfilled: a second upload is refused, nothing new is stored.
    sign_in(web, "vanhanh")
    again = _upload(web, ob_id, "lan2.pdf", PDF + b"%x")
    assert again.status_code in (404, 422)


def test_an_officer_of_another_unit_gets_404(org, web) -> None:
    ob_id = _operator_obligation(org)
    for user in ("vanhanh.tanphong", "congtacvien", "thanhtra"):
        sign_in(web, user)
        token = csrf_of(web.get("/notify/rules").text) if user == "thanhtra" else csrf_of(web.get("/home").text)
        answer = web.post(f"/notify/obligations/{ob_id}/report", data={"csrf_token": token},
                          files={"file": ("r.pdf", PDF, "application/pdf")}, follow_redirects=False)
        assert answer.status_code == 404, user
    assert web.get(f"/notify/obligations/{ob_id}/report").status_code == 404  # nothing uploaded yet
    with org.db.reading() as s:
        assert s.get(Obligation, ob_id).status in ("open", "overdue")  # type: ignore[union-attr]
        assert s.exec(select(MediaAsset).where(MediaAsset.source_ref == f"obligation:{ob_id}")).first() is None


def test_a_file_that_is_not_a_document_is_refused_in_vietnamese(org, web) -> None:
    ob_id = _operator_obligation(org)
    sign_in(web, "vanhanh")
    fake_zip = io.BytesIO()
    with zipfile.ZipFile(fake_zip, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    for name, data in (("setup.exe", b"MZ\x90\x00" + b"\x00" * 64), ("bao-cao.pdf", b"\x00\x13random bytes" * 10),
                       ("bao-cao.docx", fake_zip.getvalue()), ("bao-cao.odt", PDF)):
        answer = _upload(web, ob_id, name, data, "application/octet-stream")
        assert answer.status_code == 422, name
        assert "Tệp không phải là tài liệu PDF, DOCX hoặc ODT" in answer.text, name
    with org.db.reading() as s:
        assert s.get(Obligation, ob_id).status in ("open", "overdue")  # type: ignore[union-attr]
        assert s.exec(select(MediaAsset).where(MediaAsset.source_ref == f"obligation:{ob_id}")).first() is None


def test_a_docx_report_is_accepted(org, web) -> None:
    ob_id = _operator_obligation(org)
    sign_in(web, "vanhanh")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert _upload(web, ob_id, "bao-cao.docx", docx.getvalue()).status_code == 303
    with org.db.reading() as s:
        assert s.get(Obligation, ob_id).status == "fulfilled"  # type: ignore[union-attr]


def test_an_oversized_or_empty_file_is_refused(org) -> None:
    ob_id = _operator_obligation(org)
    with org.db.unit_of_work() as s:
        officer = s.exec(select(Officer).where(Officer.username == "vanhanh")).one()
        for data, reason in ((PDF * 10, "too_large"), (b"", "empty")):
            try:
                reports.upload_report(s, store=org.store, obligation_id=ob_id, officer=officer,
                                      stream=io.BytesIO(data), filename="r.pdf", max_bytes=len(PDF) * 5)
            except reports.ReportRefused as refused:
                assert refused.reason == reason
            else:
                raise AssertionError(f"{reason} was accepted")
        assert s.get(Obligation, ob_id).status in ("open", "overdue")  # type: ignore[union-attr]
