"""deadline rules made in the web: `due_working_day` (a due day off work moves back to the working day before,
so a rule can fall due on the month's last working day: Điều 10.1.a names no day for the monthly supply) and
`valid_from` (a rule made today owes nothing for periods that ended before it)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deadline_rule") as batch:
        batch.add_column(sa.Column("due_working_day", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("valid_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadline_rule") as batch:
        batch.drop_column("valid_from")
        batch.drop_column("due_working_day")
