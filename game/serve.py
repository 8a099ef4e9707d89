"""`rolwissel serve`, after the monkey-patching: build the app, rebuild the rooms, listen.

Imported only by game/cli.py's `serve`, once eventlet (when used) has patched the standard
library, so Flask and friends see green sockets and locks.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from types import FrameType

from game.extension import Rolwissel, extension

logger = logging.getLogger("rolwissel.serve")


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


def run(host: str, port: int, mode: str) -> int:
    """Serve until stopped; returns the exit status."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if not port_is_free(host, port):
        print(
            f"Poort {port} op {host} is al in gebruik (port in use). "
            "Kies een andere met --port, of stop de andere server.",
            file=sys.stderr,
        )
        return 2

    from game import create_app
    from game.scenarios.loader import ScenarioError

    try:
        app = create_app({"ASYNC_MODE": mode})
    except ScenarioError as error:
        print(f"Rolwissel start niet: een casus-bestand klopt niet.\n{error}", file=sys.stderr)
        return 1
    ext = extension(app)
    started = time.perf_counter()
    rooms = ext.service.rebuild_active()
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info(
        "rebuilt rooms=%d ms=%.0f scenarios=%d mode=%s", rooms, elapsed_ms, len(ext.scenarios), mode
    )

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
    print(f"Rolwissel draait op http://{host}:{port}/", flush=True)
    ext.socketio.run(
        app,
        host=host,
        port=port,
        max_size=app.config["MAX_CONNECTIONS"],
        log_output=False,
        use_reloader=False,
        allow_unsafe_werkzeug=mode == "threading",
    )
    return 0


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
