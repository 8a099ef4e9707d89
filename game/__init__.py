"""Rolwissel: a multiplayer web game for training local democracy.

`create_app` is the app factory. Flask and everything that imports it are imported inside
the functions, not here: `rolwissel serve` must run `eventlet.monkey_patch()` before Flask is
imported, and the console script imports this package first.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask
    from flask_socketio import SocketIO

    from game.rooms.connections import Connections
    from game.web.admission import Admission

ROOT = Path(__file__).resolve().parents[1]

logger = logging.getLogger("rolwissel.app")


def instance_folder() -> str:
    """The instance folder: the database, the secret key and config.py live there."""
    return os.path.abspath(os.environ.get("ROLWISSEL_INSTANCE_PATH") or str(ROOT / "instance"))


def configured_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """A Flask app with its instance folder and settings, and nothing else yet."""
    from flask import Flask

    from game import config

    instance = instance_folder()
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance),
        instance_relative_config=True,
        static_folder=None,  # the pages blueprint serves static/
    )
    os.makedirs(app.instance_path, exist_ok=True)
    config.load(app, test_config)
    # Bodies larger than this are refused before any route reads them (the Guard refuses
    # them even earlier, before they are read).
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    return app


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The Rolwissel app: settings, scenarios, database, rooms, HTTP and socket handlers.

    `test_config` wins over every other source of settings (tests and `rolwissel serve`
    pass the async mode this way). A broken scenario file is skipped with one log line, or
    raises ScenarioError when SCENARIOS_STRICT is set.
    """
    from flask_socketio import SocketIO

    from game.codes import ServerCode
    from game.extension import Rolwissel, extension, install
    from game.rooms.broadcast import Broadcaster
    from game.rooms.catalog import Catalog
    from game.rooms.connections import Connections
    from game.rooms.crash import CrashPoints
    from game.rooms.lifecycle import RoomLifecycle
    from game.rooms.presence import RedisPresence, presence_for
    from game.rooms.queries import RoomQueries
    from game.rooms.runtime import Runtime, now_ms
    from game.rooms.service import RoomService
    from game.rooms.writer import RoomWriter
    from game.scenarios.loader import load_scenarios
    from game.store.db import Database, is_empty, upgrade
    from game.store.retention import Policy
    from game.web import api, cases, i18n, pages, paper, sockets, summary_pages
    from game.web.admission import Admission, Limits
    from game.web.packets import ReadyPacket

    new_folder = not os.path.isdir(instance_folder())
    app = configured_app(test_config)
    cfg = app.config
    scenarios = load_scenarios(cfg["SCENARIOS_DIR"], strict=cfg["SCENARIOS_STRICT"])

    mode = cfg["ASYNC_MODE"]
    reader = Database.open(
        cfg["DATABASE_URL"],
        pool_size=cfg["DATABASE_POOL_SIZE"],
        max_overflow=cfg["DATABASE_MAX_OVERFLOW"],
        pool_timeout=cfg["DATABASE_POOL_TIMEOUT"],
    )
    # A file that is not a database raises sqlalchemy's DatabaseError here (serve says so).
    empty = is_empty(reader.engine)
    if new_folder or empty:
        # One clear line: an unmounted volume shows up as a new, empty instance.
        logger.warning(
            "new, empty instance created at %s (database %s)",
            app.instance_path,
            reader.engine.url.render_as_string(hide_password=True),
        )
    if reader.is_sqlite:
        # The embedded default needs no operator step: the schema follows the code.
        upgrade(reader.engine)
    # Under eventlet SQLite writes run in a real thread; that thread gets its own engine.
    writer_db = reader
    if mode == "eventlet" and reader.is_sqlite:
        writer_db = Database.open(cfg["DATABASE_URL"], pool_size=1)

    # python-socketio and python-engineio give their loggers a handler of their own (a second,
    # unescaped copy of each line) unless a level is set: with one, their lines go through ours.
    for name in ("engineio.server", "socketio.server"):
        logging.getLogger(name).setLevel(logging.ERROR)
    socketio = SocketIO(
        app,
        async_mode=mode,
        # Several server processes share rooms through this queue (Redis); None: one process.
        message_queue=cfg["MESSAGE_QUEUE"],
        # A websocket message (across its fragments) or long-polling body larger than this
        # closes the connection before it is read whole; the protocol refuses, with a code,
        # anything over MAX_MESSAGE_BYTES below it.
        max_http_buffer_size=2 * cfg["MAX_MESSAGE_BYTES"],
        logger=False,
        engineio_logger=False,
        # Messages the broadcaster encoded once go into the packet as they are.
        serializer=ReadyPacket,
    )
    # Other processes serve the same rooms: caches catch up from the log, presence and rate
    # limits live in Redis, emits go through the queue.
    shared = bool(cfg["MESSAGE_QUEUE"])
    crash = CrashPoints.from_environment()
    presence = presence_for(cfg["REDIS_URL"])
    if isinstance(presence, RedisPresence):
        socketio.start_background_task(presence.run, socketio.sleep)
    connections = Connections(
        presence, action_rate=cfg["ACTION_RATE"], action_burst=cfg["ACTION_BURST"]
    )

    def members(room: str) -> list[str]:
        return [sid for sid, _eio_sid in socketio.server.manager.get_participants("/", room)]

    broadcaster = Broadcaster(
        socketio.emit, now_ms, connections, shared=shared, members=members, crash=crash
    )
    writer = RoomWriter(
        writer_db,
        Runtime.for_mode(mode),
        reader=reader,
        window_ms=cfg["WRITE_WINDOW_MS"],
        snapshot_every=cfg["SNAPSHOT_EVERY"],
        crash=crash,
        shared=shared,
        queue_limit=cfg["WRITE_QUEUE_LIMIT"],
        wait_s=cfg["WRITE_WAIT_MS"] / 1000,
    )
    queries = RoomQueries(reader)
    # The shipped cases and the ones written in the editor (stored in the database).
    catalog = Catalog(scenarios, reader)
    service = RoomService(queries, writer, catalog, shared=shared)
    transport = sockets.SocketTransport(socketio)
    lifecycle = RoomLifecycle(service, broadcaster, transport)
    # Record, then acknowledge, then tell: the writer calls this after each commit.
    writer.on_commit = lifecycle.committed
    writer.on_delete = lifecycle.deleted

    def closed(room: str, code: str) -> None:
        # A deleted game's close notice reaches every process: each forgets the room.
        if code == ServerCode.GAME_DELETED and "/" not in room:
            lifecycle.forget_deleted(room)

    sockets.close_on_notice(socketio, closed)
    admission = Admission(Limits.from_config(cfg))
    install(
        app,
        Rolwissel(
            service=service,
            lifecycle=lifecycle,
            queries=queries,
            broadcaster=broadcaster,
            connections=connections,
            transport=transport,
            socketio=socketio,
            reader=reader,
            writer=writer,
            writer_db=writer_db,
            scenarios=catalog,
            max_message_bytes=cfg["MAX_MESSAGE_BYTES"],
            retention=Policy(cfg["RETENTION_DAYS"], cfg["IDLE_RETENTION_DAYS"]),
            admission=admission,
        ),
    )
    lifecycle.on_forget_deleted.append(lambda room_id: summary_pages.forget_room(app, room_id))

    i18n.init_app(app)
    app.register_blueprint(pages.bp)
    pages.prepare()
    app.register_blueprint(summary_pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(paper.bp)
    app.register_blueprint(cases.bp)
    sockets.register(socketio)
    sockets.register_action(socketio, extension(app))
    _guard(app, socketio, admission, connections)
    return app


def _guard(app: Flask, socketio: SocketIO, admission: Admission, connections: Connections) -> None:
    """The connection guard in front of everything (game/web/guard.py): sessions, messages,
    bodies, headers; behind trusted proxies, their forwarded address and scheme."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from game.web import guard

    cfg = app.config

    def connection_lang(sid: str) -> str | None:
        connection = connections.get(sid)
        return connection.lang if connection else None

    watch = guard.install(socketio, admission, connection_lang)
    if cfg["ASYNC_MODE"] == "eventlet":
        from game.web import eventlet_edge

        deflate = cfg["DEFLATE_MIN_BYTES"] if cfg["WEBSOCKET_DEFLATE"] else None
        eventlet_edge.install(socketio, deflate)
        watch.start()
    app.wsgi_app = guard.Guard(  # type: ignore[method-assign]
        app.wsgi_app,
        admission,
        max_body=cfg["MAX_BODY_BYTES"],
        max_socket_body=socketio.server.eio.max_http_buffer_size,
    )
    proxies = int(cfg["TRUSTED_PROXIES"])
    if proxies:
        # Outermost, so that every layer below sees the client's address and scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
