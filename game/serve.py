"""`rolwissel serve`, after the monkey-patching: build the app, rebuild the rooms, listen.

Imported only by game/cli.py's `serve`, once eventlet (when used) has patched the standard
library, so Flask and friends see green sockets and locks.
"""

from __future__ import annotations

import gc
import ipaddress
import logging
import os
import random
import resource
import signal
import socket
import sys
import threading
import time
from types import FrameType

from game import logfmt
from game.extension import Rolwissel, extension
from game.rooms.runtime import LagReport, watch_loop_lag

logger = logging.getLogger("rolwissel.serve")

# Open files the server needs besides its connections: the database, logs, scenario files.
FILES_BESIDES_CONNECTIONS = 64


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port. eventlet binds with SO_REUSEPORT and would
    silently share a port with a running server, so we look first, without that option."""
    for family, kind, proto, _name, address in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM
    ):
        with socket.socket(family, kind, proto) as probe:
            # SO_REUSEADDR lets us past old TIME_WAIT connections but not a live listener.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError:
                return False
    return True


# Any private address: connecting a UDP socket to it only asks the kernel which route and
# source address it would take. A UDP connect() sends no packet.
ROUTE_PROBE = ("10.254.254.254", 9)
WILDCARD = frozenset({"0.0.0.0", "::", ""})
PHONES = "Rolwissel voor telefoons"


def lan_address() -> str | None:
    """This machine's address on its local network (the one phones on the same wifi use), or
    None when it has none. Found without sending anything off the machine."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(ROUTE_PROBE)
            address = str(probe.getsockname()[0])
    except OSError:  # no route at all: no network
        return None
    if ipaddress.ip_address(address).is_loopback or address in WILDCARD:
        return None
    return address


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) is only reachable from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def addresses(host: str, port: int, lan: str | None) -> list[str]:
    """The lines `serve` prints once it listens: the address to open on this machine, and
    the one phones on the same network can use, or why they cannot and how to fix that."""
    here = "127.0.0.1" if host in WILDCARD else host
    lines = [f"Rolwissel draait op http://{_url_host(here)}:{port}/"]
    if is_loopback(host):
        then = f", en open dan http://{lan}:{port}/" if lan is not None else ""
        lines.append(
            f"{PHONES}: niet bereikbaar, want {host} werkt alleen op deze computer "
            f"(phones cannot reach it). Start met HOST=0.0.0.0 make run{then}"
        )
    elif host not in WILDCARD:
        lines.append(f"{PHONES} in hetzelfde netwerk: http://{_url_host(host)}:{port}/")
    elif lan is not None:
        # The join link and QR code take the address the console was opened on.
        lines.append(
            f"{PHONES} in hetzelfde netwerk (phones on this network): http://{lan}:{port}/ "
            "- open ook de console op dit adres, dan wijst de QR-code hierheen"
        )
    return lines


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def fit_file_limit(needed: int) -> None:
    """Every connection is an open file: raise the soft limit to fit the connection cap (a
    service often starts with 1024, and eventlet stops accepting for good when it runs out)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < needed:
        logger.warning(logfmt.line("file_limit_too_low", limit=target, needed=needed))


def run(host: str, port: int, mode: str, strict: bool = False) -> int:
    """Serve until stopped; returns the exit status. `strict`: a broken scenario file stops
    the start (otherwise it is skipped with a log line)."""
    logfmt.configure(sys.stderr)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if not port_is_free(host, port):
        print(
            f"Poort {port} op {host} is al in gebruik (port in use). "
            "Kies een andere met --port, of stop de andere server.",
            file=sys.stderr,
        )
        return 2

    from sqlalchemy.exc import DatabaseError

    from game import create_app
    from game.scenarios.loader import ScenarioError

    try:
        overrides: dict[str, object] = {"ASYNC_MODE": mode}
        if strict:
            overrides["SCENARIOS_STRICT"] = True
        app = create_app(overrides)
    except ScenarioError as error:
        print(f"Rolwissel start niet: een casus-bestand klopt niet.\n{error}", file=sys.stderr)
        return 1
    except DatabaseError as error:
        # One sentence, no traceback: what an operator must look at, and what it said.
        said = str(error.orig if error.orig is not None else error).splitlines()[0]
        print(
            "Rolwissel start niet: de database is beschadigd of geen database "
            f"(the database is damaged or not a database: {said}); "
            "zet een back-up terug of kies een ander DATABASE_URL.",
            file=sys.stderr,
        )
        return 1
    ext = extension(app)
    _settle_garbage_collector(app.config["GC_THRESHOLDS"])
    # Rooms are rebuilt from the log in the background, so pages and seats are served at
    # once: a room someone asks for first is loaded right then (writer.state).
    ext.socketio.start_background_task(_rebuild_rooms, ext, mode)

    stop = threading.Event()

    def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
        # Only set a flag: a signal handler must not do real work, and under eventlet a task
        # spawned here would wait until the hub happened to wake up.
        stop.set()

    def watch() -> None:
        while not stop.is_set():
            ext.socketio.sleep(0.1)
        _shutdown(ext)

    signal.signal(signal.SIGTERM, on_sigterm)
    ext.socketio.start_background_task(watch)
    if app.config["LOOP_LAG_REPORT_S"] > 0:
        ext.socketio.start_background_task(
            watch_loop_lag, ext.socketio.sleep, app.config["LOOP_LAG_REPORT_S"], _log_lag
        )
    ext.socketio.start_background_task(_purge_now_and_then, ext, app.config["PURGE_INTERVAL_S"])
    if mode == "eventlet":
        from game.web import eventlet_edge

        # The connection caps, timeouts and websocket checks (game/web/eventlet_edge.py).
        options = eventlet_edge.run_options(app.config, ext.admission)
        fit_file_limit(options["max_size"] + FILES_BESIDES_CONNECTIONS)
    else:
        options = {"allow_unsafe_werkzeug": True}
    print("\n".join(addresses(host, port, lan_address())), flush=True)
    ext.socketio.run(app, host=host, port=port, log_output=False, use_reloader=False, **options)
    return 0


def _rebuild_rooms(ext: Rolwissel, mode: str) -> None:
    """Load every active room into memory, one at a time, letting the hub serve in between."""
    started = time.perf_counter()
    rooms = ext.service.rebuild_active(between=lambda: ext.socketio.sleep(0))
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info(
        logfmt.line(
            "rebuilt",
            rooms=rooms - len(ext.writer.damaged),
            damaged=len(ext.writer.damaged),
            ms=elapsed_ms,
            scenarios=len(ext.scenarios),
            mode=mode,
        )
    )


class _CollectorTimes:
    """How long the garbage collector held the hub since the last report: the longest pass
    and the number of full (generation 2) passes."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self.full = 0
        self._started = 0.0
        gc.callbacks.append(self._observe)

    def _observe(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._started) * 1000)
        if info.get("generation") == 2:
            self.full += 1

    def take(self) -> tuple[float, int]:
        taken = (self.longest_ms, self.full)
        self.longest_ms, self.full = 0.0, 0
        return taken


