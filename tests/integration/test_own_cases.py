"""Own cases: stored in the database (SQLite and PostgreSQL), saved and changed through the
editor's API with an edit key, playable at once, and a running game keeps its version."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from game.extension import extension
from game.scenarios.loader import default_folder
from game.store import cases
from game.store.db import Database, upgrade

T0 = 1_700_000_000_000


def shipped_data() -> dict[str, Any]:
    """A shipped case as the data of a YAML file, under a new id."""
    path = default_folder() / "buurtkamer-bibliotheek.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["id"] = "eigen-buurtkamer"
    return dict(data)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database.open(database_url)
    upgrade(database.engine)
    yield database
    database.close()


def test_a_case_is_stored_once_and_changed_with_a_new_version(db: Database) -> None:
    """add_case refuses an id that is taken; update_case bumps the version."""
    assert cases.add_case(db, "eigen", "id: eigen\n", "hash", T0)
    assert not cases.add_case(db, "eigen", "id: ander\n", "hash", T0)
    assert cases.update_case(db, "eigen", "id: eigen\ntitle: x\n", T0 + 1) == 2
    assert cases.update_case(db, "bestaat-niet", "", T0) is None
    stored = cases.get_case(db, "eigen")
    assert stored is not None and stored.version == 2 and stored.yaml.endswith("title: x\n")
    assert [c.id for c in cases.all_cases(db)] == ["eigen"]


def test_save_play_at_once_edit_with_the_key_and_a_running_game_keeps_its_version(
    client: FlaskClient,
) -> None:
    """Saved: listed as own and playable without a restart. Changed with the edit key (not
    without): new games get the new text, the game that was running keeps the old one."""
    data = shipped_data()
    saved = client.post("/api/scenarios", json={"data": data})
    assert saved.status_code == 201, saved.json
    body = saved.json
    assert body is not None
    key = body["edit_key"]
    assert body["edit_url"] == f"/scenarios/eigen-buurtkamer/edit#k={key}"
    listed = client.get("/api/scenarios").json
    assert listed is not None
    own = [s for s in listed["scenarios"] if s["own"]]
    assert [s["id"] for s in own] == ["eigen-buurtkamer"]

    room = client.post("/api/rooms", json={"scenario_id": "eigen-buurtkamer"})
    assert room.status_code == 201
    room_id = room.json["rooms"][0]["room_id"]  # type: ignore[index]

    changed = copy.deepcopy(data)
    changed["title"]["nl"] = "Een nieuwe titel"
    url = "/api/scenarios/eigen-buurtkamer"
    assert client.put(url, json={"data": changed}).status_code == 401
    wrong = client.put(url, json={"data": changed}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    bearer = {"Authorization": f"Bearer {key}"}
    assert client.put(url, json={"data": changed}, headers=bearer).json["version"] == 2  # type: ignore[index]

    ext = extension(client.application)
    assert ext.scenarios["eigen-buurtkamer"].title.nl == "Een nieuwe titel"
    running = ext.service.state(room_id)
    assert running is not None and running.scenario.title.nl == data["title"]["nl"]
    exported = client.get(url + ".yaml", headers=bearer)
    assert exported.status_code == 200 and "Een nieuwe titel" in exported.text
    assert client.get(url + ".yaml").status_code == 401


def test_bad_cases_are_refused_naming_the_field_and_nothing_is_stored(
    client: FlaskClient,
) -> None:
    """A problem names its field in the asked language; a shipped id is taken; an id cannot
    change on a saved case."""
    data = shipped_data()
    data["threshold"] = 0.67
    refused = client.post("/api/scenarios", json={"data": data, "lang": "nl"})
    assert refused.status_code == 422
    (problem,) = refused.json["problems"]  # type: ignore[index]
    assert problem["path"] == "threshold" and problem["message"].startswith("schrijf de drempel")
    data["threshold"] = "2/3"
    data["id"] = "buurtkamer-bibliotheek"
    taken = client.post("/api/scenarios", json={"data": data, "lang": "en"})
    assert taken.status_code == 409 and taken.json["code"] == "case_id_taken"  # type: ignore[index]
    assert cases.all_cases(extension(client.application).reader) == []
    checked = client.post("/api/scenarios/check", json={"yaml": "id: x\n\ttitle: y\n"}).json
    assert checked is not None and checked["ok"] is False
    assert checked["problems"][0]["line"] == 2


def test_a_copy_without_the_key_has_no_secrets(client: FlaskClient) -> None:
    """'Kopieer en pas aan' of a shipped case: its public text, its secrets left empty, so no
    secret of a case someone may be playing leaves the server."""
    reply = client.get("/api/scenarios/buurtkamer-bibliotheek/copy").json
    assert reply is not None and reply["own"] is False
    data = reply["data"]
    assert data["title"]["nl"]
    secrets = [s for card in data["roles"].values() for s in card["secrets"]]
    assert len(secrets) == 9 and all(s["text"] == {"nl": ""} for s in secrets)
    scenario = extension(client.application).scenarios["buurtkamer-bibliotheek"]
    every = [s.text.nl for card in scenario.roles.values() for s in card.secrets]
    assert not any(words in str(reply) for words in every)
