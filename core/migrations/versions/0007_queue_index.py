"""The review queue's index covers the scope's columns (no table reads for the count or the page)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 21:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ['state', 'is_emergency', 'received_at']
NEW = OLD + ['target_kind', 'target_cluster_id', 'unit_id', 'officer_id']


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_queue')
        batch_op.create_index('ix_submission_queue', NEW, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_queue')
        batch_op.create_index('ix_submission_queue', OLD, unique=False)