_collector = _CollectorTimes()


def _log_lag(report: LagReport) -> None:
    gc_ms, full = _collector.take()
    logger.info(
        logfmt.line(
            "loop_lag",
            samples=report.samples,
            p50_ms=report.p50_ms,
            p99_ms=report.p99_ms,
            max_ms=report.max_ms,
            gc_max_ms=gc_ms,
            gc_full=full,
            **{f"over_{bound}ms": count for bound, count in report.over_ms.items()},
        )
    )


def _settle_garbage_collector(thresholds: tuple[int, ...]) -> None:
    """After start-up: collect once, then move everything that survived (modules, scenarios,
    the app) to the collector's permanent generation, so that no later full collection walks
    it again (a full collection holds the hub for as long as it walks); then the collector's
    thresholds (GC_THRESHOLDS, docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()
    if thresholds:
        gc.set_threshold(*thresholds)


def _purge_now_and_then(ext: Rolwissel, interval_s: float) -> None:
    """Delete the games past their retention every `interval_s` seconds, the first time at a
    random moment within the first interval. Every server process runs this; no process is
    special: a purge is idempotent, so two at once delete each game once."""
    ext.socketio.sleep(random.uniform(0, interval_s))
    while True:
        try:
            ext.lifecycle.purge(ext.retention)
        except Exception as error:  # the next round tries again; the reason goes to the log
            logger.error(logfmt.line("purge_failed", error=type(error).__name__))
        ext.socketio.sleep(interval_s)


def _shutdown(ext: Rolwissel) -> None:
    """SIGTERM: finish the current batch, tell every browser to reconnect, exit."""
    from game.codes import ServerCode

    logger.info("shutdown signal=SIGTERM connections=%d", len(ext.connections))
    finished = ext.service.stop(timeout=10)
    for connection in ext.connections.all():
        ext.transport.notice(connection.sid, ServerCode.SERVER_RESTARTING, connection.lang)
    # Give the notices a moment to leave before the sockets close.
    ext.socketio.sleep(0.3)
    ext.close(timeout=1)
    logger.info("stopped batch_finished=%s connections=%d", finished, len(ext.connections))
    logging.shutdown()
    sys.stdout.flush()
    os._exit(0)
