"""Admin web: second factors, API tokens, edit locks, translation requests, folded search, queue index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 20:32:13.091209
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_officer_id'), ['officer_id'], unique=False)

    op.create_table('mfa_state',
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('last_step', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('officer_id')
    )
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_officer_id'), ['officer_id'], unique=False)

    op.create_table('edit_lock',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('submission_id')
    )
    with op.batch_alter_table('edit_lock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edit_lock_officer_id'), ['officer_id'], unique=False)

    op.create_table('translation_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('subtitle_track_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['requested_by_id'], ['officer.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.ForeignKeyConstraint(['subtitle_track_id'], ['subtitle_track.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('translation_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translation_request_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_translation_request_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_translation_request_submission_id'), ['submission_id'], unique=False)

    op.create_table('content_search',
    sa.Column('content_item_id', sa.Integer(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['content_item_id'], ['content_item.id'], ),
    sa.PrimaryKeyConstraint('content_item_id')
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index('ix_submission_queue', ['state', 'is_emergency', 'received_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_queue')

    op.drop_table('content_search')
    with op.batch_alter_table('translation_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translation_request_submission_id'))
        batch_op.drop_index(batch_op.f('ix_translation_request_state'))
        batch_op.drop_index(batch_op.f('ix_translation_request_assigned_to_id'))

    op.drop_table('translation_request')
    with op.batch_alter_table('edit_lock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edit_lock_officer_id'))

    op.drop_table('edit_lock')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_officer_id'))

    op.drop_table('recovery_code')
    op.drop_table('mfa_state')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_officer_id'))

    op.drop_table('api_token')
