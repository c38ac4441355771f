"""Reports uploaded by the obligated unit: the file fulfils a report-type obligation (issue 7.4).

The file is kept in the media store as an original `document` asset with no submission; the link to
its obligation is `MediaAsset.source_ref = "obligation:<id>"` (no extra table). Whether a file is a
document is decided from its first bytes, never from the name alone.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from sqlmodel import Session, col, select

from core.intake.models import MediaAsset
from core.notify import reminders
from core.notify.models import DeadlineRule, Obligation
from core.org.models import Officer
from core.storage import MediaStore
from core.types import AssetRole, Fulfilment, MediaKind, Role

MAX_BYTES = 50 * 1024 * 1024
UPLOAD_ROLES = frozenset({Role.operator.value, Role.editor.value, Role.administrator.value})
MIMES = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "odt": "application/vnd.oasis.opendocument.text"}
ODT_MIME = MIMES["odt"].encode()


class ReportRefused(ValueError):
    """An upload that cannot fulfil the obligation; `reason` is one of not_document, too_large, empty, closed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def source_ref(obligation_id: int) -> str:
    """The `MediaAsset.source_ref` tying a report file to its obligation."""
    return f"obligation:{obligation_id}"


def may_upload(officer: Officer, obligation: Obligation, rule: DeadlineRule) -> bool:
    """Only an operator/editor/administrator of the obligated unit, and only for a report-type rule."""
    return (officer.is_active and officer.role in UPLOAD_ROLES and officer.unit_id == obligation.unit_id
            and rule.fulfilment == Fulfilment.report.value)


def document_type(stream: BinaryIO, *, filename: str) -> str | None:
    """'pdf', 'docx' or 'odt' when the bytes are that document and the name says so; else None."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    stream.seek(0)
    head = stream.read(128)
    stream.seek(0)
    if extension == "pdf":
        return "pdf" if head.startswith(b"%PDF-") else None
    if extension not in ("docx", "odt") or not head.startswith(b"PK\x03\x04"):
        return None
    try:  # a ZIP is not yet a document: look for the part each format must have
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if extension == "docx":
                found = "word/document.xml" in names and "[Content_Types].xml" in names
            else:
                found = "content.xml" in names and "mimetype" in names and archive.read("mimetype").strip() == ODT_MIME
    except zipfile.BadZipFile:
        found = False
    stream.seek(0)
    return extension if found else None


def upload_report(session: Session, *, store: MediaStore, obligation_id: int, officer: Officer, stream: BinaryIO,
                  filename: str, max_bytes: int = MAX_BYTES) -> tuple[Obligation, MediaAsset]:
    """Store the report file and fulfil the obligation with a note naming it (access is the caller's check)."""
    obligation = session.get(Obligation, obligation_id)
    if obligation is None:
        raise LookupError(f"no obligation {obligation_id}")
    if obligation.status not in reminders.OPEN:
        raise ReportRefused("closed")
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise ReportRefused("empty")
    if size > max_bytes:
        raise ReportRefused("too_large")
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "report"
    kind = document_type(stream, filename=name)
    if kind is None:
        raise ReportRefused("not_document")
    stored = store.put_stream(stream)
    asset = MediaAsset(role=AssetRole.original.value, kind=MediaKind.document.value, sha256=stored.sha256,
                       size_bytes=stored.size_bytes, mime=MIMES[kind], filename=name, submission_id=None,
                       source_ref=source_ref(obligation_id))
    session.add(asset)
    session.flush()
    # The note is data shown to everyone, in the province's working language.
    note = f"Báo cáo tải lên: {name}"
    reminders.fulfil_by_editor(session, obligation_id=obligation_id, officer_id=officer.id,  # type: ignore[arg-type]
                               note=note)
    if obligation.note != note or obligation.fulfilled_by_id != officer.id:  # someone fulfilled it in between
        session.delete(asset)  # the caller's unit of work may still commit: leave no stray report behind
        session.flush()
        raise ReportRefused("closed")
    return obligation, asset


def reports_for(session: Session, *, obligation_ids: list[int]) -> dict[int, MediaAsset]:
    """The latest uploaded report of each obligation that has one."""
    if not obligation_ids:
        return {}
    refs = {source_ref(i): i for i in obligation_ids}
    rows = session.exec(select(MediaAsset).where(col(MediaAsset.source_ref).in_(list(refs)),
                                                 col(MediaAsset.submission_id).is_(None))
                        .order_by(col(MediaAsset.id))).all()
    return {refs[a.source_ref]: a for a in rows if a.source_ref is not None}
