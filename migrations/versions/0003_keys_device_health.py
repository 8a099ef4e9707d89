"""Keys of their own for the big screen and the summary, the device of a seat, a health row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "health",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("checked_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_health"),
    )
    # Rooms made before this revision have no screen or summary key (NULL): their facilitator
    # and seats keep working, and nothing else gets in.
    with op.batch_alter_table("rooms") as batch_op:
        batch_op.add_column(sa.Column("screen_key_hash", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("summary_key_hash", sa.String(64), nullable=True))
    with op.batch_alter_table("seats") as batch_op:
        batch_op.add_column(sa.Column("device_hash", sa.String(64), nullable=True))
        batch_op.create_index("ix_seats_device_hash", ["device_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seats") as batch_op:
        batch_op.drop_index("ix_seats_device_hash")
        batch_op.drop_column("device_hash")
    with op.batch_alter_table("rooms") as batch_op:
        batch_op.drop_column("summary_key_hash")
        batch_op.drop_column("screen_key_hash")
    op.drop_table("health")
