"""The other two ways in: polling Atom feeds of CAP over real HTTP, and `bangtin alerts ingest`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from core.airing.models import Emergency
from core.alerts import tasks
from core.alerts.models import AlertMessage
from tests import receiver
from tests.alerts.conftest import allow
from tests.alerts.samples import ENTITY_BOMB, atom_feed, cap
from tests.conftest import TEST_SECRET


def test_a_feed_is_polled_and_each_message_taken_once(seeded, monkeypatch):
    allow(seeded)
    with receiver.running() as outside:
        first = outside.serve("/cap/1.xml", cap("FEED-1"))
        bomb = outside.serve("/cap/bomb.xml", ENTITY_BOMB)
        feed = outside.serve(
            "/feed.atom", atom_feed(first, bomb, embedded=cap("FEED-2", status="Exercise")), "application/atom+xml"
        )
        monkeypatch.setattr(seeded.settings, "alert_feeds", feed + " " + outside.url + "/missing.atom")
        report = tasks.poll_once(seeded)
        assert report["feeds"] == 2 and report["failed_feeds"] == 1 and report["new"] == 3
        again = tasks.poll_once(seeded)
        assert again["new"] == 1 and again["seen"] == 2  # a refused message has no identifier to remember
    with seeded.db.reading() as session:
        rows = {r.identifier: r for r in session.exec(select(AlertMessage)).all() if r.identifier}
        assert rows["FEED-1"].outcome == "emergency" and rows["FEED-1"].via == "feed"
        assert rows["FEED-2"].outcome == "logged"
        assert len(session.exec(select(Emergency)).all()) == 1


def test_the_command_ingests_a_file_and_says_what_it_did(seeded, tmp_path: Path):
    allow(seeded)
    message = tmp_path / "canh-bao.xml"
    message.write_bytes(cap("CLI-1"))
    env = {
        **os.environ,
        "BANGTIN_DATA_DIR": str(seeded.settings.data_path),
        "BANGTIN_SECRET_KEY": TEST_SECRET,
        "BANGTIN_QUEUE_URL": "memory://",
    }
    run = subprocess.run(
        [sys.executable, "-m", "bangtin.cli", "alerts", "ingest", str(message), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["outcome"] == "emergency" and set(data["clusters"]) == {"TANPHONG", "PHONGTHO"}
    plain = subprocess.run(
        [sys.executable, "-m", "bangtin.cli", "alerts", "ingest", str(message)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert plain.returncode == 0 and "already received" in plain.stdout
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(ENTITY_BOMB)
    refused = subprocess.run(
        [sys.executable, "-m", "bangtin.cli", "alerts", "ingest", str(bomb)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1 and "refused" in refused.stdout
