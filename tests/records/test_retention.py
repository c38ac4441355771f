"""Retention keeps everything younger than the limit, removes only what the newest snapshot holds, keeps the
reports' figures (summaries) and the audit chain verifiable from a signed checkpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from core.airing.models import Board, Heartbeat, Play
from core.notify.models import Notification
from core.org.models import Officer
from core.records import audit, backup, retention
from core.records.models import AuditCheckpoint, AuditEvent
from core.reports import figures


def _play(session, board, uid: str, start: datetime) -> None:
    session.add(Play(board_id=board.id, play_uid=uid, started_at=start, ended_at=start + timedelta(minutes=30)))


def test_retention_cuts_only_old_rows_that_a_snapshot_holds(seeded, tmp_path) -> None:
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(days=370)  # every audit event so far is past 366 days
    old_day = (now - timedelta(days=200)).astimezone(seeded.settings.tz).replace(hour=8, minute=0, second=0)
    with seeded.db.unit_of_work() as session:
        board = session.exec(select(Board).where(Board.code == "MLT-01")).one()
        officer = session.exec(select(Officer).where(Officer.username == "vanhanh")).one()
        _play(session, board, "old", old_day.astimezone(UTC))
        _play(session, board, "young", now - timedelta(days=10))
        session.add(Heartbeat(board_id=board.id, received_at=now - timedelta(days=200)))
        session.add(Heartbeat(board_id=board.id, received_at=now - timedelta(days=1)))
        session.add(
            Notification(
                dedupe_key="a", officer_id=officer.id, event="x", state="sent", created_at=now - timedelta(days=200)
            )
        )
        session.add(
            Notification(
                dedupe_key="b", officer_id=officer.id, event="x", state="queued", created_at=now - timedelta(days=200)
            )
        )
        board_id = board.id
    backups = tmp_path / "backups"
    with seeded.db.unit_of_work() as session:  # without a snapshot nothing goes
        skipped = retention.enforce(session, settings=seeded.settings, now=now, backup_dir=backups)
        assert skipped.skipped and skipped.plays == 0
    backup.make_backup(seeded, backup_dir=backups, keep_days=400, now=datetime.now(UTC))
    with seeded.db.unit_of_work() as session:  # an old row that arrived after the snapshot stays
        _play(session, session.get(Board, board_id), "late", old_day.astimezone(UTC) + timedelta(hours=1))
        audit_before = len(session.exec(select(AuditEvent)).all())
    with seeded.db.unit_of_work() as session:
        done = retention.enforce(session, settings=seeded.settings, now=now, backup_dir=backups)
    assert (done.plays, done.heartbeats, done.notifications) == (1, 1, 1)
    assert done.audit_events == audit_before and done.checkpoint_seq == audit_before
    with seeded.db.reading() as session:
        assert sorted(p.play_uid for p in session.exec(select(Play)).all()) == ["late", "young"]
        assert len(session.exec(select(Heartbeat)).all()) == 1
        assert [n.dedupe_key for n in session.exec(select(Notification)).all()] == ["b"]
        checkpoint = session.exec(select(AuditCheckpoint)).one()
        assert checkpoint.seq == audit_before
        assert audit.verify(session, key=seeded.settings.audit_hmac_key()).ok
        assert not audit.verify(session, key=b"another-key-of-sufficient-length-000000").ok
        # The removed play still counts in a report of its day, beside the late one still present.
        f = figures.report_figures(
            session, unit_id=None, period_start=old_day.date(), period_end=old_day.date(), tz=seeded.settings.tz
        )
        assert f["plays"] == 2 and f["hours_aired"] == 1.0
    with seeded.db.unit_of_work() as session:  # the chain goes on from the checkpoint
        audit.record(session, actor=audit.SYSTEM, action="test.after_cut")
    with seeded.db.reading() as session:
        assert audit.verify(session, key=seeded.settings.audit_hmac_key()).ok
    with seeded.db.unit_of_work() as session:  # a second run removes nothing more
        again = retention.enforce(session, settings=seeded.settings, now=now, backup_dir=backups)
        assert (again.plays, again.heartbeats, again.notifications, again.audit_events) == (0, 0, 0, 0)
