"""Who is online: which viewers of a room have a live socket, in this process or any other.

Presence is connection state, not game state (game/rooms/broadcast.py says why it never goes
into the log). One process keeps it in memory (`LocalPresence`). Several processes keep it in
the Redis they share (`RedisPresence`), because the facilitator's process must also see the
players connected to the others.

In Redis each room is a hash `rolwissel:presence:<room id>` from `<process>:<sid>` to the
viewer key, and every live process renews its score in the sorted set `rolwissel:processes`
every few seconds. A socket counts while its process does: a process killed with SIGKILL
cannot say goodbye, so its sockets stop counting when its score is older than PROCESS_TTL_S;
a process that stops cleanly removes its score at once.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

logger = logging.getLogger("rolwissel.presence")

PREFIX = "rolwissel:"
PROCESSES = PREFIX + "processes"
HEARTBEAT_S = 5.0  # how often a process renews its score
PROCESS_TTL_S = 15.0  # a process silent this long is gone, and its sockets with it
ROOM_TTL_S = 24 * 3600  # a room's hash is dropped a day after its last connect


class Presence(Protocol):
    """Who has a live socket in which room."""

    def add(self, room_id: str, viewer_key: str, sid: str) -> None: ...

    def remove(self, room_id: str, viewer_key: str, sid: str) -> None: ...

    def viewers(self, room_id: str) -> set[str]:
        """The viewer keys of the room with at least one live socket."""
        ...

    def healthy(self) -> bool:
        """True when presence can be kept (the health check asks)."""
        ...

    def close(self) -> None: ...


class LocalPresence:
    """Presence in this process's memory: right when it is the only process."""

    def __init__(self) -> None:
        self._sockets: dict[tuple[str, str], set[str]] = {}
        self._lock = threading.Lock()

    def add(self, room_id: str, viewer_key: str, sid: str) -> None:
        with self._lock:
            self._sockets.setdefault((room_id, viewer_key), set()).add(sid)

    def remove(self, room_id: str, viewer_key: str, sid: str) -> None:
        with self._lock:
            sids = self._sockets.get((room_id, viewer_key))
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self._sockets[(room_id, viewer_key)]

    def viewers(self, room_id: str) -> set[str]:
        with self._lock:
            return {key for (room, key) in self._sockets if room == room_id}

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        pass


class RedisPresence:
    """Presence in Redis, shared by every server process of a deployment.

    A Redis that does not answer makes presence empty (logged), never a failed connection:
    who is online is a courtesy to the facilitator, not part of the game.
    """

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.process = uuid.uuid4().hex[:12]
        self.clock = clock
        self._closed = False

    def _room(self, room_id: str) -> str:
        return f"{PREFIX}presence:{room_id}"

    def _field(self, sid: str) -> str:
        return f"{self.process}:{sid}"

    def beat(self) -> None:
        """Say this process is alive; forget processes silent for long."""
        now = self.clock()
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.zadd(PROCESSES, {self.process: now})
            pipe.zremrangebyscore(PROCESSES, "-inf", now - 10 * PROCESS_TTL_S)
            pipe.execute()
        except self.errors:
            logger.warning("presence_unavailable op=beat", exc_info=True)

    def run(self, sleep: Callable[[float], Any]) -> None:
        """The heartbeat loop, as a background task, until `close()`."""
        while not self._closed:
            self.beat()
            sleep(HEARTBEAT_S)

    def add(self, room_id: str, viewer_key: str, sid: str) -> None:
        key = self._room(room_id)
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.zadd(PROCESSES, {self.process: self.clock()})
            pipe.hset(key, self._field(sid), viewer_key)
            pipe.expire(key, ROOM_TTL_S)
            pipe.execute()
        except self.errors:
            logger.warning("presence_unavailable op=add", exc_info=True)

    def remove(self, room_id: str, viewer_key: str, sid: str) -> None:
        try:
            self.client.hdel(self._room(room_id), self._field(sid))
        except self.errors:
            logger.warning("presence_unavailable op=remove", exc_info=True)

    def viewers(self, room_id: str) -> set[str]:
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.hgetall(self._room(room_id))
            pipe.zrangebyscore(PROCESSES, self.clock() - PROCESS_TTL_S, "+inf")
            sockets, alive = pipe.execute()
        except self.errors:
            logger.warning("presence_unavailable op=viewers", exc_info=True)
            return set()
        living = {p.decode() for p in alive}
        return {
            viewer.decode()
            for field, viewer in sockets.items()
            if field.decode().partition(":")[0] in living
        }

    def healthy(self) -> bool:
        try:
            return bool(self.client.ping())
        except self.errors:
            logger.warning("presence_unavailable op=ping", exc_info=True)
            return False

    def close(self) -> None:
        """Stop the heartbeat; this process's sockets stop counting at once."""
        self._closed = True
        try:
            self.client.zrem(PROCESSES, self.process)
        except self.errors:
            logger.warning("presence_unavailable op=close", exc_info=True)
        self.client.close()


def presence_for(redis_url: str | None) -> Presence:
    """Redis when several processes share the rooms, this process's memory otherwise."""
    return RedisPresence(redis_url) if redis_url else LocalPresence()
