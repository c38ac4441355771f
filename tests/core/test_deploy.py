"""The production compose file: the services it promises, and only variables bangtin reads."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

try:
    import yaml
except ImportError:  # pragma: no cover - uvicorn[standard] brings PyYAML
    if os.environ.get("CI"):
        raise
    pytest.skip("PyYAML is not installed (uvicorn[standard] brings it)", allow_module_level=True)


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_every_part_of_a_production_install() -> None:
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "bot", "caddy"} <= services.keys()
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["migrate"]["command"] == ["bangtin", "db", "upgrade"]
    for name in ("web", "worker", "bot"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        env = services[name]["environment"]
        assert env["BANGTIN_DATABASE_URL"].startswith("postgresql+psycopg://"), name
        assert env["BANGTIN_QUEUE_URL"].startswith("redis://redis"), name
    assert services["bot"]["command"] == ["bangtin", "bot"]
    assert "BANGTIN_TELEGRAM_WEBHOOK_SECRET" in services["bot"]["environment"]  # webhook mode
    assert "443:443" in services["caddy"]["ports"]
    assert any(v.startswith("./deploy/Caddyfile:") for v in services["caddy"]["volumes"])
    assert (ROOT / "deploy" / "Caddyfile").is_file()


def test_backups_go_to_their_own_volume() -> None:
    compose = _compose()
    worker = compose["services"]["worker"]
    backup_dir = worker["environment"]["BANGTIN_BACKUP_DIR"]
    mounts = dict(volume.split(":", 1) for volume in worker["volumes"])
    assert mounts["backups"] == backup_dir and "backups" in compose["volumes"]
    assert mounts["data"] == worker["environment"]["BANGTIN_DATA_DIR"] != backup_dir


def test_every_bangtin_variable_of_compose_is_a_setting() -> None:
    used = set(re.findall(r"\bBANGTIN_[A-Z0-9_]+", (ROOT / "compose.yaml").read_text()))
    known = {"BANGTIN_" + name.upper() for name in Settings.model_fields}
    assert used and used - known == set()


def test_readme_says_how_to_run_production_with_compose() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "## Production with compose" in readme
    section = readme.split("## Production with compose")[1].split("\n## ")[0]
    for needed in ("BANGTIN_SECRET_KEY", "POSTGRES_PASSWORD", "docker compose up", "backups"):
        assert needed in section, needed
