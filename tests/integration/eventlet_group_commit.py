"""Run by test_eventlet_writer.py in its own process: the writer under eventlet, measured.

Prints one JSON line: how many transactions 50 simultaneous joins took, and the longest
time the eventlet hub went without running a 2 ms ticker while they were written.
"""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # eventlet's bug-fix-mode notice
    import eventlet

eventlet.monkey_patch()

import itertools  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

from sqlalchemy import event  # noqa: E402

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
    ticks: list[float] = []

    def ticker() -> None:
        for _ in range(300):
            ticks.append(time.monotonic())
            eventlet.sleep(0.002)

    before = len(commits)
    running = eventlet.spawn(ticker)
    eventlet.sleep(0.01)
    started = time.perf_counter()
    joined = list(
        eventlet.GreenPool(100).imap(
            lambda n: ext.lifecycle.join(room_id, f"Speler {n}", Role.INWONER), range(50)
        )
    )
    elapsed = time.perf_counter() - started
    running.wait()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    print(
        json.dumps(
            {
                "joined": sum(isinstance(j, Joined) for j in joined),
                "versions": sorted(j.version for j in joined if isinstance(j, Joined)),
                "transactions": len(commits) - before,
                "ms": elapsed * 1000,
                "max_gap_ms": max(gaps) * 1000,
                "same_thread_engine": ext.writer_db is ext.reader,
            }
        )
    )
    ext.close()


if __name__ == "__main__":
    main()
