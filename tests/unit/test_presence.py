"""Who is online: in one process's memory, or in the Redis that several processes share."""

from __future__ import annotations

import pytest

from game.rooms.presence import PROCESS_TTL_S, LocalPresence, RedisPresence


def test_local_presence_counts_a_viewer_while_any_of_its_sockets_lives() -> None:
    """Two tabs of one seat: online until the last one closes."""
    presence = LocalPresence()
    presence.add("r1", "p:a", "s1")
    presence.add("r1", "p:a", "s2")
    presence.add("r2", "p:b", "s3")
    presence.remove("r1", "p:a", "s1")
    assert presence.viewers("r1") == {"p:a"}
    presence.remove("r1", "p:a", "s2")
    assert presence.viewers("r1") == set() and presence.viewers("r2") == {"p:b"}


@pytest.mark.redis
def test_redis_presence_is_shared_by_processes(redis_url: str) -> None:
    """A socket on one process is seen online by another; closing it there ends it."""
    one, two = RedisPresence(redis_url), RedisPresence(redis_url)
    try:
        one.add("r1", "p:a", "s1")
        two.add("r1", "facilitator", "s2")
        assert one.viewers("r1") == two.viewers("r1") == {"p:a", "facilitator"}
        one.remove("r1", "p:a", "s1")
        assert two.viewers("r1") == {"facilitator"}
        assert one.healthy() and two.healthy()
    finally:
        one.close()
        two.close()


@pytest.mark.redis
def test_the_sockets_of_a_silent_process_stop_counting(redis_url: str) -> None:
    """A process killed with SIGKILL says nothing: its sockets count until its heartbeat is
    PROCESS_TTL_S old; a process that stops cleanly takes its sockets along at once."""
    now = [1_000.0]
    killed = RedisPresence(redis_url, clock=lambda: now[0])
    stopped = RedisPresence(redis_url, clock=lambda: now[0])
    alive = RedisPresence(redis_url, clock=lambda: now[0])
    try:
        killed.add("r1", "p:a", "s1")
        stopped.add("r1", "p:b", "s2")
        alive.add("r1", "p:c", "s3")
        stopped.close()
        assert alive.viewers("r1") == {"p:a", "p:c"}
        now[0] += PROCESS_TTL_S + 1
        alive.beat()  # the living keep beating; the killed one cannot
        assert alive.viewers("r1") == {"p:c"}
    finally:
        alive.close()
        killed.client.close()


def test_presence_without_redis_is_empty_not_an_error() -> None:
    """A Redis that does not answer: nobody shown online, the health check says so, and
    nothing raises (a connection must not fail for a courtesy)."""
    presence = RedisPresence("redis://127.0.0.1:1/0")
    presence.add("r1", "p:a", "s1")
    assert presence.viewers("r1") == set()
    assert presence.healthy() is False
    presence.close()
