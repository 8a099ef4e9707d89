"""The async mode in one place, and the server's clock.

Under eventlet the blocking database work runs in a real thread (`eventlet.tpool`), so the hub
keeps answering pings while SQLite syncs; in threading mode it is called directly. Which one
is chosen by `Runtime.for_mode`, the one place that knows about the async mode.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def now_ms() -> int:
    """The server's clock in milliseconds: the only clock the game's events get."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Runtime:
    """How to start a task, wait, queue and run blocking work, for one async mode."""

    mode: str
    spawn: Callable[..., Any]
    sleep: Callable[[float], Any]
    blocking: Callable[..., Any]  # blocking(fn, *args) -> fn(*args), off the hub if needed
    make_queue: Callable[[], Any]
    make_event: Callable[[], Any]

    @classmethod
    def for_mode(cls, mode: str) -> Runtime:
        """eventlet: green tasks, blocking work in a real thread. threading: plain threads."""
        if mode == "eventlet":
            import eventlet
            import eventlet.queue
            import eventlet.tpool

            # threading.Event is green here: `rolwissel serve` monkey-patched before imports.
            return cls(
                mode=mode,
                spawn=eventlet.spawn,
                sleep=eventlet.sleep,
                blocking=eventlet.tpool.execute,
                make_queue=eventlet.queue.LightQueue,
                make_event=threading.Event,
            )
        return cls(
            mode="threading",
            spawn=_spawn_thread,
            sleep=time.sleep,
            blocking=call_here,
            make_queue=queue.Queue,
            make_event=threading.Event,
        )


def _spawn_thread(fn: Callable[..., Any], *args: Any) -> threading.Thread:
    thread = threading.Thread(target=fn, args=args, daemon=True, name="rolwissel-writer")
    thread.start()
    return thread


def call_here(fn: Callable[..., Any], *args: Any) -> Any:
    """Run blocking work in the calling task (threading mode, cooperative drivers)."""
    return fn(*args)


LAG_INTERVAL_S = 0.05  # how often the loop-lag watcher asks to be woken up
# Each report counts the samples later than these, so a reader can add stretches up and
# know the share of all samples over a bound (the p99 of a run, not of one stretch).
LAG_BOUNDS_MS = (10, 20, 50, 100)


@dataclass(frozen=True)
class LagReport:
    """How late the event loop woke the watcher over one stretch, in milliseconds."""

    samples: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    over_ms: dict[int, int]  # per bound of LAG_BOUNDS_MS: the samples later than it

    @classmethod
    def of(cls, lags_ms: list[float]) -> LagReport:
        ordered = sorted(lags_ms)

        def rank(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

        over = {bound: sum(1 for lag in ordered if lag > bound) for bound in LAG_BOUNDS_MS}
        return cls(len(ordered), rank(0.5), rank(0.99), ordered[-1], over)


def watch_loop_lag(
    sleep: Callable[[float], Any],
    report_s: float,
    report: Callable[[LagReport], None],
    *,
    interval_s: float = LAG_INTERVAL_S,
    clock: Callable[[], float] = time.perf_counter,
) -> None:
    """Forever: sleep `interval_s` and note how much later than asked the loop woke this task
    (work that holds the hub, such as a long garbage collection or a blocking call, shows
    here); every `report_s` seconds hand the stretch's figures to `report`."""
    lags: list[float] = []
    started = clock()
    while True:
        before = clock()
        sleep(interval_s)
        after = clock()
        lags.append(max(0.0, (after - before - interval_s) * 1000))
        if after - started >= report_s:
            report(LagReport.of(lags))
            lags, started = [], after
