"""An index on action_keys (room_id, version): a process catching up with the writes of
another reads only the keys above the version it has.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_action_keys_room_id_version", "action_keys", ["room_id", "version"])


def downgrade() -> None:
    op.drop_index("ix_action_keys_room_id_version", table_name="action_keys")
