"""Airing: pairing requests of new players, and the change signal web processes poll for push.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 20:33:17.585414
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('airing_signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # The single row the push channel polls; its seq only grows.
    op.execute("INSERT INTO airing_signal (id, seq, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)")
    op.create_table('pairing_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('claim_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('board_id', sa.Integer(), nullable=True),
    sa.Column('paired_by_id', sa.Integer(), nullable=True),
    sa.Column('paired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], ),
    sa.ForeignKeyConstraint(['paired_by_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('claim_hash')
    )
    with op.batch_alter_table('pairing_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_request_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_pairing_request_expires_at'), ['expires_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pairing_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_request_expires_at'))
        batch_op.drop_index(batch_op.f('ix_pairing_request_code'))

    op.drop_table('pairing_request')
    op.drop_table('airing_signal')
