"""The `bangtin` command line, driven as an operator would: through the real executable."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bangtin.supervisor import InstanceLock
from tests.conftest import TEST_SECRET


@pytest.fixture
def run(tmp_path: Path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_")},
           "BANGTIN_DATA_DIR": str(tmp_path / "data"), "BANGTIN_SECRET_KEY": TEST_SECRET}

    def invoke(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bangtin.cli", *args], env={**env, **(extra or {})},
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)

    return invoke


def test_every_contract_command_has_help(run) -> None:
    for command in (["up"], ["web"], ["worker"], ["bot"], ["db", "upgrade"], ["seed"], ["units", "list"],
                    ["user", "create"], ["invite"], ["media", "process"], ["lang"], ["plans", "build"],
                    ["boards", "list"], ["boards", "token"], ["reminders", "run"], ["backup"], ["restore"],
                    ["audit", "verify"]):
        result = run(*command, "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert "Usage" in result.stdout


def test_seed_lists_units_and_creates_a_user(run) -> None:
    assert run("seed", "--demo").returncode == 0
    units = json.loads(run("units", "list", "--json").stdout)
    names = {u["name"] for u in units}
    assert "Ban Quản lý Khu kinh tế tỉnh Lai Châu" in names
    assert "Báo Lai Châu" not in names  # merged in 2025: only with --all
    assert "Báo Lai Châu" in {u["name"] for u in json.loads(run("units", "list", "--all", "--json").stdout)}
    created = run("user", "create", "--username", "bientap2", "--password", "mot-mat-khau-dai-2026",
                  "--role", "editor", "--unit", "Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu")
    assert created.returncode == 0, created.stderr
    boards = json.loads(run("boards", "list", "--json").stdout)
    assert {"MLT-01", "UMTK-01", "TANPHONG-01"} <= {b["code"] for b in boards}
    verified = run("audit", "verify", "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True


def test_bad_input_gets_one_clear_line(run) -> None:
    run("seed", "--demo")
    weak = run("user", "create", "--username", "x1", "--password", "short", "--role", "editor", "--unit", "SVHTTDL")
    assert weak.returncode == 2 and weak.stderr.strip().count("\n") == 0 and "at least 14" in weak.stderr
    unknown = run("user", "create", "--username", "x2", "--password", "mot-mat-khau-dai-2026", "--role", "editor",
                  "--unit", "No Such Unit")
    assert unknown.returncode == 2 and "No Such Unit" in unknown.stderr
    bad_url = run("units", "list", extra={"BANGTIN_DATABASE_URL": "oracle://x"})
    assert bad_url.returncode == 2 and bad_url.stderr.startswith("bangtin: BANGTIN_DATABASE_URL:")
    no_key = run("units", "list", extra={"BANGTIN_SECRET_KEY": "changethis"})
    assert no_key.returncode == 2 and "BANGTIN_SECRET_KEY" in no_key.stderr


def test_backup_and_restore_move_the_records_to_another_machine(run, tmp_path: Path) -> None:
    run("seed", "--demo")
    made = run("backup", "--json")
    assert made.returncode == 0, made.stderr
    report = json.loads(made.stdout)
    snapshot = Path(report["path"])
    assert snapshot.parent == tmp_path / "data" / "backups" and report["rows"]["officer"] == 7
    plain = run("backup")  # the operator is told the backups share the live data's disk
    assert "backup written:" in plain.stdout and "BANGTIN_BACKUP_DIR" in plain.stdout

    elsewhere = {"BANGTIN_DATA_DIR": str(tmp_path / "elsewhere")}
    restored = run("restore", str(snapshot), extra=elsewhere)
    assert restored.returncode == 0, restored.stderr
    assert f"restored {snapshot.name}" in restored.stdout and "audit log intact" in restored.stdout
    units = run("units", "list", "--json", extra=elsewhere)
    assert units.stdout == run("units", "list", "--json").stdout
    again = run("restore", str(snapshot), extra=elsewhere)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "--force" in again.stderr
    with InstanceLock(tmp_path / "elsewhere"):  # a running bangtin on that data is never restored under
        busy = run("restore", str(snapshot), "--force", extra=elsewhere)
    assert busy.returncode == 2 and "already running" in busy.stderr


def test_airing_and_reminder_commands_work_on_the_demo(run) -> None:
    run("seed", "--demo")
    token = run("boards", "token", "MLT-01")
    assert token.returncode == 0 and token.stdout.strip().startswith("bt_")
    again = run("boards", "token", "Màn hình LED khu kiểm soát liên hợp")  # the exact name works too
    assert again.returncode == 0 and again.stdout.strip() != token.stdout.strip()
    built = run("plans", "build", "--day", "2026-12-01", "--json")
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout)
    reminders = run("reminders", "run", "--now", "2026-12-14T08:00", "--json")
    assert reminders.returncode == 0, reminders.stderr
    assert json.loads(reminders.stdout)["run_id"] >= 1
    unknown = run("boards", "token", "NO-SUCH-BOARD")
    assert unknown.returncode == 2 and "NO-SUCH-BOARD" in unknown.stderr


def test_a_second_up_on_the_same_data_dir_says_so(run, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with InstanceLock(tmp_path / "data"):
        second = run("up")
    assert second.returncode == 2
    assert "already running" in second.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children_of(pid: int) -> list[int]:
    """The direct children of `pid`, read from /proc (never matched by name)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
