"""Settings: defaults, then `instance/config.py`, then the environment, then explicit overrides.

Every setting has a default that works on the embedded set-up (SQLite in the instance
folder, one process). An operator changes one with an environment variable named
`ROLWISSEL_<NAME>` or with a line `NAME = value` in `instance/config.py`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from game.scenarios.loader import default_folder

ENV_PREFIX = "ROLWISSEL_"


def defaults(instance_path: str) -> dict[str, Any]:
    """The settings that hold when nobody changes anything."""
    return {
        # SQLite in the instance folder: nothing to install, survives a restart.
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "rolwissel.sqlite3"),
        # Connections each process keeps to the database, extra ones for a burst (PostgreSQL
        # only), and the seconds a request waits for a free one. N processes on PostgreSQL
        # need N * (size + overflow) below the server's max_connections.
        "DATABASE_POOL_SIZE": 10,
        "DATABASE_MAX_OVERFLOW": 10,
        "DATABASE_POOL_TIMEOUT": 30,
        # The Redis that several server processes share (for example
        # redis://127.0.0.1:6379/0): their message queue, who is online, the rate limits.
        # None: one process, everything in its memory.
        "REDIS_URL": None,
        # Flask-SocketIO's message queue; None uses REDIS_URL. Set it only for another
        # kind of queue (kombu: amqp://...).
        "MESSAGE_QUEUE": None,
        # 'threading' works everywhere (tests, scripts); `rolwissel serve` sets 'eventlet'.
        "ASYNC_MODE": "threading",
        # Actions that arrive within this many milliseconds share one database transaction.
        "WRITE_WINDOW_MS": 5,
        # Overload: an action is refused at once with `server_overloaded` when this many jobs
        # already wait for the writer, and refused when the writer has not taken it up after
        # this many milliseconds (never after it was taken: then it waits for its commit).
        "WRITE_QUEUE_LIMIT": 2000,
        "WRITE_WAIT_MS": 3000,
        # Send small messages at once (no Nagle's algorithm on accepted sockets).
        "TCP_NODELAY": True,
        # Per-message compression of websocket messages (what browsers ask for): agreed
        # without keeping a compressor per socket, and used only for messages of at least
        # DEFLATE_MIN_BYTES (a whole view, not a small patch). False refuses it.
        "WEBSOCKET_DEFLATE": True,
        "DEFLATE_MIN_BYTES": 2048,
        # The garbage collector's thresholds (gc.set_threshold) after start-up: a full pass
        # (60-200 ms of a stalled hub on a busy server) after every 1,000 middle passes
        # instead of Python's 10. The rooms' states and views hold no cycles, so reference
        # counting frees them; in a 400-player soak this took the p99 at minute 9 from 208
        # to 50 ms at the same memory (docs/benchmarks.md). Empty keeps Python's own
        # (700, 10, 10).
        "GC_THRESHOLDS": (700, 10, 1000),
        # Seconds between two `loop_lag` log lines (how late the event loop wakes up: p50,
        # p99 and the largest, over the samples of that stretch); 0: not measured.
        "LOOP_LAG_REPORT_S": 10.0,
        # Open connections in all (a websocket holds one for its life). Over it a connection
        # is refused with 503 server_busy; eventlet's pool is a little larger, so the cap, not
        # a silent wait, is what refuses.
        "MAX_CONNECTIONS": 1000,
        # Open connections from one client address (a venue behind one NAT is one address).
        # Not applied behind a trusted proxy, where every connection comes from the proxy.
        "MAX_CONNECTIONS_PER_ADDRESS": 300,
        # Socket sessions that have not yet shown a valid key: in all, and per address.
        "MAX_PENDING": 200,
        "MAX_PENDING_PER_ADDRESS": 20,
        # Seconds a socket session may take to show a valid key before it is closed.
        "AUTH_TIMEOUT": 5.0,
        # Seconds a connection may wait before sending a request, and take to send its headers.
        "IDLE_TIMEOUT": 15.0,
        # The largest HTTP request body (the API's JSON); larger ones get 413 body_too_large.
        "MAX_BODY_BYTES": 64 * 1024,
        # Host names (besides loopback and this machine's own names and addresses) that join
        # links and QR codes may be made for when PUBLIC_URL is not set.
        "ALLOWED_HOSTS": (),
        # Write a snapshot of a room every this many events, so a rebuild stays short.
        "SNAPSHOT_EVERY": 100,
        "SCENARIOS_DIR": str(default_folder()),
        # True: a broken scenario file stops the server (`serve --strict`); False: the server
        # starts with the good cases and logs one line per broken file.
        "SCENARIOS_STRICT": False,
        "SECRET_KEY": None,  # read from or made once in the instance folder when unset
        # Failed joins with one code from one client address; the same wrong code typed again
        # and again locks out only that code, never the right one (game/web/ratelimit.py).
        "JOIN_FAIL_LIMIT": "5 per minute",
        # Distinct wrong codes one client address may try (guessing across codes); over it,
        # only codes somebody from that address already joined with still get in.
        "JOIN_GUESS_LIMIT": "50 per 10 minutes",
        # Tables one client address may create (a "new game" with N tables counts N).
        "ROOM_CREATE_LIMIT": "60 per hour",
        # First views over HTTP (POST /api/rooms/<id>/view) per client address: a venue's
        # phones behind one address each load the page a few times; over it, a page waits
        # for its socket's first view instead.
        "VIEW_LIMIT": "120 per minute",
        # Each connection's messages (actions, resyncs): `ACTION_RATE` per second after a
        # burst of `ACTION_BURST`; more get `too_many_actions` at once (0: no limit).
        "ACTION_RATE": 5.0,
        "ACTION_BURST": 20,
        # Games are deleted with everything in them this many days after they were closed,
        # and, when never closed, this many days after their last event.
        "RETENTION_DAYS": 30.0,
        "IDLE_RETENTION_DAYS": 90.0,
        # Every server process looks for games past their retention this often (seconds);
        # the first look comes at a random moment within the first interval.
        "PURGE_INTERVAL_S": 3600.0,
        # The address people type or scan, when the server sits behind a proxy that changes
        # it (for example https://rolwissel.example.nl); None uses the request's own host.
        "PUBLIC_URL": None,
        # Where the rate limits count (the `limits` library's storage); None uses
        # REDIS_URL, or memory:// for one process.
        "RATELIMIT_STORAGE_URI": None,
        # Reverse proxies in front of the server whose X-Forwarded-For and X-Forwarded-Proto
        # are trusted (0: none; 1: one nginx): the client's address for the rate limits and
        # the scheme for links are read from them. Never more than really stand in front.
        "TRUSTED_PROXIES": 0,
        # The largest message a browser may send on the socket, in bytes of JSON.
        "MAX_MESSAGE_BYTES": 8 * 1024,
    }


def _as_int(value: str) -> int:
    return int(value)


def _as_float(value: str) -> float:
    return float(value)


def _as_ints(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.replace(" ", "").split(",") if part)


def _as_bool(value: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a yes or no: {value!r}")


def _as_optional(value: str) -> str | None:
    return value or None


def _as_names(value: str) -> tuple[str, ...]:
    return tuple(name.strip().lower() for name in value.split(",") if name.strip())


# The settings that may come from the environment, with how to read each one.
ENVIRONMENT: dict[str, Callable[[str], Any]] = {
    "DATABASE_URL": str,
    "DATABASE_POOL_SIZE": _as_int,
    "DATABASE_MAX_OVERFLOW": _as_int,
    "DATABASE_POOL_TIMEOUT": _as_int,
    "REDIS_URL": _as_optional,
    "MESSAGE_QUEUE": _as_optional,
    "ASYNC_MODE": str,
    "WRITE_WINDOW_MS": _as_int,
    "WRITE_QUEUE_LIMIT": _as_int,
    "WRITE_WAIT_MS": _as_int,
    "LOOP_LAG_REPORT_S": _as_float,
    "GC_THRESHOLDS": _as_ints,
    "WEBSOCKET_DEFLATE": _as_bool,
    "TCP_NODELAY": _as_bool,
    "DEFLATE_MIN_BYTES": _as_int,
    "MAX_CONNECTIONS": _as_int,
    "MAX_CONNECTIONS_PER_ADDRESS": _as_int,
    "MAX_PENDING": _as_int,
    "MAX_PENDING_PER_ADDRESS": _as_int,
    "AUTH_TIMEOUT": _as_float,
    "IDLE_TIMEOUT": _as_float,
    "MAX_BODY_BYTES": _as_int,
    "ALLOWED_HOSTS": _as_names,
    "SNAPSHOT_EVERY": _as_int,
    "SCENARIOS_DIR": str,
    "SCENARIOS_STRICT": _as_bool,
    "SECRET_KEY": str,
    "JOIN_FAIL_LIMIT": str,
    "JOIN_GUESS_LIMIT": str,
    "ROOM_CREATE_LIMIT": str,
    "VIEW_LIMIT": str,
    "ACTION_RATE": _as_float,
    "ACTION_BURST": _as_int,
    "RETENTION_DAYS": _as_float,
    "IDLE_RETENTION_DAYS": _as_float,
    "PURGE_INTERVAL_S": _as_float,
    "PUBLIC_URL": _as_optional,
    "RATELIMIT_STORAGE_URI": _as_optional,
    "TRUSTED_PROXIES": _as_int,
    "MAX_MESSAGE_BYTES": _as_int,
}

ASYNC_MODES = ("threading", "eventlet")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings given as `ROLWISSEL_<NAME>` variables, converted to their types."""
    found: dict[str, Any] = {}
    for name, convert in ENVIRONMENT.items():
        raw = environ.get(ENV_PREFIX + name)
        if raw is not None:
            try:
                found[name] = convert(raw)
            except ValueError as error:
                raise ValueError(f"{ENV_PREFIX}{name}={raw!r} is not valid: {error}") from None
    return found


