"""How rooms and seats come and go, all in one place.

* create    `POST /api/rooms`: one room per table, each with a join code; several tables are
            one event with one facilitator token (only its hash is stored).
* join      `POST /api/join` with the room's code: the engine's Join action adds the player,
            and a seat row links a new random token (its hash) to the player id, in the same
            transaction; the browser keeps the token per room.
* identify  a connection's token is the facilitator's, a seat's, or (none) the big screen's.
            The token of a player who left or was removed lets nobody in.
* connect   the socket joins its viewer's Socket.IO rooms and gets the current `state`; the
            facilitator hears that the player is online.
* take over a seat is used on one device at a time: the newest socket wins, the older ones get
            the notice `seat_taken_over` and are disconnected.
* drop      the connection goes away (reload, tunnel, server restart): the seat stays, only
            presence goes offline. Nothing is written to the log.
* leave     the engine's Leave action (or the facilitator's RemovePlayer), an action like any
            other (game/rooms/service.py): the seat is freed and its token stops working.
* close     the facilitator's CloseGame: the writer marks the room closed in the same
            transaction; after the viewers were told, the room's kept facts say closed too.
* forget    a closed room whose last socket in this process is gone is dropped from this
            process's memory (the writer's cache, the views, the room's facts). Reading it
            again (its summary, a late reconnect) rebuilds it from the database.

Each step is tested: tests/unit/test_lifecycle.py and tests/integration/test_sockets.py.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Protocol

from game.codes import ServerCode
from game.engine import actions as A
from game.engine import rules
from game.engine.roles import Role
from game.engine.state import FACILITATOR, Phase, RoomState
from game.logfmt import line
from game.rooms import seats
from game.rooms.action_log import actor_role
from game.rooms.broadcast import Broadcaster, sio_room
from game.rooms.connections import Connection, Identity
from game.rooms.queries import RoomInfo
from game.rooms.service import RoomService
from game.rooms.writer import Job, NewRoom, NewSeat, Refused

logger = logging.getLogger("rolwissel.rooms")


class Transport(Protocol):
    """What the lifecycle needs of Socket.IO (game/web/sockets.py gives it)."""

    def enter(self, sid: str, room: str) -> None:
        """Put a socket in a Socket.IO room."""

    def notice(self, to: str, code: str, lang: str, *, skip_sid: str | None = None) -> None:
        """Send the `notice` event (the code and its sentence) to a socket or a room."""

    def disconnect(self, sid: str) -> None:
        """Close a socket from the server's side."""


@dataclass(frozen=True)
class CreatedRooms:
    """New rooms and the one facilitator token that steers all of them."""

    rooms: tuple[RoomInfo, ...]
    facilitator_token: str
    event_id: str | None


@dataclass(frozen=True)
class Joined:
    """A new seat: the player id and the token that brings its holder back to it."""

    room_id: str
    player_id: str
    seat_token: str
    version: int