def test_up_serves_the_login_page_prints_logins_and_stops_together(tmp_path: Path) -> None:
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_")},
           "BANGTIN_DATA_DIR": str(tmp_path / "data"), "BANGTIN_DEMO": "true", "BANGTIN_PORT": str(port)}
    subprocess.run([sys.executable, "-m", "bangtin.cli", "seed", "--demo"], env=env, check=True, cwd=tmp_path,
                   capture_output=True)
    up = subprocess.Popen([sys.executable, "-m", "bangtin.cli", "up"], env=env, cwd=tmp_path, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any("bientap" in line for line in lines):
            lines.append(up.stdout.readline())
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}" in output
        assert "bientap-demo-2026" in output and "quantri" in output
        page = httpx.get(f"http://127.0.0.1:{port}/")
        assert page.status_code == 200 and "Đăng nhập" in page.text
        children = _children_of(up.pid)  # ours only: another bangtin may run on this machine
        assert len(children) >= 2
    finally:
        up.send_signal(2)  # Ctrl-C
        up.wait(timeout=30)
    time.sleep(0.5)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
    leftovers = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert leftovers == []


def _command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


@pytest.mark.slow
def test_a_crashed_child_is_restarted_and_kill_9_of_up_leaves_no_orphan(tmp_path: Path) -> None:
    """Issue 16 items 7 and 8: a killed worker comes back while web keeps serving; kill -9 of the
    supervisor takes every child with it, and the DATA_DIR lock is free only when they are gone."""
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_")},
           "BANGTIN_DATA_DIR": str(tmp_path / "data"), "BANGTIN_DEMO": "true", "BANGTIN_PORT": str(port)}
    subprocess.run([sys.executable, "-m", "bangtin.cli", "db", "upgrade"], env=env, check=True, cwd=tmp_path,
                   capture_output=True)
    up = subprocess.Popen([sys.executable, "-m", "bangtin.cli", "up"], env=env, cwd=tmp_path, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "is running" not in up.stdout.readline():
            pass
        worker = _wait_for(lambda: next((p for p in _children_of(up.pid)
                                         if _command_of(p).endswith("worker ")), None), 10)
        assert worker
        its_processes = _wait_for(lambda: _children_of(worker), 30)  # the queue's worker processes
        assert its_processes, "the worker forked no worker processes"
        os.kill(worker, 9)
        # Its own worker processes go with it (they would hold the DATA_DIR lock forever otherwise).
        assert _wait_for(lambda: not [p for p in its_processes if Path(f"/proc/{p}").exists()
                                      and "bangtin.cli" in _command_of(p)], 15), "the worker's processes were orphaned"
        again = _wait_for(lambda: next((p for p in _children_of(up.pid)
                                        if _command_of(p).endswith("worker ") and p != worker), None), 15)
        assert again, "the worker was not restarted"
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        # While the instance runs, a restore is refused (its processes hold the DATA_DIR lock).
        from bangtin.supervisor import DataDirLock
        from core.errors import AlreadyRunning

        with pytest.raises(AlreadyRunning), DataDirLock(tmp_path / "data", exclusive=True):
            pass
        children = _children_of(up.pid)
        os.kill(up.pid, 9)
        up.wait(timeout=10)
        assert _wait_for(lambda: not [p for p in children if Path(f"/proc/{p}").exists()
                                      and "bangtin.cli" in _command_of(p)], 15), "orphans left behind"
        with DataDirLock(tmp_path / "data", exclusive=True, wait_s=15):
            pass  # every process of the instance is gone: the lock is free
    finally:
        if up.poll() is None:
            up.kill()
        for pid in children:
            if Path(f"/proc/{pid}").exists() and "bangtin.cli" in _command_of(pid):
                os.kill(pid, 9)


def test_user_create_takes_the_password_from_standard_input(run, tmp_path: Path) -> None:
    """Issue 16 item 13: the password need not be on the command line (the process list shows it)."""
    run("seed", "--demo")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_")},
           "BANGTIN_DATA_DIR": str(tmp_path / "data"), "BANGTIN_SECRET_KEY": TEST_SECRET}
    made = subprocess.run([sys.executable, "-m", "bangtin.cli", "user", "create", "--username", "bientap3",
                           "--role", "editor", "--unit", "SVHTTDL"], input="mot-mat-khau-dai-2026\n", env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    weak = subprocess.run([sys.executable, "-m", "bangtin.cli", "user", "create", "--username", "bientap4",
                           "--role", "editor", "--unit", "SVHTTDL"], input="short\n", env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert weak.returncode == 2 and "at least 14" in weak.stderr
