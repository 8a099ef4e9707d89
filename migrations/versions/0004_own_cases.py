"""Own cases: scenarios written in the browser's case editor, as YAML, with an edit key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "own_cases",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("edit_key_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_own_cases"),
    )


def downgrade() -> None:
    op.drop_table("own_cases")