class RoomLifecycle:
    """Rooms and seats of this server process, from creation to being forgotten."""

    def __init__(
        self, service: RoomService, broadcaster: Broadcaster, transport: Transport
    ) -> None:
        self.service = service
        self.queries = service.queries
        self.writer = service.writer
        self.broadcaster = broadcaster
        self.connections = broadcaster.connections
        self.transport = transport

    # create

    def create_rooms(self, scenario_id: str, tables: int) -> CreatedRooms | Refused:
        """Create `tables` rooms on one scenario; more than one makes them one event."""
        scenario = self.service.scenarios.get(scenario_id)
        if scenario is None:
            return Refused(ServerCode.UNKNOWN_SCENARIO)
        token = seats.new_token()
        token_hash = seats.hash_token(token)
        event_id = seats.new_id() if tables > 1 else None
        at = self.service.clock()
        new_rooms = []
        for number in range(1, tables + 1):
            room_id = seats.new_id()
            new_rooms.append(
                NewRoom(
                    room_id=room_id,
                    code=self._free_code(),
                    scenario_id=scenario_id,
                    facilitator_token_hash=token_hash,
                    event_id=event_id,
                    table_number=number,
                    created=rules.create_room(room_id=room_id, scenario=scenario, at=at),
                    at=at,
                )
            )
        outcome = self.writer.submit(Job(room_id=new_rooms[0].room_id, new_rooms=tuple(new_rooms)))
        if isinstance(outcome, Refused):
            return outcome
        infos = tuple(
            self.queries.remember(
                RoomInfo(r.room_id, r.code, r.scenario_id, token_hash, event_id, "active")
            )
            for r in new_rooms
        )
        return CreatedRooms(rooms=infos, facilitator_token=token, event_id=event_id)

    def _free_code(self) -> str:
        # 2**39 codes: a clash is rare but cheap to rule out before the insert.
        while True:
            code = seats.new_code()
            if self.queries.room_by_code(code) is None:
                return code

    # join

    def join(self, room_id: str, name: str, home_role: Role) -> Joined | Refused:
        """Add a player through the engine's Join action and give them a seat token."""
        player_id = seats.new_id()
        token = seats.new_token()
        action = A.Join(
            actor=player_id,
            at=self.service.clock(),
            player_id=player_id,
            name=name,
            home_role=home_role,
        )
        job = Job(
            room_id=room_id,
            action=action,
            actor=player_id,
            seat=NewSeat(player_id=player_id, token_hash=seats.hash_token(token)),
        )
        outcome = self.writer.submit(job)
        if isinstance(outcome, Refused):
            return outcome
        return Joined(room_id, player_id, token, outcome.version)

    # identify

    def identify(self, room_id: str, token: str | None) -> Identity | Refused:
        """Who holds `token` in this room: the facilitator, a seated player, or (None) the
        big screen. A token of a player who left or was removed lets nobody in."""
        info = self.queries.room(room_id)
        state = self.service.state(room_id) if info is not None else None
        if info is None or state is None:
            return Refused(ServerCode.UNKNOWN_ROOM)
        if token is None:
            return Identity(room_id, None)
        token_hash = seats.hash_token(token)
        if hmac.compare_digest(token_hash, info.facilitator_token_hash):
            return Identity(room_id, FACILITATOR)
        player_id = self.queries.seat_player(room_id, token_hash)
        player = state.player(player_id) if player_id else None
        if player is None or not player.active:
            return Refused(ServerCode.BAD_TOKEN)
        return Identity(room_id, player.id)

    def is_facilitator_of_event(self, event_id: str, token: str) -> bool:
        """True when `token` steers the rooms of this event."""
        rooms = self.queries.event_rooms(event_id)
        token_hash = seats.hash_token(token)
        return bool(rooms) and all(
            hmac.compare_digest(token_hash, r.facilitator_token_hash) for r in rooms
        )

    # connect and take over

    def connect(
        self, sid: str, room_id: str, token: str | None, lang: str, last_seq: int = 0
    ) -> Identity | Refused:
        """A socket (re)connects with a token: refused with a code, or it joins its viewer's
        Socket.IO rooms, takes its seat over from older sockets and gets the current state."""
        identity = self.identify(room_id, token)
        if isinstance(identity, Refused):
            return identity
        state = self.service.current(room_id)
        if state is None:
            return Refused(ServerCode.UNKNOWN_ROOM)
        if last_seq > state.version:
            # The browser saw a version the database does not have: must never happen.
            logger.error(
                line("client_ahead", room=room_id, last_seq=last_seq, version=state.version)
            )
        older = self.connections.add(Connection(sid, identity, lang))
        self._take_over(identity, sid, older, lang)
        self.transport.enter(sid, identity.room_id)
        self.transport.enter(sid, sio_room(identity.room_id, identity.viewer_key))
        logger.info(
            line(
                "connect",
                room=identity.room_id,
                viewer=actor_role(identity.actor),
                version=state.version,
                takeover=len(older),
            )
        )
        self.broadcaster.send_state(sid, state, identity.viewer_key)
        if identity.is_seat:
            self.broadcaster.publish_presence(identity.room_id, state)
        return identity

    def _take_over(self, identity: Identity, sid: str, older: list[str], lang: str) -> None:
        if self.service.shared and identity.is_seat:
            # Sockets of this seat in other processes: they stop when they read the notice.
            viewer_room = sio_room(identity.room_id, identity.viewer_key)
            self.transport.notice(viewer_room, ServerCode.SEAT_TAKEN_OVER, lang, skip_sid=sid)
        for old in older:
            self.transport.notice(old, ServerCode.SEAT_TAKEN_OVER, self.connections.lang_of(old))
            self.transport.disconnect(old)

    # drop

    def drop(self, sid: str, reason: object = None) -> Connection | None:
        """A socket went away (reload, network, takeover, restart): the seat stays; the
        facilitator hears the player is offline. A finished room may then be forgotten."""
        connection = self.connections.remove(sid)
        if connection is None:
            return None
        identity = connection.identity
        logger.info(
            line(
                "disconnect",
                room=identity.room_id,
                viewer=actor_role(identity.actor),
                reason=reason,
            )
        )
        if identity.is_seat:
            state = self.service.state(identity.room_id)
            self.broadcaster.publish_presence(identity.room_id, state)
        self._forget_when_finished(identity.room_id)
        return connection

    # close and forget

    def committed(self, states: list[RoomState]) -> None:
        """After a commit (the writer's `on_commit`): tell every viewer, then note the rooms
        that were closed, forgetting those with no socket left here."""
        self.broadcaster.publish(states)
        for state in states:
            if state.phase == Phase.CLOSED:
                self.queries.mark_closed(state.room_id)
                self._forget_when_finished(state.room_id)

    def _forget_when_finished(self, room_id: str) -> None:
        state = self.writer.cached(room_id)
        if state is not None and state.phase != Phase.CLOSED:
            return
        if not self.connections.viewers(room_id):
            self.forget(room_id)

    def forget(self, room_id: str) -> None:
        """Drop a room from this process's memory: the writer's cache, the views, its facts."""
        self.writer.forget(room_id)
        self.broadcaster.forget_room(room_id)
        self.queries.forget(room_id)
        logger.info(line("forget", room=room_id))

    def remembers(self, room_id: str) -> bool:
        """Whether any part of this process still holds the room in memory."""
        return (
            self.writer.cached(room_id) is not None
            or self.broadcaster.remembers(room_id)
            or self.queries.remembers(room_id)
        )
