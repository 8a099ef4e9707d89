"""The JSON HTTP API: scenarios, new rooms, joining (and its rate limit), QR code, health."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from integration.helpers import SCENARIO, join, new_room
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from game.extension import extension
from game.rooms import seats
from game.rooms.presence import RedisPresence
from game.store.db import Database

Connect = Callable[..., SocketIOTestClient]


def test_scenarios_are_listed_in_the_asked_language(client: FlaskClient) -> None:
    """Each scenario with id, title, summary and minutes; ?lang=en gives English titles."""
    dutch = client.get("/api/scenarios").json
    english = client.get("/api/scenarios?lang=en").json
    assert dutch is not None and english is not None
    ids = {s["id"] for s in dutch["scenarios"]}
    assert SCENARIO in ids and ids == {s["id"] for s in english["scenarios"]}
    nl = next(s for s in dutch["scenarios"] if s["id"] == SCENARIO)
    en = next(s for s in english["scenarios"] if s["id"] == SCENARIO)
    assert nl["title"] != en["title"] and nl["minutes"] > 0


def test_a_new_game_on_several_tables_is_one_event(client: FlaskClient) -> None:
    """tables=3: three rooms with their own code and links, one token, an overview link."""
    reply = client.post("/api/rooms", json={"scenario_id": SCENARIO, "tables": 3})
    assert reply.status_code == 201
    body = reply.json
    assert body is not None and body["event_id"]
    token = body["facilitator_token"]
    assert body["overview_url"] == f"/event/{body['event_id']}#t={token}"
    codes = {r["code"] for r in body["rooms"]}
    assert len(codes) == 3 and all(seats.normalise_code(c) for c in codes)
    for room in body["rooms"]:
        room_id = room["room_id"]
        assert room["join_url"].endswith(f"/j/{room['code']}")
        assert room["host_url"] == f"/room/{room_id}/host#t={token}"
        # The big screen and the summary have keys of their own, in the fragment (issue 11).
        screen_key = seats.derived_key(token, room_id, seats.Purpose.SCREEN)
        summary_key = seats.derived_key(token, room_id, seats.Purpose.SUMMARY)
        assert room["screen_url"] == f"/room/{room_id}/screen#k={screen_key}"
        assert room["summary_url"] == f"/room/{room_id}/summary#k={summary_key}"
    overview = client.get(
        f"/api/events/{body['event_id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert overview.status_code == 200 and len(overview.json["rooms"]) == 3  # type: ignore[index]
    assert overview.json["rooms"] == body["rooms"]  # type: ignore[index]
    assert client.get(f"/api/events/{body['event_id']}").status_code == 401


def test_bad_requests_to_create_a_room_are_refused_with_a_sentence(client: FlaskClient) -> None:
    """No body, 13 tables, an unknown scenario: a code and a sentence, nothing created."""
    for body, status, code in (
        (None, 400, "bad_request"),
        ({"scenario_id": SCENARIO, "tables": 13}, 400, "bad_request"),
        ({"scenario_id": SCENARIO, "tables": "2"}, 400, "bad_request"),
        ({"scenario_id": "geen-casus", "lang": "en"}, 404, "unknown_scenario"),
    ):
        reply = client.post("/api/rooms", json=body)
        assert reply.status_code == status and reply.json["code"] == code  # type: ignore[index]
        assert reply.json["message"]  # type: ignore[index]


def test_joining_gives_a_seat_token_and_the_players_page(client: FlaskClient) -> None:
    """The code works in any case, with or without the dash; the answer has the seat."""
    room = new_room(client)
    typed = room.code.replace("-", "").lower()
    reply = client.post("/api/join", json={"code": typed, "name": "Anna", "home_role": "ambtenaar"})
    assert reply.status_code == 201
    body = reply.json
    assert body is not None and body["room_id"] == room.room_id
    assert len(body["seat_token"]) >= 43 and body["player_id"]
    assert body["play_url"] == f"/room/{room.room_id}/play"


def test_join_refusals_say_what_is_wrong(client: FlaskClient) -> None:
    """Unknown code 404, bad role 400, taken name 409, long name 400: each with its sentence."""
    room = new_room(client)
    join(client, room.code, "Anna")
    for body, status, code in (
        ({"code": "2222-2222", "name": "Bo", "home_role": "inwoner"}, 404, "unknown_code"),
        ({"code": room.code, "name": "Bo", "home_role": "wethouder"}, 400, "bad_role"),
        ({"code": room.code, "name": "ANNA", "home_role": "inwoner"}, 409, "name_taken"),
        ({"code": room.code, "name": "x" * 41, "home_role": "inwoner"}, 400, "name_too_long"),
        ({"code": room.code, "name": 5, "home_role": "inwoner"}, 400, "bad_request"),
    ):
        reply = client.post("/api/join", json={**body, "lang": "en"})
        assert (reply.status_code, reply.json["code"]) == (status, code)  # type: ignore[index]
    reply = client.post(
        "/api/join",
        json={"code": room.code, "name": "x" * 41, "home_role": "inwoner", "lang": "en"},
    )
    assert reply.json["message"] == "Your name is too long. Use at most 40 characters."  # type: ignore[index]


def test_failed_joins_are_limited_per_address_and_code(make_app: Callable[..., Flask]) -> None:
    """The same wrong code tried again and again is refused (429) from that address, but
    never the right code (issue 11: it used to lock the right code out too); successful joins
    never count."""
    app = make_app(JOIN_FAIL_LIMIT="3 per minute")
    client = app.test_client()
    room = new_room(client)
    for n in range(5):
        join(client, room.code, f"Speler {n}")
    for _ in range(3):
        wrong = client.post(
            "/api/join", json={"code": "2222-2222", "name": "X", "home_role": "inwoner"}
        )
        assert wrong.status_code == 404
    blocked = client.post(
        "/api/join", json={"code": "2222-2222", "name": "X", "home_role": "inwoner", "lang": "nl"}
    )
    assert blocked.status_code == 429
    assert blocked.json["code"] == "too_many_attempts"  # type: ignore[index]
    assert "Wacht een minuut" in blocked.json["message"]  # type: ignore[index]
    right = client.post("/api/join", json={"code": room.code, "name": "Y", "home_role": "inwoner"})
    assert right.status_code == 201


def test_guessing_across_codes_is_limited_but_a_known_code_stays_open(
    make_app: Callable[..., Flask],
) -> None:
    """Many distinct wrong codes from one address: refused before any lookup (the right code
    too, unless somebody from that address already joined with it); other addresses and
    codes known to the address are not affected."""
    app = make_app(JOIN_GUESS_LIMIT="4 per minute")
    client = app.test_client()
    known, unknown = new_room(client), new_room(client)
    join(client, known.code, "Eerste")
    codes = [f"2222-22{a}{b}" for a in "3456" for b in "78"]
    answers = [
        client.post("/api/join", json={"code": c, "name": "X", "home_role": "inwoner"}).status_code
        for c in codes
    ]
    assert answers[:4] == [404] * 4 and set(answers[4:]) == {429}
    assert join(client, known.code, "Tweede").player_id  # join() insists on 201
    guessed = client.post(
        "/api/join", json={"code": unknown.code, "name": "Z", "home_role": "raadslid"}
    )
    assert guessed.status_code == 429
    elsewhere = client.post(
        "/api/join",
        json={"code": unknown.code, "name": "Z", "home_role": "raadslid"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert elsewhere.status_code == 201


def test_the_qr_code_is_an_svg_of_the_join_address(client: FlaskClient) -> None:
    """Any well-formed code gets an SVG (so it reveals nothing); a malformed one a 404."""
    reply = client.get("/qr/k7mw4qx9.svg")
    assert reply.status_code == 200 and reply.mimetype == "image/svg+xml"
    svg = reply.get_data(as_text=True)
    assert svg.startswith("<svg") and "<title>K7MW-4QX9</title>" in svg and "viewBox" in svg
    assert client.get("/qr/K7MW-4QX0.svg").status_code == 404


def test_healthz_checks_the_database(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    """200 with database true while SELECT 1 works; 503 when the database cannot be reached,
    naming the check that failed (issue 11 added the write check, tested on the real server
    in test_operations.py)."""
    reply = client.get("/healthz")
    healthy = {"ok": True, "database": True, "database_write": True, "failed": []}
    assert reply.status_code == 200 and reply.json == healthy
    ext = extension(app)
    working = ext.reader
    (tmp_path / "not-a-folder").write_text("")
    broken = create_engine(f"sqlite:///{tmp_path / 'not-a-folder' / 'db.sqlite3'}")
    ext.reader = Database(engine=broken, sessions=sessionmaker(broken))
    try:
        reply = client.get("/healthz")
    finally:
        ext.reader = working
        broken.dispose()
    assert reply.status_code == 503
    assert reply.json == {
        "ok": False,
        "database": False,
        "database_write": True,
        "failed": ["database"],
    }


def test_behind_a_proxy_failed_joins_count_per_forwarded_address(
    make_app: Callable[..., Flask],
) -> None:
    """With TRUSTED_PROXIES=1 every request comes from nginx's address, and the limit counts per
    X-Forwarded-For: one client's wrong codes never block the rest of the venue."""
    app = make_app(JOIN_FAIL_LIMIT="2 per minute", TRUSTED_PROXIES=1)
    client = app.test_client()
    room = new_room(client)

    def attempt(code: str, forwarded: str) -> int:
        reply = client.post(
            "/api/join",
            json={"code": code, "name": f"Speler {forwarded}", "home_role": "inwoner"},
            headers={"X-Forwarded-For": forwarded},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        return reply.status_code

    # (Issue 11: the count is per address and code, so the wrong code is what gets locked.)
    assert [attempt("2222-2222", "203.0.113.5") for _ in range(3)] == [404, 404, 429]
    assert attempt("2222-2222", "203.0.113.6") == 404
    assert attempt(room.code, "203.0.113.6") == 201


@pytest.mark.redis
def test_healthz_checks_redis_when_processes_share_it(
    make_app: Callable[..., Flask], redis_url: str
) -> None:
    """With REDIS_URL the health check also pings Redis; 503 when Redis does not answer."""
    app = make_app(REDIS_URL=redis_url)
    client = app.test_client()
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.json == {
        "ok": True,
        "database": True,
        "database_write": True,
        "redis": True,
        "failed": [],
    }
    connections = extension(app).connections
    working = connections.online
    connections.online = RedisPresence("redis://127.0.0.1:1/0")
    try:
        reply = client.get("/healthz")
    finally:
        connections.online.close()
        connections.online = working
    assert reply.status_code == 503
    assert reply.json == {
        "ok": False,
        "database": True,
        "database_write": True,
        "redis": False,
        "failed": ["redis"],
    }


def test_the_join_page_and_a_join_of_a_closed_game_lead_to_its_summary(
    client: FlaskClient, sockets: Connect
) -> None:
    """After the close, /j/<code> shows the way to the summary instead of the form, and a join
    with that code is refused with the summary's address (without a key)."""
    room = new_room(client)
    join(client, room.code, "Anna")
    summary = f"/room/{room.room_id}/summary"
    assert f'href="{summary}"' not in client.get(f"/j/{room.code}").get_data(as_text=True)
    host = sockets({"room": room.room_id, "token": room.token})
    for n, kind in enumerate(("start", "close_game")):
        reply = host.emit("action", {"type": kind, "key": f"k{n}"}, callback=True)
        assert reply["ok"], reply
    page = client.get(f"/j/{room.code}").get_data(as_text=True)
    assert f'href="{summary}" data-testid="join-summary"' in page
    assert 'id="join-panel" class="panel narrow" aria-labelledby="join-title" hidden' in page
    refused = client.post(
        "/api/join", json={"code": room.code, "name": "Bo", "home_role": "inwoner"}
    )
    assert refused.status_code == 409
    assert refused.json["code"] == "game_closed"  # type: ignore[index]
    assert refused.json["detail"] == {"summary_url": summary}  # type: ignore[index]


def test_the_join_page_counts_a_looked_up_code_like_a_join(make_app: Callable[..., Flask]) -> None:
    """Opening /j/<code> with a wrong code counts as a failed guess: the page cannot be used to
    try codes past the join's rate limit."""
    client = make_app(JOIN_FAIL_LIMIT="3 per minute").test_client()
    for _ in range(3):
        assert client.get("/j/2222-2222").status_code == 200
    blocked = client.post(
        "/api/join", json={"code": "2222-2222", "name": "X", "home_role": "inwoner"}
    )
    assert blocked.status_code == 429
