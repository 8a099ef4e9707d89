"""The tables, as typed SQLAlchemy 2 models. Plain portable SQL: SQLite and PostgreSQL.

A room's truth is its event log (`room_events`); `snapshots` only shorten a rebuild and
`action_keys` remember which client message produced which version, so a message sent twice
is applied once. Game state itself (names, cards, votes) lives only in the log.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, int: BigInteger}


class Room(Base):
    """One table of players playing one scenario; `code` is what people type to join."""

    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    scenario_id: Mapped[str] = mapped_column(String(64))
    # sha256 of the facilitator token; the token itself is only ever in the leader's browser.
    facilitator_token_hash: Mapped[str] = mapped_column(String(64), index=True)
    # sha256 of the big screen's key and of the summary's key (game/rooms/seats.py); None for
    # a room made before these keys existed: then only the facilitator and the seats get in.
    screen_key_hash: Mapped[str | None] = mapped_column(String(64))
    summary_key_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[int]  # milliseconds since the epoch, like every time in the log
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    # Rooms created together (several tables in one workshop) share an event id.
    event_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # The table's number within its event (1 for a room on its own): "Tafel 1, 2, ...".
    table_number: Mapped[int] = mapped_column(default=1)


class Seat(Base):
    """The link between a seat token and a player of a room (drop keeps it, leave ends it)."""

    __tablename__ = "seats"

    player_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[int]
    # sha256 of the room id and the device id the browser sent when joining (None: none sent).
    # When the facilitator removes the player, it keeps that device from joining again under
    # another name, until the facilitator lets it back in (which clears it).
    device_hash: Mapped[str | None] = mapped_column(String(64), index=True)


class RoomEvent(Base):
    """One fact in a room's log. The primary key (room_id, seq) is the UNIQUE(room_id, seq)
    that makes one writer win: a second process writing the same seq gets an IntegrityError."""

    __tablename__ = "room_events"

    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    at: Mapped[int]


class Snapshot(Base):
    """The state of a room after event `seq`, so a rebuild folds only the events after it."""

    __tablename__ = "snapshots"

    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    state: Mapped[dict[str, Any]]


class ActionKey(Base):
    """A client-made idempotency key and the room version its action produced.

    Written in the same transaction as the events, so "applied" and "remembered" never part.
    Keys are per sender, so one client cannot spoil another client's keys.
    """

    __tablename__ = "action_keys"
    # A process catching up with another's writes reads the keys above its version.
    __table_args__ = (Index("ix_action_keys_room_id_version", "room_id", "version"),)

    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), primary_key=True)
    actor: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int]


class Health(Base):
    """One row that `/healthz` writes to, so "the database can be written" is checked cheaply
    and through the same writer as every action, without touching a room."""

    __tablename__ = "health"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    checked_at: Mapped[int]


class OwnCase(Base):
    """A case a workshop leader wrote in the browser (the case editor): the scenario as YAML
    text, the same format as the files in scenarios/, checked by the same schema before it is
    stored. A game keeps its own copy of the scenario (in its first event), so changing a
    case never changes a game that is running."""

    __tablename__ = "own_cases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the scenario's id
    yaml: Mapped[str] = mapped_column(Text)
    # sha256 of the edit key; the key itself is only in the edit link's fragment.
    edit_key_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[int]
    updated_at: Mapped[int]
