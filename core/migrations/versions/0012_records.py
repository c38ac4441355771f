"""records: generated reports (Điều 14), advertisers on content items

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('place', sa.String(length=80), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=True),
    sa.Column('media_asset_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['media_asset_id'], ['media_asset.id'], ),
    sa.ForeignKeyConstraint(['obligation_id'], ['obligation.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_unit_id'), ['unit_id'], unique=False)
    with op.batch_alter_table('content_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advertiser_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('advertiser_address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('ad_licence_ref', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('content_item', schema=None) as batch_op:
        batch_op.drop_column('ad_licence_ref')
        batch_op.drop_column('advertiser_address')
        batch_op.drop_column('advertiser_name')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_unit_id'))
        batch_op.drop_index(batch_op.f('ix_report_status'))
        batch_op.drop_index(batch_op.f('ix_report_kind'))
    op.drop_table('report')
