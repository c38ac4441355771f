"""security: server-side web sessions, salted recovery codes, why an officer was deactivated

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 01:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _recovery_table(name: str, hash_length: int, unique: bool) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=hash_length), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    *([sa.UniqueConstraint('code_hash')] if unique else []),
    )


def _swap_recovery_table(hash_length: int, unique: bool, where: str = "") -> None:
    # SQLite cannot drop an unnamed unique constraint in place: copy into a new table instead.
    _recovery_table('_recovery_code_new', hash_length, unique)
    op.execute("INSERT INTO _recovery_code_new (id, officer_id, code_hash, used_at, created_at) "
               f"SELECT id, officer_id, code_hash, used_at, created_at FROM recovery_code {where}")
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_officer_id'))
    op.drop_table('recovery_code')
    op.rename_table('_recovery_code_new', 'recovery_code')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_officer_id'), ['officer_id'], unique=False)


def upgrade() -> None:
    op.create_table('web_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_reason', sa.String(length=16), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_session_officer_id'), ['officer_id'], unique=False)
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivation_reason', sa.String(length=16), nullable=True))
    _swap_recovery_table(255, unique=False)


def downgrade() -> None:
    # Salted (argon2) codes do not fit the old column: they are dropped, the old SHA-256 ones kept.
    _swap_recovery_table(64, unique=True, where="WHERE length(code_hash) <= 64")
    with op.batch_alter_table('officer', schema=None) as batch_op:
        batch_op.drop_column('deactivation_reason')
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_officer_id'))
        batch_op.drop_index(batch_op.f('ix_web_session_ended_at'))
    op.drop_table('web_session')
