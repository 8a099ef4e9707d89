"""The first schema: rooms, seats, the room event log, snapshots and idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("scenario_id", sa.String(64), nullable=False),
        sa.Column("facilitator_token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("event_id", sa.String(32), nullable=True),
        sa.Column("table_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rooms"),
        sa.UniqueConstraint("code", name="uq_rooms_code"),
    )
    op.create_index("ix_rooms_facilitator_token_hash", "rooms", ["facilitator_token_hash"])
    op.create_index("ix_rooms_status", "rooms", ["status"])
    op.create_index("ix_rooms_event_id", "rooms", ["event_id"])
    op.create_table(
        "seats",
        sa.Column("player_id", sa.String(32), nullable=False),
        sa.Column("room_id", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_seats_room_id_rooms"),
        sa.PrimaryKeyConstraint("player_id", name="pk_seats"),
        sa.UniqueConstraint("token_hash", name="uq_seats_token_hash"),
    )
    op.create_index("ix_seats_room_id", "seats", ["room_id"])
    op.create_table(
        "room_events",
        sa.Column("room_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_room_events_room_id_rooms"),
        # UNIQUE(room_id, seq): the constraint that lets only one writer take a seq.
        sa.PrimaryKeyConstraint("room_id", "seq", name="pk_room_events"),
    )
    op.create_table(
        "snapshots",
        sa.Column("room_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_snapshots_room_id_rooms"),
        sa.PrimaryKeyConstraint("room_id", "seq", name="pk_snapshots"),
    )
    op.create_table(
        "action_keys",
        sa.Column("room_id", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_action_keys_room_id_rooms"),
        sa.PrimaryKeyConstraint("room_id", "actor", "key", name="pk_action_keys"),
    )


def downgrade() -> None:
    op.drop_table("action_keys")
    op.drop_table("snapshots")
    op.drop_table("room_events")
    op.drop_index("ix_seats_room_id", table_name="seats")
    op.drop_table("seats")
    op.drop_index("ix_rooms_event_id", table_name="rooms")
    op.drop_index("ix_rooms_status", table_name="rooms")
    op.drop_index("ix_rooms_facilitator_token_hash", table_name="rooms")
    op.drop_table("rooms")
