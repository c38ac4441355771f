"""subtitle_track.aired_vtt: the approved text keeps airing while a correction or translation waits

Revision ID: 0014
Revises: 0008
Create Date: 2026-12-01 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('subtitle_track') as batch:
        batch.add_column(sa.Column('aired_vtt', sa.Text(), nullable=True))
    # Tracks of items on the air today were approved with them: they keep airing as they are.
    op.execute("UPDATE subtitle_track SET aired_vtt = vtt WHERE submission_id IN "
               "(SELECT id FROM submission WHERE state = 'approved')")


def downgrade() -> None:
    with op.batch_alter_table('subtitle_track') as batch:
        batch.drop_column('aired_vtt')
