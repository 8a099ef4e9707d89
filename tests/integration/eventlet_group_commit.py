"""Run by test_eventlet_writer.py in its own process: the writer under eventlet, measured.

Prints one JSON line: how many transactions 50 simultaneous joins took, and the longest
time the eventlet hub went without running a 2 ms ticker while they were written. On
PostgreSQL (ROLWISSEL_DATABASE_URL) also the longest gap while a 0.3 s query ran.
"""

from game.green import patch_eventlet

patch_eventlet()  # as `rolwissel serve` does, before anything else

import itertools  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import eventlet  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from game import create_app  # noqa: E402
from game.engine.roles import Role  # noqa: E402
from game.extension import extension  # noqa: E402
from game.rooms.lifecycle import CreatedRooms, Joined  # noqa: E402


def main() -> None:
    app = create_app({"ASYNC_MODE": "eventlet", "WRITE_WINDOW_MS": 5})
    ext = extension(app)
    commits: list[int] = []
    event.listen(ext.writer_db.engine, "commit", lambda _connection: commits.append(1))
    created = ext.lifecycle.create_rooms("buurtkamer-bibliotheek", 1)
    assert isinstance(created, CreatedRooms)
    room_id = created.rooms[0].id
    before = len(commits)
    started = time.perf_counter()
    joined: list[object] = []
    max_gap_ms = ticking(
        lambda: joined.extend(
            eventlet.GreenPool(100).imap(
                lambda n: ext.lifecycle.join(room_id, f"Speler {n}", Role.INWONER), range(50)
            )
        )
    )
    elapsed = time.perf_counter() - started
    slow_query_gap_ms = None
    if not ext.reader.is_sqlite:
        with ext.reader.engine.connect() as connection:
            slow_query_gap_ms = ticking(
                lambda: connection.execute(text("SELECT pg_sleep(0.3)")), ticks=200
            )
    print(
        json.dumps(
            {
                "joined": sum(isinstance(j, Joined) for j in joined),
                "versions": sorted(j.version for j in joined if isinstance(j, Joined)),
                "transactions": len(commits) - before,
                "ms": elapsed * 1000,
                "max_gap_ms": max_gap_ms,
                "slow_query_gap_ms": slow_query_gap_ms,
                "same_thread_engine": ext.writer_db is ext.reader,
            }
        )
    )
    ext.close()


def ticking(work: Callable[[], object], ticks: int = 300) -> float:
    """Run `work` while a 2 ms ticker runs on the hub; the longest gap between ticks (ms)."""
    times: list[float] = []

    def ticker() -> None:
        for _ in range(ticks):
            times.append(time.monotonic())
            eventlet.sleep(0.002)

    running = eventlet.spawn(ticker)
    eventlet.sleep(0.01)
    work()
    running.wait()
    return max(b - a for a, b in itertools.pairwise(times)) * 1000


if __name__ == "__main__":
    main()
