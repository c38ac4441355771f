"""records: generated reports (Điều 14), advertisers on content items, incidents with owners and deadlines,
board register and maintenance

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=40), nullable=True),
        sa.Column("place", sa.String(length=80), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=True),
        sa.Column("media_asset_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_by_id", sa.Integer(), nullable=True),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["officer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["finalised_by_id"],
            ["officer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["media_asset_id"],
            ["media_asset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["obligation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_unit_id"), ["unit_id"], unique=False)
    with op.batch_alter_table("content_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("advertiser_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("advertiser_address", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("ad_licence_ref", sa.String(length=120), nullable=True))
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hardware", sa.String(length=200), nullable=True))
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("place", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("ack_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("photo_asset_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_incident_ack_due_at"), ["ack_due_at"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_incident_number"), ["number"])
        batch_op.create_foreign_key(
            batch_op.f("fk_incident_photo_asset_id_media_asset"), "media_asset", ["photo_asset_id"], ["id"]
        )
    op.create_table(
        "maintenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("work", sa.String(length=300), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("cost_vnd", sa.BigInteger(), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["board.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["officer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("maintenance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maintenance_board_id"), ["board_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_maintenance_done_on"), ["done_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_maintenance_planned_on"), ["planned_on"], unique=False)
    op.create_table(
        "play_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("content_item_id", sa.Integer(), nullable=True),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("plays", sa.Integer(), nullable=False),
        sa.Column("aired_ms", sa.BigInteger(), nullable=False),
        sa.Column("morning_ms", sa.BigInteger(), nullable=False),
        sa.Column("afternoon_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["board.id"],
        ),
        sa.ForeignKeyConstraint(
            ["content_item_id"],
            ["content_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("board_id", "day", "content_item_id", "emergency"),
    )
    with op.batch_alter_table("play_summary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_play_summary_board_id"), ["board_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_play_summary_day"), ["day"], unique=False)
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cut_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_checkpoint_seq"), ["seq"], unique=True)
    _audit_delete_guard(True)


def _audit_delete_guard(allow_below_checkpoint: bool) -> None:
    """The audit log stays append-only; with a checkpoint, rows at or below its head may be cut (retention)."""
    guard = "OLD.seq > COALESCE((SELECT MAX(seq) FROM audit_checkpoint), 0)" if allow_below_checkpoint else None
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        op.execute(
            "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
            + (f"WHEN {guard} " if guard else "")
            + "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
        )
    else:
        allow = f"IF TG_OP = 'DELETE' AND NOT ({guard}) THEN RETURN OLD; END IF; " if guard else ""
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {allow}RAISE EXCEPTION 'audit_event is append-only'; END $$"
        )


def downgrade() -> None:
    _audit_delete_guard(False)
    with op.batch_alter_table("play_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_play_summary_day"))
        batch_op.drop_index(batch_op.f("ix_play_summary_board_id"))
    op.drop_table("play_summary")
    with op.batch_alter_table("audit_checkpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_checkpoint_seq"))
    op.drop_table("audit_checkpoint")
    with op.batch_alter_table("maintenance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_planned_on"))
        batch_op.drop_index(batch_op.f("ix_maintenance_done_on"))
        batch_op.drop_index(batch_op.f("ix_maintenance_board_id"))
    op.drop_table("maintenance")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_incident_photo_asset_id_media_asset"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_incident_number"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_incident_ack_due_at"))
        for column in ("photo_asset_id", "resolution", "acknowledged_at", "ack_due_at", "place", "number"):
            batch_op.drop_column(column)
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.drop_column("hardware")
    with op.batch_alter_table("content_item", schema=None) as batch_op:
        batch_op.drop_column("ad_licence_ref")
        batch_op.drop_column("advertiser_address")
        batch_op.drop_column("advertiser_name")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_unit_id"))
        batch_op.drop_index(batch_op.f("ix_report_status"))
        batch_op.drop_index(batch_op.f("ix_report_kind"))
    op.drop_table("report")
