"""The wheel as shipped: installed outside the checkout, it seeds the demo, migrates and serves its pages."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`pip wheel --no-deps .` with this venv's pip: the wheel and everything pip printed."""
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return next(dist.glob("bangtin-*.whl")), done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(built: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel; the dependencies come from this venv through a .pth file."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # A path line only: the checkout's editable-install hook (a .pth inside that directory) is not run.
    (Path(purelib) / "deps-from-project-venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "--no-index", str(built[0])], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def _outside_checkout(venv: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_") and k != "PYTHONPATH"}
    env.update(BANGTIN_DATA_DIR=str(tmp_path / "data"), BANGTIN_DEMO="true")
    return subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_installed_wheel_migrates_seeds_the_demo_and_serves_pages_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    where = _outside_checkout(installed, tmp_path, "python", "-c", "import core; print(core.__file__)")
    assert str(installed) in where.stdout, where.stdout + where.stderr  # the wheel, not the checkout
    for command in (["db", "upgrade"], ["seed", "--demo"]):
        done = _outside_checkout(installed, tmp_path, "bangtin", *command)
        assert done.returncode == 0, f"bangtin {' '.join(command)}:\n{done.stdout}{done.stderr}"
    listed = _outside_checkout(installed, tmp_path, "bangtin", "units", "list")
    assert listed.returncode == 0 and "Lai Châu" in listed.stdout, listed.stdout + listed.stderr
    # Templates, static files (Swagger UI too) and the Vietnamese catalog, served by the installed package.
    script = textwrap.dedent("""
        from fastapi.testclient import TestClient
        from bangtin.webapp import create_app
        with TestClient(create_app()) as web:
            for path in ("/", "/api/docs", "/static/app.css", "/static/swagger/swagger-ui-bundle.js",
                         "/static/swagger/init.js"):
                answer = web.get(path)
                assert answer.status_code == 200, (path, answer.status_code)
            assert "Đăng nhập" in web.get("/").text
        print("served")
    """)
    served = _outside_checkout(installed, tmp_path, "python", "-c", script)
    assert served.returncode == 0 and "served" in served.stdout, served.stdout + served.stderr


def test_the_wheel_carries_the_vendored_licence(built: tuple[Path, str]) -> None:
    import zipfile

    names = set(zipfile.ZipFile(built[0]).namelist())
    assert {"admin/static/swagger/LICENSE", "core/org/demo/laichau.toml", "core/migrations/script.py.mako"} <= names


def test_building_the_wheel_prints_no_packaging_warning(built: tuple[Path, str]) -> None:
    output = built[1]
    assert "DeprecationWarning" not in output and "BuildBackendWarning" not in output, output
    assert [line for line in output.splitlines() if line.strip() == "!!"] == [], output
