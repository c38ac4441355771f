"""After `make run`, `bangtin` commands in another shell of the checkout work without extra variables."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BANGTIN = Path(sys.executable).parent / "bangtin"


def _shell(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A new shell: none of `make run`'s variables (BANGTIN_DEMO among them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_")}
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_commands_in_another_shell_use_the_demo_written_by_make_run(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    made = _shell(tmp_path, "make", "--no-print-directory", "-f", str(ROOT / "Makefile"), ".env")
    assert made.returncode == 0, made.stdout + made.stderr
    assert "BANGTIN_DEMO=true" in (tmp_path / ".env").read_text()
    for command in (["db", "upgrade"], ["seed", "--demo"]):
        done = _shell(tmp_path, str(BANGTIN), *command)
        assert done.returncode == 0, done.stdout + done.stderr
    listed = _shell(tmp_path, str(BANGTIN), "units", "list")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "BANGTIN_SECRET_KEY" not in listed.stderr and "Lai Châu" in listed.stdout


def test_make_leaves_an_existing_env_file_alone(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    (tmp_path / ".env").write_text("BANGTIN_SECRET_KEY=mine\n")
    _shell(tmp_path, "make", "--no-print-directory", "-f", str(ROOT / "Makefile"), ".env")
    assert (tmp_path / ".env").read_text() == "BANGTIN_SECRET_KEY=mine\n"