def load(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill `app.config` in order: defaults, instance config, environment, overrides."""
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment(os.environ))
    if overrides:
        app.config.update(overrides)
    if app.config["ASYNC_MODE"] not in ASYNC_MODES:
        raise ValueError(f"ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}")
    if app.config["TRUSTED_PROXIES"] < 0:
        raise ValueError("TRUSTED_PROXIES must be 0 or more")
    shared_by_redis(app.config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))


def shared_by_redis(config: dict[str, Any]) -> None:
    """Fill in what follows from REDIS_URL: the message queue and the rate limits' storage
    use it unless set on their own; a Redis message queue alone also sets REDIS_URL, so
    presence and rate limits are never left in one process's memory when rooms are shared."""
    queue = config["MESSAGE_QUEUE"]
    if config["REDIS_URL"] is None and queue and queue.startswith(REDIS_SCHEMES):
        config["REDIS_URL"] = queue
    if queue is None:
        config["MESSAGE_QUEUE"] = config["REDIS_URL"]
    if config["RATELIMIT_STORAGE_URI"] is None:
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"] or "memory://"


def instance_secret(instance: Path) -> str:
    """The secret key kept in the instance folder, made once on first start."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    # Written to a private temporary file and linked into place: the link fails when another
    # process got there first, so every process ends up with the same key, never half a file.
    temporary = instance / f".secret_key.{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        temporary.unlink()
    return key
