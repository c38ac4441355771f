"""Migrations: a stairway through every revision, and the models never drift from the schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import core.tables  # noqa: F401  (registers every table)
from core import migrate
from core.db import make_engine
from core.settings import Settings


def _engine(database_url: str):
    return make_engine(Settings(database_url=database_url, secret_key="x" * 40))


def test_stairway_upgrade_downgrade_upgrade_through_every_revision(database_url: str, tmp_path) -> None:
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = _engine(database_url)
    revisions = migrate.revisions(engine)
    assert revisions[0] == "0001"
    previous = "base"
    for revision in revisions:
        migrate.upgrade(engine, revision)
        migrate.downgrade(engine, previous)
        migrate.upgrade(engine, revision)
        assert migrate.current(engine) == revision
        previous = revision
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_models_and_migrations_describe_the_same_schema(database_url: str, tmp_path) -> None:
    (tmp_path / "data").mkdir(exist_ok=True)
    engine = _engine(database_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == [], f"models differ from migrations: write a new revision: {diff}"
    engine.dispose()


def test_every_domain_table_of_the_design_exists(rt_any) -> None:
    tables = set(inspect(rt_any.db.engine).get_table_names())
    expected = {
        "unit", "unit_duty", "officer", "channel_account", "invite", "cluster", "board", "broadcast_window",
        "submission", "media_asset", "transcript", "subtitle_track", "review", "content_item", "content_target",
        "plan", "emergency", "emergency_target", "emergency_ack", "play", "heartbeat", "incident",
        "deadline_rule", "obligation", "reminder", "notification", "audit_event", "task_run",
    }
    assert expected <= tables
