"""alerts and exchange: CAP messages received with their XML, the unattended-emergency policy, the
source information system outbox, and the "alert source" permission of API tokens

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-01 01:15:54.912328
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.types

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=255), nullable=False),
    sa.Column('severities', sa.JSON(), nullable=False),
    sa.Column('updated_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sender')
    )
    op.create_table('exchange_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_id', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('object_key', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('media', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('doc_id')
    )
    with op.batch_alter_table('exchange_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_document_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_document_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_document_object_key'), ['object_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_exchange_document_state'), ['state'], unique=False)

    op.create_table('alert_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=255), nullable=True),
    sa.Column('sender', sa.String(length=255), nullable=True),
    sa.Column('sent', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('msg_type', sa.String(length=16), nullable=True),
    sa.Column('event', sa.String(length=255), nullable=True),
    sa.Column('urgency', sa.String(length=16), nullable=True),
    sa.Column('severity', sa.String(length=16), nullable=True),
    sa.Column('certainty', sa.String(length=16), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('headline', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.Column('unit_ids', sa.JSON(), nullable=False),
    sa.Column('cluster_ids', sa.JSON(), nullable=False),
    sa.Column('expires', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.Column('received_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('needs_editor', sa.Boolean(), nullable=False),
    sa.Column('emergency_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['emergency_id'], ['emergency.id'], ),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('identifier')
    )
    with op.batch_alter_table('alert_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_message_expires'), ['expires'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_message_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_message_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_message_sender'), ['sender'], unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_source', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('alert_source')

    with op.batch_alter_table('alert_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_message_sender'))
        batch_op.drop_index(batch_op.f('ix_alert_message_received_at'))
        batch_op.drop_index(batch_op.f('ix_alert_message_outcome'))
        batch_op.drop_index(batch_op.f('ix_alert_message_expires'))

    op.drop_table('alert_message')
    with op.batch_alter_table('exchange_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_document_state'))
        batch_op.drop_index(batch_op.f('ix_exchange_document_object_key'))
        batch_op.drop_index(batch_op.f('ix_exchange_document_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_exchange_document_kind'))

    op.drop_table('exchange_document')
    op.drop_table('alert_policy')
