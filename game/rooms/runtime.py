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
