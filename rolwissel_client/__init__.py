"""Rolwissel's protocol clients, outside the server package.

What the tests, `rolwissel simulate` and the benchmark share:

* `connection`  one Socket.IO connection that speaks the protocol as a browser does
                (auth, reconnects, actions with idempotency keys sent again after a drop);
* `scripted`    `ScriptedGame`, a whole game played through the HTTP API and those
                connections by a scripted facilitator and participants;
* `words`       what the scripted people say: data in scenarios/simulate/, not code;
* `bench`       `rolwissel bench`: a lean raw-websocket load generator, a room-echo server
                (the framework's ceiling) and the steps that measure the server.

The client talks to a server over the network only; it imports nothing of the server but
`game.scenarios.loader.default_folder` (where the words live by default).
"""
