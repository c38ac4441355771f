"""The audit log: append-only in the database, and tampering is found by `audit verify`."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.records import audit
from core.types import Channel

EDITOR = audit.Actor(label="bientap", channel=Channel.web, officer_id=None, address="10.0.0.5")


def _append(rt, n: int) -> None:
    for i in range(n):
        with rt.db.unit_of_work() as session:
            audit.record(session, actor=EDITOR, action="unit.updated", object_type="unit", object_id=i,
                         before={"name": "Sở Thông tin và Truyền thông"}, after={"name": "Sở Khoa học và Công nghệ"})


def test_events_record_who_what_when_where_and_verify(rt_any) -> None:
    _append(rt_any, 3)
    with rt_any.db.reading() as session:
        report = audit.verify(session)
        first = session.exec(text("SELECT actor_label, channel, address, action FROM audit_event WHERE seq = 1")).one()
    assert report.ok and report.events == 3
    assert tuple(first) == ("bientap", "web", "10.0.0.5", "unit.updated")


def test_update_and_delete_are_refused_by_the_database(rt_any) -> None:
    _append(rt_any, 1)
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            with rt_any.db.unit_of_work() as session:
                session.exec(text(statement))


def test_tampering_behind_the_triggers_is_detected(rt) -> None:
    _append(rt, 5)
    with rt.db.unit_of_work() as session:  # an attacker with database access
        session.exec(text("DROP TRIGGER audit_event_no_update"))
        session.exec(text("UPDATE audit_event SET after = '{\"name\": \"forged\"}' WHERE seq = 3"))
    with rt.db.reading() as session:
        report = audit.verify(session)
    assert not report.ok
    assert report.broken_at == 3
    assert report.events == 2


def test_a_deleted_event_breaks_the_chain(rt) -> None:
    _append(rt, 4)
    with rt.db.unit_of_work() as session:
        session.exec(text("DROP TRIGGER audit_event_no_delete"))
        session.exec(text("DELETE FROM audit_event WHERE seq = 2"))
    with rt.db.reading() as session:
        report = audit.verify(session)
    assert not report.ok and report.broken_at == 3


def test_concurrent_appenders_keep_one_linear_chain(rt_any) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            _append(rt_any, 10)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with rt_any.db.reading() as session:
        report = audit.verify(session)
    assert report.ok and report.events == 40


# --- issue 16 item 6: truncation and recomputation are seen ---------------------------------------

def _attacker(rt, *statements: str) -> None:
    """Someone with the database (not the key, not the backup directory) edits it behind the triggers."""
    with rt.db.unit_of_work() as session:
        session.exec(text("DROP TRIGGER IF EXISTS audit_event_no_update"))
        session.exec(text("DROP TRIGGER IF EXISTS audit_event_no_delete"))
        for statement in statements:
            session.exec(text(statement))


def _verify(rt) -> audit.ChainReport:
    with rt.db.reading() as session:
        return audit.verify(session, checkpoints=audit.read_checkpoints(rt.settings))


def _checkpoint(rt) -> None:
    with rt.db.reading() as session:
        audit.write_checkpoint(session, settings=rt.settings)


def test_deleting_the_newest_events_is_seen_against_the_checkpoint(rt) -> None:
    _append(rt, 6)
    _checkpoint(rt)
    assert _verify(rt).ok
    _attacker(rt, "DELETE FROM audit_event WHERE seq > 4")
    report = _verify(rt)
    assert not report.ok and "checkpoint" in report.reason


def test_deleting_every_event_is_seen(rt) -> None:
    _append(rt, 3)
    _checkpoint(rt)
    _attacker(rt, "DELETE FROM audit_event")
    assert not _verify(rt).ok


def test_an_edit_recomputed_with_the_codes_own_digest_is_seen(rt) -> None:
    import hashlib
    import json

    _append(rt, 4)
    # The attacker edits event 2 and recomputes every hash from there with a plain SHA-256 of the
    # canonical payload (the old digest, which needed no secret).
    with rt.db.reading() as session:
        rows = session.exec(text("SELECT seq, occurred_at, actor_id, actor_label, channel, address, action, "
                                 "object_type, object_id, before, after FROM audit_event ORDER BY seq")).all()
    prev, statements = None, []
    for row in rows:
        seq = row[0]
        after = {"name": "forged"} if seq == 2 else json.loads(row[10]) if row[10] else None
        prev = prev or audit.GENESIS
        occurred = row[1] if isinstance(row[1], str) else row[1].isoformat()
        payload = {"seq": seq, "occurred_at": occurred.replace(" ", "T") if "T" not in occurred else occurred,
                   "actor_id": row[2], "actor_label": row[3], "channel": row[4], "address": row[5], "action": row[6],
                   "object_type": row[7], "object_id": row[8], "before": json.loads(row[9]) if row[9] else None,
                   "after": after, "prev_hash": prev}
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False,
                                           separators=(",", ":")).encode()).hexdigest()
        statements.append(f"UPDATE audit_event SET after = '{json.dumps(after)}', prev_hash = 'x{seq}', "
                          f"hash = 'y{seq}' WHERE seq = {seq}")
        statements.append(f"UPDATE audit_event SET prev_hash = '{prev}', hash = '{digest}' WHERE seq = {seq}")
        prev = digest
    _attacker(rt, *statements)
    assert not _verify(rt).ok


def test_a_forged_checkpoint_is_refused(rt) -> None:
    _append(rt, 2)
    _checkpoint(rt)
    path = audit.checkpoint_path(rt.settings)
    line = path.read_text().splitlines()[-1].replace('"seq": 2', '"seq": 1')
    path.write_text(line + "\n")
    report = _verify(rt)
    assert not report.ok and "checkpoint" in report.reason


def test_audit_verify_on_the_command_line_checks_the_checkpoints(rt, monkeypatch) -> None:
    from typer.testing import CliRunner

    from bangtin.cli import app

    _append(rt, 3)
    _checkpoint(rt)
    _attacker(rt, "DELETE FROM audit_event WHERE seq = 3")
    monkeypatch.setenv("BANGTIN_DATA_DIR", str(rt.settings.data_path))
    monkeypatch.setenv("BANGTIN_SECRET_KEY", rt.settings.secret_key)
    monkeypatch.setenv("BANGTIN_QUEUE_URL", "memory://")
    result = CliRunner().invoke(app, ["audit", "verify", "--json"])
    assert result.exit_code == 1, result.output
    assert '"ok": false' in result.output
