"""Large files: personal, single-use, expiring upload links with resumable chunks (offset protocol)."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from core.db import after_commit
from core.errors import FieldInvalid, NotFound
from core.intake import service as intake
from core.intake.models import Submission, UploadSession
from core.intake.rules import IncomingFile, IntakeRefused, classify
from core.queue import Queue
from core.records.audit import Actor
from core.storage import MediaStore, StoredObject
from core.types import MediaKind, SubmissionState, utcnow
from i18n.labels import N_

UPLOAD_TTL = timedelta(hours=48)


class UploadGone(NotFound):
    """The link expired or was already used."""


@dataclass(frozen=True, slots=True)
class IssuedUpload:
    upload_id: int
    token: str
    expires_at: object


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_upload(
    session: Session, *, submission: Submission, item: IncomingFile, ttl: timedelta = UPLOAD_TTL
) -> IssuedUpload:
    """Issue the link for one large file of `submission` (the token is shown once)."""
    token = secrets.token_urlsafe(24)
    row = UploadSession(
        token_hash=_hash(token), submission_id=submission.id, officer_id=submission.officer_id,  # type: ignore[arg-type]
        filename=item.filename, mime=item.mime, source_ref=item.source_ref, declared_size=item.size,
        expires_at=utcnow() + ttl,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return IssuedUpload(row.id, token, row.expires_at)


def find_upload(session: Session, *, token: str) -> UploadSession:
    """The open upload behind a link token, or UploadGone."""
    row = session.exec(select(UploadSession).where(UploadSession.token_hash == _hash(token))).first()
    if row is None:
        raise NotFound("no such upload link")
    if row.completed_at is not None or row.expires_at <= utcnow():
        raise UploadGone("this upload link was used or has expired")
    sub = session.get(Submission, row.submission_id)
    if sub is None or sub.state == str(SubmissionState.cancelled):
        raise UploadGone("the submission was cancelled")
    return row


def part_path(data_dir: Path, upload_id: int) -> Path:
    folder = data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{upload_id}.part"


def current_offset(data_dir: Path, upload_id: int) -> int:
    path = part_path(data_dir, upload_id)
    return path.stat().st_size if path.exists() else 0


# The refusals of a chunk, English catalog ids the page shows in the officer's language (bot.po).
TOO_BIG = N_("The file must be between 1 byte and %(limit)d MB.")
WRONG_OFFSET = N_("The server has %(have)d bytes of this file, not %(offset)d.")
LENGTH_CHANGED = N_(
    "The file changed size during the upload (%(before)d bytes at first, now %(after)d). "
    "Choose the same file again to carry on."
)
TOO_MANY_BYTES = N_("More bytes arrived than the file size announced.")


def append_chunk(
    *, data_dir: Path, upload: UploadSession, offset: int, total: int, chunk: bytes, max_bytes: int
) -> int:
    """Write a chunk at `offset` (must equal what the server has); returns the new offset.

    The first chunk fixes the file's length: a later chunk announcing another one belongs to another
    file (or a changed one), so it is refused and what arrived so far is kept for the right file.
    """
    if total <= 0 or total > max_bytes:
        raise FieldInvalid(TOO_BIG, field="Upload-Length", limit=max_bytes // (1024 * 1024))
    assert upload.id is not None
    have = current_offset(data_dir, upload.id)
    if upload.total_size and have and total != upload.total_size:
        raise FieldInvalid(LENGTH_CHANGED, field="Upload-Length", before=upload.total_size, after=total)
    if offset != have:
        raise FieldInvalid(WRONG_OFFSET, field="Upload-Offset", have=have, offset=offset)
    if have + len(chunk) > total:
        raise FieldInvalid(TOO_MANY_BYTES, field="Upload-Length")
    with part_path(data_dir, upload.id).open("ab") as handle:
        handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())  # a resumed upload trusts what the server says it has
    return have + len(chunk)


def record_progress(session: Session, *, upload_id: int, total: int, received: int) -> None:
    """Remember the announced size and how much arrived (for the page and for operators)."""
    row = session.get(UploadSession, upload_id)
    if row is not None:
        row.total_size, row.received_bytes = total, received
        session.add(row)


def store_part(*, data_dir: Path, upload: UploadSession, store: MediaStore) -> StoredObject:
    """Copy the finished file into the media store (before the unit of work: it may take a while)."""
    assert upload.id is not None
    return store.put_file(part_path(data_dir, upload.id))


def complete_upload(
    session: Session, *, upload: UploadSession, stored: StoredObject, data_dir: Path, queue: Queue, actor: Actor,
) -> Submission:
    """Attach the stored file to its submission and close the link; a sent submission's media job is queued."""
    assert upload.id is not None
    path = part_path(data_dir, upload.id)
    sub = session.get(Submission, upload.submission_id)
    assert sub is not None
    item = IncomingFile(hint="upload", ref=str(path), mime=upload.mime, filename=upload.filename)
    try:
        kind = classify(item, documents_allowed=True)
    except IntakeRefused:  # the page sent an oddly named file: keep it, the media stage decides
        kind = MediaKind(sub.kind or "video")
    asset = intake.attach_asset(session, submission=sub, stored=stored, kind=kind, actor=actor, mime=upload.mime,
                                filename=upload.filename, source_ref=upload.source_ref, order=10**6)
    upload.completed_at = utcnow()
    upload.received_bytes = stored.size_bytes
    upload.media_asset_id = asset.id if asset else None
    session.add(upload)
    session.flush()
    if sub.state != str(SubmissionState.draft) and asset is not None:
        queue.defer(session, "media.process", submission_id=sub.id)
    after_commit(session, lambda: path.unlink(missing_ok=True))  # only once the row says it is stored
    return sub


def pending_uploads(session: Session, *, submission_id: int) -> int:
    rows = session.exec(
        select(UploadSession.id).where(
            UploadSession.submission_id == submission_id, col(UploadSession.completed_at).is_(None)
        )
    ).all()
    return len(rows)
