"""The paper seat and the table kit through the app: the console adds a player on paper over
its socket, types for them, and downloads their sheet and the kit with its key only."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdf
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from integration.helpers import join, new_room

from game.extension import extension

Connect = Callable[[Any], SocketIOTestClient]


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def act(sock: SocketIOTestClient, key: str, **fields: Any) -> dict[str, Any]:
    reply = sock.emit("action", {**fields, "key": key}, callback=True)
    assert isinstance(reply, dict)
    return reply


def test_the_console_adds_a_paper_player_types_for_them_and_prints_their_sheet(
    client: FlaskClient, sockets: Connect
) -> None:
    """add_paper_player and a card with for_player over the console's socket; the sheet PDF
    needs the facilitator key and holds the paper player's round-1 secret, not the others'."""
    room = new_room(client)
    anna = join(client, room.code, "Anna", "raadslid")
    join(client, room.code, "Ben", "ambtenaar")
    host = sockets({"room": room.room_id, "token": room.token})
    player = sockets({"room": room.room_id, "token": anna.token})
    added = act(host, "p", type="add_paper_player", name="Truus", home_role="inwoner")
    assert added["ok"] is True, added
    assert act(host, "go", type="start")["ok"] is True
    typed = act(host, "c", type="post_card", text="Van papier", for_player="papier-1")
    assert typed["ok"] is True, typed
    # A player cannot type for the paper player; the facilitator not for a phone's player.
    refused = act(player, "x", type="post_card", text="Nee", for_player="papier-1")
    assert refused["code"] == "not_facilitator"
    refused = act(host, "y", type="post_card", text="Nee", for_player=anna.player_id)
    assert refused["code"] == "not_on_paper" and refused["message"]

    state = extension(client.application).service.state(room.room_id)
    assert state is not None
    card = next(c for c in state.cards if c.text == "Van papier")
    assert card.author_id == "papier-1" and card.via_facilitator

    url = f"/api/rooms/{room.room_id}/paper/papier-1.pdf"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": f"Bearer {anna.token}"}).status_code == 403
    bearer = {"Authorization": f"Bearer {room.token}"}
    sheet = client.get(url, headers=bearer)
    assert sheet.status_code == 200 and sheet.content_type == "application/pdf"
    assert sheet.headers["Cache-Control"] == "no-store"
    text = pdf_text(sheet.data)
    dealt = {d.secret_id for d in state.dealt_to("papier-1")}
    secrets = {s.id: s.text.nl for c in state.scenario.roles.values() for s in c.secrets}
    assert len(dealt) == 1 and "Truus" in text
    for secret_id, words in secrets.items():
        assert (" ".join(words.split()) in text) == (secret_id in dealt), secret_id
    anna_sheet = client.get(f"/api/rooms/{room.room_id}/paper/{anna.player_id}.pdf", headers=bearer)
    assert anna_sheet.status_code == 404 and anna_sheet.json["code"] == "not_on_paper"  # type: ignore[index]


def test_the_kit_follows_the_rooms_session_plan(client: FlaskClient) -> None:
    """A room made with the 60-minute plan: its kit's timetable says 60 minutes, the public
    view suggests the plan's timers, and the kit needs the facilitator key."""
    reply = client.post(
        "/api/rooms", json={"scenario_id": "buurtkamer-bibliotheek", "tables": 1, "plan": 60}
    )
    assert reply.status_code == 201
    body = reply.json
    assert body is not None
    room_id, token = body["rooms"][0]["room_id"], body["facilitator_token"]
    url = f"/api/rooms/{room_id}/kit.pdf"
    assert client.get(url).status_code == 401
    kit = client.get(url + "?lang=en", headers={"Authorization": f"Bearer {token}"})
    assert kit.status_code == 200
    text = pdf_text(kit.data)
    assert "The timetable (60 minutes)" in text and "Ballot 6" in text
    state = extension(client.application).service.state(room_id)
    assert state is not None and state.settings.plan_minutes == 60
    assert client.post("/api/rooms", json={"scenario_id": "x", "plan": 45}).status_code == 400


def test_the_start_page_gets_the_plans_with_their_whole_length(client: FlaskClient) -> None:
    """/api/scenarios lists the 60, 90 and 120 minute plans; each plan's steps add up."""
    body = client.get("/api/scenarios").json
    assert body is not None
    assert [p["minutes"] for p in body["plans"]] == [60, 90, 120]
    for plan in body["plans"]:
        assert sum(s["minutes"] for s in plan["steps"]) == plan["minutes"]
        assert plan["steps"][0]["title"] == "Welkom en uitleg"
