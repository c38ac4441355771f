"""Chat intake: conversation state, processed updates (exactly once), upload sessions, the intake log.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28 20:27:55.644479
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('processed_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=96), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel', 'key')
    )
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_update_processed_at'), ['processed_at'], unique=False)

    op.create_table('intake_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('intake_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_log_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_intake_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_intake_log_officer_id'), ['officer_id'], unique=False)

    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.String(length=24), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel', 'address')
    )
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_officer_id'), ['officer_id'], unique=False)

    op.create_table('upload_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('mime', sa.String(length=100), nullable=True),
    sa.Column('source_ref', sa.String(length=128), nullable=True),
    sa.Column('declared_size', sa.BigInteger(), nullable=True),
    sa.Column('total_size', sa.BigInteger(), nullable=True),
    sa.Column('received_bytes', sa.BigInteger(), nullable=False),
    sa.Column('media_asset_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['media_asset_id'], ['media_asset.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('upload_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_upload_session_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_upload_session_submission_id'), ['submission_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('upload_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_upload_session_submission_id'))
        batch_op.drop_index(batch_op.f('ix_upload_session_officer_id'))

    op.drop_table('upload_session')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_officer_id'))

    op.drop_table('conversation')
    with op.batch_alter_table('intake_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_log_officer_id'))
        batch_op.drop_index(batch_op.f('ix_intake_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_intake_log_address'))

    op.drop_table('intake_log')
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_update_processed_at'))

    op.drop_table('processed_update')
