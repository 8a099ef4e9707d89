"""`rolwissel simulate` against the real eventlet server: a whole game through the protocol,
its printed result and summary addresses, and the game as the database holds it."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
from serverproc import ROLWISSEL, Server, free_port, normalised, read_room, server_env

from game.engine.decision import decide
from game.engine.state import Phase
from game.engine.wording import result_sentence
from rolwissel_client.scripted import SUMMARY_SUFFIXES, ScriptedGame

pytestmark = pytest.mark.slow


def simulate(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ROLWISSEL, "simulate", "--url", server.url, *args],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def types(payloads: list[dict[str, Any]]) -> Counter[str]:
    return Counter(p["type"] for p in payloads)


def test_simulate_plays_a_whole_game_and_the_database_has_all_of_it(server: Server) -> None:
    """Six players: the printed result and addresses, and every step of the game in the log."""
    server.start()
    done = simulate(server, "--players", "6", "--seed", "7")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Gedragen: geen bezwaar, en in elke groep genoeg steun."
    room_id = lines[1].split("/room/")[1].split("/")[0]
    key = lines[1].partition("#k=")[2]
    assert key and lines[1:] == [
        f"{server.url}/room/{room_id}/summary{suffix}?lang=nl" + ("" if suffix else f"#k={key}")
        for suffix in SUMMARY_SUFFIXES
    ]

    stored = read_room(server.database_url, room_id)
    assert stored.status == "closed"
    assert len(stored.seats) == 6
    counts = types(stored.payloads())
    # 6 players: 2 cards in rounds 1-3 and 1 in round 4; a reflection after each round;
    # 3 options scored; two ballots (the first with a bezwaar, then an amendment).
    assert counts["player_joined"] == 6
    assert counts["card_posted"] == 6 * 2 * 3 + 6
    assert counts["reaction_added"] >= 6 * 4
    assert counts["reflection_saved"] == 6 * 4
    assert counts["option_scored"] == 6 * 3
    assert counts["proposal_drafted"] == 2
    assert counts["vote_opened"] == counts["vote_closed"] == counts["tally_shown"] == 2
    assert counts["vote_cast"] == 12
    assert stored.payloads()[-1]["type"] == "game_closed"
    # Every step of the game, in order (scoring because the scenario has options).
    steps = [(p["round"], p["phase"]) for p in stored.payloads() if p["type"] == "phase_changed"]
    assert steps == [
        (1, "reflection"), (2, "play"), (2, "reflection"), (3, "play"), (3, "reflection"),
        (4, "scoring"), (4, "play"), (4, "decision"), (4, "reflection"),
    ]  # fmt: skip

    state = stored.state()
    assert state.phase == Phase.CLOSED and state.version == stored.last_seq
    first, second = state.ballots
    objections = [v for v in first.votes if v.choice == "bezwaar"]
    assert len(objections) == 1 and objections[0].reason and objections[0].needed
    assert not decide(state, first).gedragen and decide(state, second).gedragen
    # The proposal took conditions from cards of rounds 2-3, and the amendment kept them.
    sources = [c.source_card_id for c in state.versions[0].conditions if c.source_card_id]
    assert len(sources) == 2
    assert all(state.card(s).round in (2, 3) for s in sources)  # type: ignore[union-attr]
    assert state.versions[1].conditions[:3] == state.versions[0].conditions
    assert len(state.versions[1].conditions) == 4
    assert any(r.shared for r in state.reflections) and not all(r.shared for r in state.reflections)
    # What was printed is what the log decides.
    assert lines[0] == result_sentence(decide(state, second), "nl")

    # The printed addresses answer with the printed key (issue 11: the room id alone opens
    # nothing): the page and each download, in Dutch.
    keyed = {"Authorization": f"Bearer {key}"}
    assert requests.get(lines[2], timeout=30).status_code == 401
    page, pdf, markdown, data, table = (
        requests.get(url.partition("#")[0], headers=keyed, timeout=30) for url in lines[1:]
    )
    assert [r.status_code for r in (page, pdf, markdown, data, table)] == [200] * 5
    assert page.headers["Content-Type"].startswith("text/html") and lines[0] in page.text
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert markdown.headers["Content-Type"].startswith("text/markdown")
    assert lines[0] in markdown.text
    assert data.json()["room_id"] == room_id and data.json()["result"]["gedragen"] is True
    assert data.json()["lang"] == "nl"
    assert table.headers["Content-Type"].startswith("text/csv")
    assert "Traceback" not in server.text


def test_the_same_seed_plays_the_same_game(server: Server) -> None:
    """Two runs with one seed write the same events (times and ids aside); English words."""
    server.start()
    logs = []
    for _ in range(2):
        game = ScriptedGame(url=server.url, players=4, seed=11, lang="en", screen=True)
        try:
            outcome = game.play()
        finally:
            game.close()
        assert outcome.gedragen and outcome.ballots == 2
        assert outcome.sentence == "Carried: no objection, and enough support in every group."
        assert outcome.urls[3] == f"{server.url}/room/{game.room_id}/summary.json?lang=en"
        # Every action was answered with ok, each key once per sender.
        assert game.acks and all(a.ok for a in game.acks)
        assert len({(a.actor, a.key) for a in game.acks}) == len(game.acks) == len(game.sent)
        # The big screen saw the closed game too.
        assert game.big_screen is not None
        assert game.big_screen.wait_version(game.version)["public"]["phase"] == "closed"
        logs.append(normalised(read_room(server.database_url, game.room_id).payloads()))
    assert logs[0] == logs[1]
    # Other seeds: other names, and the objector is not always the same person.
    others = [ScriptedGame(url=server.url, players=4, seed=seed) for seed in range(12, 20)]
    assert all([s.name for s in o.seats] != [s.name for s in game.seats] for o in others)
    assert len({str(o.ballot_plan(1)) for o in others}) > 1


def test_simulate_names_what_went_wrong(server: Server) -> None:
    """An unknown scenario: exit 1 with the server's code, nothing printed on stdout."""
    server.start()
    done = simulate(server, "--players", "3", "--scenario", "bestaat-niet")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "unknown_scenario" in done.stderr


def test_a_scripted_player_over_its_rate_waits_and_sends_the_same_action_again(
    tmp_path: Path,
) -> None:
    """On a server that takes 3 actions a second per connection (burst 2), the scripted
    players are refused `too_many_actions` and send the same action again after the pause the
    server asks for, as the browser does: the game still plays out, each action once."""
    env = server_env(tmp_path / "instance", ACTION_RATE="3", ACTION_BURST="2")
    server = Server(port=free_port(), env=env)
    try:
        server.start()
        done = simulate(server, "--players", "3", "--seed", "3")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Gedragen"), done.stdout
        refused = [line for line in server.output if "outcome=too_many_actions" in line]
        assert refused, "the rate was never reached: the retry was not exercised"
        room_id = done.stdout.splitlines()[1].split("/room/")[1].split("/")[0]
        counts = types(read_room(server.database_url, room_id).payloads())
        # As in the six-player game above: 2 cards in rounds 1-3 and 1 in round 4, a
        # reflection after each round; none of them twice.
        assert counts["card_posted"] == 3 * 2 * 3 + 3
        assert counts["reflection_saved"] == 3 * 4
    finally:
        server.close()
