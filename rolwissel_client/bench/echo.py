"""The ceiling: a bare Flask-SocketIO room-echo server on eventlet, one process.

`python -m rolwissel_client.bench.echo --port N`. A socket joins the room named in its auth
object; each `action` it sends is broadcast to its whole room as `echo` {version, action} and
acknowledged with {ok, version}, where version counts the room's messages. This is what the
framework itself costs per message, with the same websocket (and the same permessage-deflate)
as the game server: the figure the game is compared with.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import warnings
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-connections", type=int, default=8192)
    args = parser.parse_args(argv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # eventlet announces its bug-fix mode on import
        import eventlet

    eventlet.monkey_patch()  # before Flask and the sockets are imported
    from flask import Flask, request
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="eventlet", logger=False, engineio_logger=False)
    rooms: dict[str, str] = {}  # sid -> room
    versions: dict[str, int] = {}  # room -> messages so far

    @app.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    @socketio.on("connect")
    def on_connect(auth: Any) -> bool:
        room = auth.get("room") if isinstance(auth, dict) else None
        if not isinstance(room, str) or not room:
            return False
        rooms[request.sid] = room  # type: ignore[attr-defined]
        join_room(room)
        return True

    @socketio.on("action")
    def on_action(payload: Any) -> dict[str, Any]:
        room = rooms.get(request.sid)  # type: ignore[attr-defined]
        if room is None:
            return {"ok": False, "code": "bad_auth", "message": "not connected"}
        version = versions.get(room, 0) + 1
        versions[room] = version
        socketio.emit("echo", {"version": version, "action": payload}, to=room)
        return {"ok": True, "version": version}

    @socketio.on("disconnect")
    def on_disconnect(reason: Any = None) -> None:
        rooms.pop(request.sid, None)  # type: ignore[attr-defined]

    def stop(_signum: int, _frame: Any) -> None:
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    print("echo server ready", flush=True)
    socketio.run(
        app,
        host="127.0.0.1",
        port=args.port,
        max_size=args.max_connections,
        log_output=False,
        use_reloader=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
