"""How rooms and seats come and go, all in one place.

* create    `POST /api/rooms`: one room per table, each with a join code; several tables are
            one event with one facilitator token (only its hash is stored).
* join      `POST /api/join` with the room's code: the engine's Join action adds the player,
            and a seat row links a new random token (its hash) to the player id, in the same
            transaction; the browser keeps the token per room.
* identify  a connection's key is the facilitator's, the big screen's or a seat's; no key, a
            wrong key or the summary's key opens no socket. The token of a player who left
            or was removed lets nobody in.
* connect   the socket joins its viewer's Socket.IO rooms and gets the current `state`; the
            facilitator hears that the player is online.
* take over a seat is used on one device at a time: the newest socket wins, the older ones get
            the notice `seat_taken_over` and are disconnected.
* drop      the connection goes away (reload, tunnel, server restart): the seat stays, only
            presence goes offline. Nothing is written to the log.
* leave     the engine's Leave action (or the facilitator's RemovePlayer), an action like any
            other (game/rooms/service.py): the seat is freed and its token stops working, and
            the seat's sockets are told and closed in every server process. A removed
            player's device (the id its browser sent when joining) cannot join the room again
            under another name until the facilitator lets it back in (`readmit`).
* close     the facilitator's CloseGame: the writer marks the room closed in the same
            transaction; after the viewers were told, the room's kept facts say closed too.
* forget    a closed room whose last socket in this process is gone is dropped from this
            process's memory (the writer's cache, the views, the room's facts). Reading it
            again (its summary, a late reconnect) rebuilds it from the database.
* delete    the facilitator deletes the game, or its retention ends (`purge`): the writer
            deletes the room and everything in it in one transaction and erases the freed
            pages; every socket of the room, in every process, is told and closed, and every
            process forgets the room.

Each step is tested: tests/unit/test_lifecycle.py and tests/integration/test_sockets.py.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from game.codes import ServerCode
from game.engine import actions as A
from game.engine import rules
from game.engine.roles import Role
from game.engine.state import FACILITATOR, Phase, RoomState, Settings
from game.logfmt import line
from game.rooms import seats
from game.rooms.action_log import actor_role
from game.rooms.broadcast import Broadcaster, Step, sio_room
from game.rooms.connections import Connection, Identity
from game.rooms.patches import Encoded
from game.rooms.queries import RoomInfo
from game.rooms.service import RoomService
from game.rooms.writer import Applied, Job, NewRoom, NewSeat, Outcome, Refused
from game.store import retention

logger = logging.getLogger("rolwissel.rooms")


class Transport(Protocol):
    """What the lifecycle needs of Socket.IO (game/web/sockets.py gives it)."""

    def enter(self, sid: str, room: str) -> None:
        """Put a socket in a Socket.IO room."""

    def notice(self, to: str, code: str, lang: str, *, skip_sid: str | None = None) -> None:
        """Send the `notice` event (the code and its sentence) to a socket or a room."""

    def disconnect(self, sid: str) -> None:
        """Close a socket from the server's side."""

    def close(self, room: str, code: str) -> None:
        """Send the `notice` `code` to every socket of a Socket.IO room and close them, in
        every server process (the message queue carries it)."""


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


