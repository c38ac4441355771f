"""`bangtin invite` when only Zalo is configured: the code, no Telegram link, the expiry, the OA's link."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET


def bangtin(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BANGTIN_")}
    clean.update({"BANGTIN_DATA_DIR": str(tmp_path / "data"), "BANGTIN_SECRET_KEY": TEST_SECRET, **env})
    return subprocess.run([sys.executable, "-m", "bangtin.cli", *args], env=clean, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, check=False)


@pytest.mark.slow
def test_invite_works_with_only_zalo_and_prints_json(tmp_path: Path) -> None:
    assert bangtin(tmp_path, "db", "upgrade").returncode == 0
    assert bangtin(tmp_path, "seed", "--demo").returncode == 0
    units = json.loads(bangtin(tmp_path, "units", "list", "--json").stdout)
    unit = next(u for u in units if u.get("kind") == "commune")
    refused = bangtin(tmp_path, "invite", "--unit", unit["code"], "--name", "Lò Thị Xuân")
    assert refused.returncode != 0 and "no chat channel is configured" in refused.stderr
    zalo = {"BANGTIN_ZALO_APP_ID": "4242", "BANGTIN_ZALO_OA_SECRET_KEY": "oa-secret",
            "BANGTIN_ZALO_OA_LINK": "https://zalo.me/4242"}
    result = bangtin(tmp_path, "invite", "--unit", unit["code"], "--name", "Lò Thị Xuân", "--phone", "0912345678",
                     "--json", **zalo)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert len(printed["short_code"]) == 9 and printed["deep_link"] is None
    assert printed["expires_at"] and printed["zalo_oa_link"] == "https://zalo.me/4242"
