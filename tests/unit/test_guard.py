"""The WSGI guard in one process (Flask's test client goes through it too): bodies refused
before they are read, chunked bodies counted, raw query bytes never a 500."""

from __future__ import annotations

import io
import json

from flask.testing import FlaskClient

from game.web.guard import CONTENT_SECURITY_POLICY

NEW_GAME = json.dumps({"scenario_id": "buurtkamer-bibliotheek"}).encode()


def test_a_body_over_the_limit_is_refused_with_413_and_a_sentence(client: FlaskClient) -> None:
    """A Content-Length over MAX_BODY_BYTES: 413 body_too_large in the asked language."""
    reply = client.post("/api/rooms?lang=en", data=b"{" + b" " * 70_000 + b"}")
    assert reply.status_code == 413
    assert reply.json == {
        "ok": False,
        "code": "body_too_large",
        "message": "What you sent is too large. Make it shorter and try again.",
    }
    assert reply.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_chunked_bodies_are_counted_as_they_are_read(client: FlaskClient) -> None:
    """A chunked body within the limit reaches the route whole; one over it is refused."""
    chunked = {"Transfer-Encoding": "chunked", "Content-Type": "application/json"}
    small = client.post("/api/rooms", input_stream=io.BytesIO(NEW_GAME), headers=chunked)
    assert small.status_code == 201, small.json
    big = io.BytesIO(b"[" + b"1," * 40_000 + b"1]")
    refused = client.post("/api/rooms", input_stream=big, headers=chunked)
    assert refused.status_code == 413 and refused.json["code"] == "body_too_large"


def test_other_transfer_encodings_are_refused(client: FlaskClient) -> None:
    """A body eventlet would not read (gzip, chunked) is refused, not left on the connection."""
    reply = client.post("/api/rooms", data=NEW_GAME, headers={"Transfer-Encoding": "gzip, chunked"})
    assert reply.status_code == 400 and reply.json["code"] == "bad_request"


def test_raw_bytes_in_the_query_are_read_as_if_encoded(client: FlaskClient) -> None:
    """Latin-1 bytes a browser would have %-encoded do not make Werkzeug fail."""
    reply = client.get("/", environ_overrides={"QUERY_STRING": "lang=en&\xe9=\xfc"})
    assert reply.status_code == 200
    assert 'lang="en"' in reply.get_data(as_text=True)
