"""Cooperative I/O under eventlet, in one place: `rolwissel serve` calls `patch_eventlet()`
before it imports anything else.

eventlet must patch the standard library before Flask, pydantic, sockets or threads are
imported. psycopg 3 chooses how it waits for the database when it is imported: its default
is C code that eventlet cannot green, so one slow query would stop every connection of the
process. `wait_select` uses `select()`, which eventlet greens (`wait_poll` and `wait_epoll`
break under eventlet). SQLite is C code too; the writer runs it in a real thread instead.
"""

from __future__ import annotations

import os
import sys
import warnings

PSYCOPG_WAIT_FUNC = "wait_select"


def patch_eventlet() -> None:
    """Monkey-patch with eventlet and make psycopg wait cooperatively; call first."""
    os.environ["PSYCOPG_WAIT_FUNC"] = PSYCOPG_WAIT_FUNC
    with warnings.catch_warnings():
        # eventlet warns on import that it is in bug-fix mode; docs/operations.md says why we
        # still use it and how the async mode stays one setting.
        warnings.simplefilter("ignore")
        import eventlet

    eventlet.monkey_patch()


def check_psycopg() -> None:
    """Refuse to use PostgreSQL in a monkey-patched process whose psycopg would block the
    hub (it was imported before `patch_eventlet()`)."""
    patcher = sys.modules.get("eventlet.patcher")
    if patcher is None or not patcher.is_monkey_patched("socket"):
        return
    from psycopg import waiting

    if waiting.wait is not getattr(waiting, PSYCOPG_WAIT_FUNC):
        raise RuntimeError(
            "psycopg was imported before game.green.patch_eventlet(): "
            "its queries would block every connection of this process"
        )
