"""`rolwissel bench`: the real server and a bare Flask-SocketIO echo server under the same load.

The modules, from the wire up:

- `wire.py`: WebSocket frames (RFC 6455, with permessage-deflate) and the Engine.IO v4 /
  Socket.IO v5 packets, as plain functions and one frame reader.
- `client.py`: one Socket.IO connection as an asyncio protocol (callbacks, no coroutine per
  message), and small HTTP helpers for the JSON API.
- `loadgen.py`: the load generator (one process, many sockets): rooms of players who act at a
  fixed rate, and what they measure.
- `echo.py`: the ceiling, a room-echo server on the same framework.
- `procs.py`: server processes (fresh instance folder, free port, pinned core, always killed)
  and what /proc says about them.
- `runner.py`: the interleaved sweep, the knee and the ratio; `steps.py`: the measuring steps
  for later work (big room, restart, browser, soak, memory); `profile.py`: py-spy samples
  and their shares; `report.py`: JSON and Markdown; `cli.py`: `rolwissel bench`.

Only the standard library and click are imported at module level, so the command starts fast
and `rolwissel serve` (which shares the console script) is never slowed or patched by it.
"""
