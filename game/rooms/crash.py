"""Fault injection for the crash tests: die at a chosen point of the write path.

ROLWISSEL_CRASH_AT=<point>:<nth>[,<point>:<nth>...] kills this process with SIGKILL the nth
time the write path reaches <point>. Unset (always, outside tests) it does nothing.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

logger = logging.getLogger("rolwissel.crash")

# In the order the write path reaches them: record, then acknowledge, then tell.
CRASH_POINTS = (
    "before_commit",
    "after_commit_before_ack",
    "after_ack_before_broadcast",
    "mid_broadcast",
)


class CrashPoints:
    """The points of one process and how often each was reached."""

    def __init__(self, spec: str | None) -> None:
        self.targets: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        for part in (spec or "").split(","):
            if not part.strip():
                continue
            point, _, nth = part.strip().partition(":")
            if point not in CRASH_POINTS:
                raise ValueError(f"ROLWISSEL_CRASH_AT: unknown point {point!r}")
            self.targets[point] = int(nth or "1")

    @classmethod
    def from_environment(cls) -> CrashPoints:
        return cls(os.environ.get("ROLWISSEL_CRASH_AT"))

    def reach(self, point: str) -> None:
        """Count one arrival at `point`; die here when it is the chosen one."""
        if point not in self.targets:
            return
        self.counts[point] = self.counts.get(point, 0) + 1
        if self.counts[point] == self.targets[point]:
            logger.warning("crash_at point=%s nth=%d", point, self.counts[point])
            for handler in logging.getLogger().handlers:
                handler.flush()
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)
