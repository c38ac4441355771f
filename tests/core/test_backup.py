"""Backups: a snapshot of every table and media file restores whole, on SQLite or PostgreSQL, or is refused."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from core import migrate
from core.errors import Invalid
from core.org.models import Unit
from core.records import audit, backup, restore
from core.records.models import TaskRun
from tests.admin.conftest import seeded, seeded_template  # noqa: F401  (fixtures)
from tests.airing.conftest import build, make_item


def _rows(snapshot: Path) -> dict[str, list[dict]]:
    manifest = json.loads((snapshot / "manifest.json").read_text())
    tables = {}
    for name in manifest["tables"]:
        with gzip.open(snapshot / "tables" / f"{name}.jsonl.gz", "rt", encoding="utf-8") as lines:
            tables[name] = [json.loads(line) for line in lines]
    return tables


def _backup(rt, folder: Path, *, now: datetime | None = None, keep_days: int = 183) -> backup.BackupReport:
    return backup.make_backup(rt, backup_dir=folder, keep_days=keep_days, now=now)


def _restore(rt, snapshot: Path, **options) -> restore.RestoreReport:
    return restore.restore_backup(rt, snapshot=snapshot, **options)


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_a_snapshot_restores_every_row_and_file_on_a_new_machine(seeded, make_runtime, tmp_path, request, target):  # noqa: F811
    make_item(seeded, kind="image", title="Ảnh cửa khẩu Ma Lù Thàng", payload=b"\x89PNG demo bytes")
    make_item(seeded, kind="text", title="Thông báo", body="Lịch tiêm chủng\n---\nVaccination schedule")
    build(seeded)  # plans, with dates and times
    with seeded.db.unit_of_work() as s:  # a merged commune names its successor, a row written after it
        merged = s.exec(select(Unit).where(Unit.kind == "commune")).first()
        successor = Unit(name="Xã Hợp Nhất", code="HOPNHAT", kind="commune", valid_from=date(2025, 7, 1))
        s.add(successor)
        s.flush()
        merged.valid_to, merged.successor_id = date(2025, 6, 30), successor.id
        s.add(merged)
    made = _backup(seeded, tmp_path / "backups")
    assert made.apart is False  # same disk as the data here: the command line warns about it
    assert (
        made.rows["unit"] > 10
        and made.rows["audit_event"] > 0
        and made.rows["plan"] > 0
        and made.rows["broadcast_window"] > 0
    )
    assert made.media_files == 1 and made.media_new == 1 and not made.damaged

    url = request.getfixturevalue("postgres_url") if target == "postgresql" else None
    other = make_runtime(data_dir=tmp_path / "new-machine", **({"database_url": url} if url else {}))
    done = _restore(other, made.path)

    assert done.audit_ok and done.audit_events == made.rows["audit_event"]
    assert done.rows == made.rows
    again = _backup(other, tmp_path / "backups-of-the-new-machine")
    assert _rows(again.path) == _rows(made.path)  # every value of every row, datetimes to the microsecond
    [sha] = [p.name for p in seeded.settings.media_path.glob("??/??/*")]  # the image of the first item
    assert other.store.local_path(sha).read_bytes() == b"\x89PNG demo bytes"
    with other.db.unit_of_work() as s:  # the restored database takes new rows (sequences moved past the ids)
        unit = Unit(name="Xã Mới", code="XAMOI", kind="commune")
        s.add(unit)
        s.flush()
        audit.record(s, actor=audit.SYSTEM, action="unit.created", object_type="unit", object_id=unit.id,
                     after={"name": "Xã Mới"})
    with other.db.reading() as s:
        assert audit.verify(s).ok


def test_nightly_snapshots_copy_only_new_media_and_drop_what_is_past_retention(seeded, tmp_path):  # noqa: F811
    folder = tmp_path / "backups"
    now = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)
    make_item(seeded, kind="image", payload=b"first image")
    old = _backup(seeded, folder, now=now - timedelta(days=200))
    make_item(seeded, kind="image", payload=b"second image")
    middle = _backup(seeded, folder, now=now - timedelta(days=1))
    assert (middle.media_files, middle.media_new) == (2, 1)  # the first one is already in the pool
    assert middle.pruned == [old.path.name]  # 199 days old: past the 183 days kept

    newest = _backup(seeded, folder, now=now)
    assert newest.media_new == 0 and newest.pruned == []
    assert [p.name for p in backup.list_snapshots(folder)] == [middle.path.name, newest.path.name]
    assert len(list((folder / "media").glob("??/??/*"))) == 2  # still listed by the snapshots that remain

    alone = _backup(seeded, tmp_path / "one", now=now - timedelta(days=400))
    assert _backup(seeded, tmp_path / "one", now=now).pruned == [alone.path.name]
    assert len(backup.list_snapshots(tmp_path / "one")) == 1  # the newest is never dropped, however old


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_a_damaged_snapshot_or_a_database_in_use_is_refused_and_nothing_changes(seeded, make_runtime, tmp_path, request,  # noqa: F811
                                                                                target):
    make_item(seeded, kind="image", payload=b"an image")
    made = _backup(seeded, tmp_path / "backups")

    url = request.getfixturevalue("postgres_url") if target == "postgresql" else None
    busy = make_runtime(data_dir=tmp_path / "busy", **({"database_url": url} if url else {}))
    with busy.db.unit_of_work() as s:  # a record written through a service: the audit log has it too
        audit.record(s, actor=audit.SYSTEM, action="unit.note")
    with busy.db.unit_of_work() as s:
        s.add(Unit(name="Xã Đang Dùng", code="DANGDUNG", kind="commune"))
    with pytest.raises(Invalid, match="--force"):
        _restore(busy, made.path)
    with busy.db.reading() as s:
        assert [u.code for u in s.exec(select(Unit)).all()] == ["DANGDUNG"]
    assert _restore(busy, made.path, force=True).audit_ok
    with busy.db.reading() as s:
        assert "DANGDUNG" not in {u.code for u in s.exec(select(Unit)).all()}

    table = made.path / "tables" / "unit.jsonl.gz"
    table.write_bytes(table.read_bytes()[:-8])  # a truncated copy on the backup disk
    empty = make_runtime(data_dir=tmp_path / "empty")
    with pytest.raises(backup.BackupError, match="unit is missing or damaged"):
        _restore(empty, made.path)
    assert migrate.current(empty.db.engine) is not None and not restore._holding(empty.db.engine)
    assert not list(empty.settings.media_path.glob("??/??/*"))

    with pytest.raises(backup.BackupError, match="not a bangtin snapshot"):
        _restore(empty, tmp_path)


def test_a_crash_mid_backup_leaves_no_snapshot_that_looks_whole(seeded, tmp_path, monkeypatch):  # noqa: F811
    folder = tmp_path / "backups"
    monkeypatch.setattr(backup, "_copy_media", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        _backup(seeded, folder)
    assert backup.list_snapshots(folder) == [] and not list(folder.glob(".partial-*"))
    monkeypatch.undo()
    killed = folder / ".partial-20261130T193000Z-4242"  # what a process killed mid-write leaves
    (killed / "tables").mkdir(parents=True)
    made = _backup(seeded, folder)
    assert backup.list_snapshots(folder) == [made.path] and not killed.exists()


def test_the_worker_backs_up_every_night_and_leaves_a_record(seeded):  # noqa: F811
    from core.queue import _REGISTRY
    from core.records.tasks import nightly_backup

    schedule = _REGISTRY["records.backup"].schedule
    assert (
        schedule is not None
        and schedule(datetime(2026, 11, 30, 19, 30))
        and not schedule(datetime(2026, 11, 30, 7, 30))
    )
    result = nightly_backup()
    assert Path(str(result["path"])).parent == seeded.settings.data_path / "backups"
    with seeded.db.reading() as s:
        [run] = s.exec(select(TaskRun).where(TaskRun.name == "records.backup")).all()
    assert run.ok and run.finished_at is not None and run.result == result


def test_the_inspector_sees_on_the_home_page_whether_backups_run(seeded, monkeypatch):  # noqa: F811
    from fastapi.testclient import TestClient

    import i18n
    from bangtin.webapp import create_app
    from core.records.tasks import nightly_backup
    from tests.admin.conftest import log_in

    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as client:
        log_in(client, "thanhtra", "thanhtra-demo-2026")
        assert "Hai ngày qua không có bản sao lưu nào." in client.get("/home").text

        monkeypatch.setattr(
            backup, "_dump_tables", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device"))
        )
        with pytest.raises(OSError):
            nightly_backup()
        page = client.get("/home").text
        assert "Lần sao lưu gần nhất bị lỗi: OSError: [Errno 28] No space left on device" in page

        monkeypatch.undo()
        nightly_backup()
        with seeded.db.reading() as s:
            finished = s.exec(select(TaskRun).where(TaskRun.ok)).one().finished_at
        page = client.get("/home").text
        assert f"Lần sao lưu gần nhất: {i18n.format_datetime(finished, 'vi', seeded.settings.tz)}" in page
        assert "bị lỗi" not in page and "Hai ngày qua" not in page
        assert "cùng ổ đĩa với dữ liệu" in page  # this test's backups share the data's disk

    with TestClient(create_app(runtime=seeded), base_url="http://127.0.0.1:8765") as client:
        log_in(client, "bientap", "bientap-demo-2026")
        assert "Sao lưu dữ liệu" not in client.get("/home").text  # editors are not asked to watch backups


def test_a_second_backup_into_the_same_directory_waits_its_turn(seeded, tmp_path):  # noqa: F811
    from core.records.tasks import nightly_backup

    seeded.settings.backup_path.mkdir(parents=True)
    with backup._exclusive(seeded.settings.backup_path):  # another worker's nightly run is writing
        with pytest.raises(backup.BackupBusy, match="another backup is being written"):
            _backup(seeded, seeded.settings.backup_path)
        assert "skipped" in nightly_backup()
    assert backup.list_snapshots(seeded.settings.backup_path) == []
    with seeded.db.reading() as s:
        assert backup.status(s, now=datetime.now(UTC)).failed_since is None  # a skip is not a failure
    assert nightly_backup()["media_files"] == 0
