"""Intake housekeeping: old update ids, log lines and expired partial uploads go; a run leaves a row."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot import tasks
from core.intake.models import InboundUpdate, IntakeLog, ProcessedUpdate, Submission, UploadSession
from core.records.models import TaskRun
from core.runtime import Runtime
from core.types import utcnow
from tests.bot.conftest import Seed


def test_purge_forgets_old_bookkeeping_and_is_safe_twice(rt: Runtime, seeded: Seed) -> None:
    old = utcnow() - timedelta(days=40)
    with rt.db.unit_of_work() as s:
        s.add_all([ProcessedUpdate(channel="telegram", key="1:1", processed_at=old),
                   ProcessedUpdate(channel="telegram", key="1:2"),
                   IntakeLog(channel="telegram", address="9", kind="stranger", created_at=old),
                   InboundUpdate(channel="telegram", key="1:1", payload={}, received_at=old, handled_at=old),
                   InboundUpdate(channel="telegram", key="1:3", payload={}, received_at=old)])  # never handled: kept
        from core.org.models import Officer
        officer = Officer(unit_id=seeded.commune_id, full_name="A")
        s.add(officer)
        s.flush()
        sub = Submission(officer_id=officer.id, unit_id=seeded.commune_id, channel="telegram")  # type: ignore[arg-type]
        s.add(sub)
        s.flush()
        upload = UploadSession(token_hash="x" * 64, submission_id=sub.id, officer_id=officer.id,  # type: ignore[arg-type]
                               expires_at=old)
        s.add(upload)
        s.flush()
        part = rt.settings.data_path / "uploads" / f"{upload.id}.part"
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(b"half a clip")
    assert tasks.purge() == {"processed_updates": 1, "inbox": 1, "intake_log": 1, "upload_parts": 1}
    assert tasks.purge() == {"processed_updates": 0, "inbox": 0, "intake_log": 0, "upload_parts": 0}
    with rt.db.reading() as s:
        assert [u.key for u in s.exec(select(ProcessedUpdate))] == ["1:2"]
        assert [u.key for u in s.exec(select(InboundUpdate))] == ["1:3"]
        assert len(s.exec(select(TaskRun).where(TaskRun.name == "intake.purge")).all()) == 2
    assert not part.exists()