# The engine's actions after which a seat's sockets are closed, and the notice they get.
_SEAT_ENDS = {"remove_player": ServerCode.REMOVED_FROM_GAME, "leave": ServerCode.LEFT_GAME}


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
        # Called with a room id when this process forgets a deleted room (the summary pages
        # drop what they cached of it).
        self.on_forget_deleted: list[Callable[[str], None]] = []

    # create

    def create_rooms(
        self, scenario_id: str, tables: int, plan_minutes: int = 0
    ) -> CreatedRooms | Refused:
        """Create `tables` rooms on one scenario; more than one makes them one event.
        `plan_minutes`: the session plan (60, 90, 120) or 0 for none."""
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
            screen_key = seats.derived_key(token, room_id, seats.Purpose.SCREEN)
            summary_key = seats.derived_key(token, room_id, seats.Purpose.SUMMARY)
            new_rooms.append(
                NewRoom(
                    room_id=room_id,
                    code=self._free_code(),
                    scenario_id=scenario_id,
                    facilitator_token_hash=token_hash,
                    event_id=event_id,
                    table_number=number,
                    created=rules.create_room(
                        room_id=room_id,
                        scenario=scenario,
                        at=at,
                        settings=Settings(plan_minutes=plan_minutes),
                    ),
                    at=at,
                    screen_key_hash=seats.hash_token(screen_key),
                    summary_key_hash=seats.hash_token(summary_key),
                )
            )
        outcome = self.writer.submit(Job(room_id=new_rooms[0].room_id, new_rooms=tuple(new_rooms)))
        if isinstance(outcome, Refused):
            return outcome
        infos = tuple(
            self.queries.remember(
                RoomInfo(
                    r.room_id,
                    r.code,
                    r.scenario_id,
                    token_hash,
                    event_id,
                    "active",
                    screen_key_hash=r.screen_key_hash,
                    summary_key_hash=r.summary_key_hash,
                )
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

    def join(
        self, room_id: str, name: str, home_role: Role, device: str | None = None
    ) -> Joined | Refused:
        """Add a player through the engine's Join action and give them a seat token.

        `device` is the id the browser keeps for itself: a device whose player the
        facilitator removed is refused until the facilitator lets it back in."""
        device_hash = seats.device_hash(room_id, device) if device else None
        if device_hash is not None and self._removed_device(room_id, device_hash):
            return Refused(ServerCode.REMOVED_FROM_GAME)
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
            seat=NewSeat(
                player_id=player_id, token_hash=seats.hash_token(token), device_hash=device_hash
            ),
        )
        outcome = self.writer.submit(job)
        if isinstance(outcome, Refused):
            return outcome
        return Joined(room_id, player_id, token, outcome.version)

    def _removed_device(self, room_id: str, device_hash: str) -> bool:
        state = self.service.state(room_id)
        if state is None:
            return False
        for player_id in self.queries.seat_players_with_device(room_id, device_hash):
            player = state.player(player_id)
            if player is not None and player.left_reason == "removed":
                return True
        return False

    def readmit(self, room_id: str, player_id: str) -> Outcome:
        """The facilitator lets a removed player's device join this room again."""
        return self.writer.submit(Job(room_id=room_id, readmit=player_id))

    # identify

    def identify(self, room_id: str, token: str | None) -> Identity | Refused:
        """Who holds `token` in this room: the facilitator, the big screen (actor None) or a
        seated player. No key opens nothing; a token of a player who left or was removed
        lets nobody in; the summary's key opens no socket."""
        info = self.queries.room(room_id)
        if info is not None and not self.queries.stored(room_id):
            # Deleted where this process did not see it (`rolwissel purge`): forget it here.
            self.forget_deleted(room_id)
            info = None
        state = self.service.state(room_id) if info is not None else None
        if info is not None and state is None and self.writer.is_damaged(room_id):
            return Refused(ServerCode.ROOM_DAMAGED)
        if info is None or state is None:
            return Refused(ServerCode.UNKNOWN_ROOM)
        if not token:
            return Refused(ServerCode.NO_KEY)
        token_hash = seats.hash_token(token)
        if _same(token_hash, info.facilitator_token_hash):
            return Identity(room_id, FACILITATOR)
        if _same(token_hash, info.screen_key_hash):
            return Identity(room_id, None)
        player_id = self.queries.seat_player(room_id, token_hash)
        player = state.player(player_id) if player_id else None
        if player is not None and player.left_reason == "removed":
            return Refused(ServerCode.REMOVED_FROM_GAME)
        if player is None or not player.active:
            return Refused(ServerCode.BAD_TOKEN)
        return Identity(room_id, player.id)

    def opens_summary(self, room_id: str, key: str) -> bool:
        """True when `key` opens this room's summary: the summary's key, the facilitator's,
        or the seat token of a player still in the game."""
        info = self.queries.room(room_id)
        if info is None or not key:
            return False
        key_hash = seats.hash_token(key)
        if _same(key_hash, info.summary_key_hash) or _same(key_hash, info.facilitator_token_hash):
            return True
        player_id = self.queries.seat_player(room_id, key_hash)
        state = self.service.state(room_id) if player_id else None
        player = state.player(player_id) if state is not None and player_id else None
        return player is not None and player.active

    def is_facilitator(self, room_id: str, token: str) -> bool:
        """True when `token` steers this room."""
        info = self.queries.room(room_id)
        return info is not None and _same(seats.hash_token(token), info.facilitator_token_hash)

    def is_facilitator_of_event(self, event_id: str, token: str) -> bool:
        """True when `token` steers the rooms of this event."""
        rooms = self.queries.event_rooms(event_id)
        token_hash = seats.hash_token(token)
        return bool(rooms) and all(_same(token_hash, r.facilitator_token_hash) for r in rooms)

    # act

    def act(self, room_id: str, actor: str, fields: dict[str, Any], key: str | None) -> Outcome:
        """An action through the room service; when it ended a seat (the player left or was
        removed), that seat's sockets are told and closed in every process."""
        outcome = self.service.act(room_id, actor, fields, key)
        ends = _SEAT_ENDS.get(str(fields.get("type")))
        if ends is not None and isinstance(outcome, Applied) and not outcome.duplicate:
            player_id = actor if fields.get("type") == "leave" else str(fields.get("player_id"))
            self.transport.close(sio_room(room_id, f"p:{player_id}"), ends)
        return outcome

    # connect and take over

    def connect(
        self, sid: str, room_id: str, token: str | None, lang: str, last_seq: int = 0
    ) -> Identity | Refused:
        """A socket (re)connects with a token: refused with a code, or it joins its viewer's
        Socket.IO rooms, takes its seat over from older sockets and gets the current state."""
        found = self._viewer_now(room_id, token)
        if isinstance(found, Refused):
            return found
        identity, state = found
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
                sid=sid,  # pairs this line with its disconnect, also across processes
                version=state.version,
                takeover=len(older),
            )
        )
        self.broadcaster.send_state(sid, state, identity.viewer_key)
        if identity.is_seat:
            self.broadcaster.publish_presence(identity.room_id, state)
        return identity

    def first_view(self, room_id: str, token: str) -> Encoded | Refused:
        """The `state` message the socket would send first to whoever holds `token`, without
        a socket: the same view, hidden the same way (a page shows it before its socket is
        up). Refused with the codes the socket's connect uses; nothing else changes."""
        found = self._viewer_now(room_id, token)
        if isinstance(found, Refused):
            return found
        identity, state = found
        return self.broadcaster.first_state(state, identity.viewer_key)

    def _viewer_now(self, room_id: str, token: str | None) -> tuple[Identity, RoomState] | Refused:
        """Who holds `token` and the room's current state, or the refusal."""
        identity = self.identify(room_id, token)
        if isinstance(identity, Refused):
            return identity
        state = self.service.current(room_id)
        if state is None:
            return Refused(ServerCode.UNKNOWN_ROOM)
        return identity, state

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
                sid=sid,
                reason=reason,
            )
        )
        if identity.is_seat:
            state = self.service.state(identity.room_id)
            self.broadcaster.publish_presence(identity.room_id, state)
        self._forget_when_finished(identity.room_id)
        return connection

    # close and forget

    def committed(self, steps: list[Step]) -> None:
        """After a commit (the writer's `on_commit`): tell every viewer, then note the rooms
        that were closed, forgetting those with no socket left here."""
        self.broadcaster.publish(steps)
        for state in (step.after for step in steps):
            if state.phase == Phase.CLOSED:
                self.queries.mark_closed(state.room_id)
                self._forget_when_finished(state.room_id)

    def _forget_when_finished(self, room_id: str) -> None:
        state = self.writer.cached(room_id)
        if state is not None and state.phase != Phase.CLOSED:
            return
        if not self.connections.viewers(room_id):
            self.forget(room_id)

    # delete

    def delete(self, room_ids: list[str]) -> list[Outcome]:
        """Delete games and everything in them at once (the facilitator, or the retention)."""
        return self.writer.submit_all([Job(room_id=r, delete=True) for r in room_ids])

    def deleted(self, room_ids: list[str]) -> None:
        """After a deletion's commit (the writer's `on_delete`): every socket of each room, in
        every process, is told and closed, and every process forgets the room."""
        for room_id in room_ids:
            logger.info(line("deleted", room=room_id))
            self.transport.close(room_id, ServerCode.GAME_DELETED)
            self.forget_deleted(room_id)

    def forget_deleted(self, room_id: str) -> None:
        """Forget a deleted room here (every process does, when the close notice reaches it)."""
        self.forget(room_id)
        self.writer.damaged.pop(room_id, None)
        for listener in self.on_forget_deleted:
            listener(room_id)

    def purge(self, policy: retention.Policy) -> list[retention.Expired]:
        """Delete the games past their retention; any process may run it at any time. The
        rooms are looked at a page at a time, with other work let in between two pages: the
        purge runs on the event loop, and a large database has many rooms."""
        now = self.service.clock()
        expired = retention.every_page(
            lambda after: self.queries.expired_page(policy, now, after),
            between=lambda: self.writer.runtime.sleep(0),
        )
        if expired:
            outcomes = self.delete([e.room_id for e in expired])
            expired = [e for e, o in zip(expired, outcomes, strict=True) if isinstance(o, Applied)]
        logger.info(line("purge", deleted=len(expired)))
        return expired

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


def _same(token_hash: str, stored: str | None) -> bool:
    """A constant-time comparison of a key's hash with a stored one (None matches nothing)."""
    return stored is not None and hmac.compare_digest(token_hash, stored)
