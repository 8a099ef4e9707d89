"""What each viewer is shown, field by field: the board's cards, the ballot before and after
the tally, the role card and its dealt secrets, the personal view, the facilitator's overview,
the public scenario, and the result's groups written one way in the live view and the export.
"""

from fractions import Fraction
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings

from factories import T0, do, make_scenario, room_with_players
from game.engine import actions as A
from game.engine import decision, rules, views
from game.engine import events as E
from game.engine.roles import Role
from game.engine.state import FACILITATOR, Phase, ReactionKind, RoomState, VoteChoice
from game.exports import json as json_export
from game.exports.summary import build_summary
from strategies import thresholds, vote_lists

IN, RA, AM = Role.INWONER, Role.RAADSLID, Role.AMBTENAAR
F = FACILITATOR
SUPPORT, QUESTION, CONCERN = ReactionKind.SUPPORT, ReactionKind.QUESTION, ReactionKind.CONCERN


class Clock:
    """Server times for a scripted game: five seconds apart, past the step guard."""

    def __init__(self) -> None:
        self.now = T0 + 1_000

    def __call__(self) -> int:
        self.now += 5_000
        return self.now


def step(state: RoomState, clock: Clock) -> RoomState:
    return do(state, A.NextPhase(actor=F, at=clock()))


def react(state: RoomState, clock: Clock, card: str, kind: ReactionKind, *who: str) -> RoomState:
    for pid in who:
        state = do(state, A.React(actor=pid, at=clock(), card_id=card, kind=kind))
    return state


@cache
def board() -> RoomState:
    """Round 1 play, four players (p1 inwoner, p2 raadslid, p3 ambtenaar, p4 inwoner).

    c1 by p1: supported by p2, p3 and p4, a question from p2, highlighted (common ground);
    c2 by p2: a concern from p1, edited; c3 by p3: supported by p1, hidden by the
    facilitator; c4 by p4: withdrawn; c5 by p1: supported by p2, merged into c1."""
    clock = Clock()
    state = room_with_players([IN, RA, AM, IN])
    for pid, text in (("p1", "Een plek voor iedereen"), ("p2", "Rust"), ("p3", "Verborgen"),
                      ("p4", "Ingetrokken"), ("p1", "Ook een plek")):  # fmt: skip
        state = do(state, A.PostCard(actor=pid, at=clock(), text=text))
    state = react(state, clock, "c1", SUPPORT, "p2", "p3", "p4")
    state = react(state, clock, "c1", QUESTION, "p2")
    state = react(state, clock, "c2", CONCERN, "p1")
    state = react(state, clock, "c3", SUPPORT, "p1")
    state = react(state, clock, "c5", SUPPORT, "p2")
    state = do(state, A.EditCard(actor="p2", at=clock(), card_id="c2", text="Rust in de straat"))
    state = do(state, A.WithdrawCard(actor="p4", at=clock(), card_id="c4"))
    state = do(state, A.HighlightCard(actor=F, at=clock(), card_id="c1"))
    state = do(state, A.HideCard(actor=F, at=clock(), card_id="c3"))
    return do(state, A.MergeCards(actor=F, at=clock(), card_id="c5", into_id="c1"))


def card_view(view: dict[str, Any], card_id: str) -> dict[str, Any] | None:
    return next((c for c in view["cards"] if c["id"] == card_id), None)


# The board


def test_public_cards_carry_their_counts_strength_and_common_ground() -> None:
    """Each card on the board, exactly: reactions counted, strength = supports + 3 for a
    highlight, common ground when every home-role group present supported it."""
    state = board()
    public = views.public_view(state)
    c1 = state.card("c1")
    assert c1 is not None
    assert card_view(public, "c1") == {
        "id": "c1",
        "round": 1,
        "role": c1.role.value,
        "text": "Een plek voor iedereen",
        "created_at": c1.created_at,
        "edited": False,
        "highlighted": True,
        "merged_into": None,
        "reactions": {"support": 3, "question": 1, "concern": 0},
        "common_ground": True,
        "strength": 6,
        "author": None,
        "via_facilitator": False,
    }
    c2 = card_view(public, "c2")
    assert c2 is not None
    assert (c2["text"], c2["edited"], c2["reactions"]) == (
        "Rust in de straat",
        True,
        {"support": 0, "question": 0, "concern": 1},
    )
    assert (c2["strength"], c2["common_ground"], c2["highlighted"]) == (0, False, False)
    c5 = card_view(public, "c5")
    assert c5 is not None
    assert (c5["merged_into"], c5["strength"], c5["common_ground"]) == ("c1", 1, False)


def test_hidden_and_withdrawn_cards_stay_off_the_board() -> None:
    """The board shows neither a hidden nor a withdrawn card; the facilitator sees the hidden
    one marked, never the withdrawn one."""
    state = board()
    public = views.public_view(state)
    assert [c["id"] for c in public["cards"]] == ["c1", "c2", "c5"]
    host = views.facilitator_view(state)
    assert [(c["id"], c["hidden"]) for c in host["cards"]] == [
        ("c1", False),
        ("c2", False),
        ("c3", True),
        ("c5", False),
    ]
    hidden = card_view(host, "c3")
    assert hidden is not None and hidden["reactions"]["support"] == 1
    assert hidden["common_ground"] is False  # a hidden card is never common ground


def test_authors_are_shown_only_when_the_room_allows_it() -> None:
    """Names stay off the board until the facilitator switches them on; the console always
    has them."""
    state = board()
    assert {c["author"] for c in views.public_view(state)["cards"]} == {None}
    named = do(state, A.SetSetting(actor=F, at=T0 + 10**7, name="show_author_names", value=True))
    authors = {c["id"]: c["author"] for c in views.public_view(named)["cards"]}
    assert authors == {"c1": "Speler 1", "c2": "Speler 2", "c5": "Speler 1"}
    assert views.public_view(named)["settings"] == {"show_author_names": True, "chime": True}
    host = {c["id"]: c["author"] for c in views.facilitator_view(state)["cards"]}
    assert host["c3"] == "Speler 3"


def test_every_viewer_sees_whether_the_chime_is_muted() -> None:
    """The console's mute reaches the public part, which the big screen reads."""
    state = board()
    assert views.public_view(state)["settings"]["chime"] is True
    muted = do(state, A.SetSetting(actor=F, at=T0 + 10**7, name="chime", value=False))
    for viewer in (views.BIG_SCREEN, views.FACILITATOR_VIEWER):
        assert views.view_for(muted, viewer)["public"]["settings"]["chime"] is False


def test_common_ground_in_the_console_counts_supporters_per_group() -> None:
    """The console lists common-ground cards with their supporters per home-role group."""
    assert views.facilitator_view(board())["common_ground"] == [
        {"card_id": "c1", "supporters": {"inwoner": 1, "raadslid": 1, "ambtenaar": 1}}
    ]


def test_common_ground_follows_the_groups_present() -> None:
    """When the only ambtenaar leaves, support from inwoners and raadsleden is enough; a
    supporter who left no longer counts."""
    state = do(board(), A.Leave(actor="p3", at=T0 + 10**7))
    facts = decision.card_facts(state)
    assert facts["c1"].supporters == {IN: 1, RA: 1, AM: 0}
    assert facts["c1"].common_ground
    assert facts["c1"].supports == 3  # the count of reactions keeps the one who left
    state = do(state, A.Leave(actor="p4", at=T0 + 10**7 + 1))
    assert not decision.card_facts(state)["c1"].common_ground  # no inwoner support left


# The role card and the personal view


def test_role_view_shows_this_rounds_dealt_secrets_of_the_role_held() -> None:
    """In round 2 the card is the role held now with its round-2 secret only."""
    clock = Clock()
    state = room_with_players([IN, RA, AM])
    state = step(step(state, clock), clock)  # round 2 play
    player = state.player("p1")
    assert player is not None and player.rotation[1] is not None
    role = player.rotation[1]
    card = state.scenario.roles[role]
    assert views.role_view(state, "p1") == {
        "role": role.value,
        "round": 2,
        "card": {
            "title": {"nl": card.title.nl, "en": card.title.get("en")},
            "who": {"nl": card.who.nl, "en": card.who.get("en")},
            "values": {"nl": card.values.nl, "en": card.values.get("en")},
            "wants": {"nl": card.wants.nl, "en": card.wants.get("en")},
            "fears": {"nl": card.fears.nl, "en": card.fears.get("en")},
            "secrets": [
                {
                    "id": f"{role.value}-2",
                    "round": 2,
                    "text": {
                        "nl": f"GEHEIM-{role.value}-2-zilvervos",
                        "en": f"SECRET-{role.value}-2-silverfox",
                    },
                }
            ],
        },
    }
    assert views.role_view(room_with_players([IN], started=False), "p1") is None
    assert views.role_view(state, "stranger") is None


def test_personal_view_is_the_players_own_seat() -> None:
    """Own cards, hidden cards, reactions, reflections, scores, vote, the secrets kept, and
    which reflection question fits each round."""
    state = board()
    me = views.personal_view(state, "p3")
    p3 = state.player("p3")
    assert p3 is not None
    assert me == {
        "id": "p3",
        "name": "Speler 3",
        "home_role": "ambtenaar",
        "role": p3.rotation[0].value,  # type: ignore[union-attr]
        "joined_round": 0,
        "on_paper": False,
        "active": True,
        "left_reason": None,
        "rotation": [r.value for r in p3.rotation],  # type: ignore[union-attr]
        "card_ids": ["c3"],
        "hidden_cards": [{"id": "c3", "round": 1, "text": "Verborgen"}],
        "reactions": [["c1", "support"]],
        "reflections": [],
        "reflection_kind": "own" if p3.rotation[0] == AM else "swap",
        "reflection_kinds": {
            str(r): ("own" if p3.rotation[r - 1] == AM else "swap") for r in (1, 2, 3)
        }
        | {"4": "decision"},
        "scores": {},
        "vote": None,
        "known_secrets": [
            {
                "id": f"{p3.rotation[0].value}-1",  # type: ignore[union-attr]
                "round": 1,
                "role": p3.rotation[0].value,  # type: ignore[union-attr]
                "text": {
                    "nl": f"GEHEIM-{p3.rotation[0].value}-1-zilvervos",  # type: ignore[union-attr]
                    "en": f"SECRET-{p3.rotation[0].value}-1-silverfox",  # type: ignore[union-attr]
                },
            }
        ],
    }
    # A withdrawn card is no longer the author's to see in the list.
    assert views.personal_view(state, "p4")["card_ids"] == []
    assert views.personal_view(state, "ghost") == {"id": "ghost", "active": False}


@cache
def round_three() -> RoomState:
    """Round 3 reflection of a game of three, with reflections and a leaver."""
    clock = Clock()
    state = room_with_players([IN, RA, AM])
    state = step(state, clock)
    state = do(state, A.SaveReflection(actor="p1", at=clock(), text="Eerste", shared=True))
    while (state.round, state.phase) != (3, Phase.REFLECTION):
        state = step(state, clock)
    return do(state, A.SaveReflection(actor="p1", at=clock(), text="Derde"))


def test_what_you_know_keeps_every_round() -> None:
    """'Wat je weet' holds the secrets of rounds 1, 2 and 3, each of the role held then;
    the role card shows only round 3's."""
    state = round_three()
    player = state.player("p1")
    assert player is not None
    me = views.personal_view(state, "p1")
    assert [(k["round"], k["role"], k["id"]) for k in me["known_secrets"]] == [
        (r, player.rotation[r - 1].value, f"{player.rotation[r - 1].value}-{r}")  # type: ignore[union-attr]
        for r in (1, 2, 3)
    ]
    shown = views.role_view(state, "p1")
    assert shown is not None
    assert [s["round"] for s in shown["card"]["secrets"]] == [3]
    assert me["reflections"] == [
        {"round": 1, "text": "Eerste", "shared": True},
        {"round": 3, "text": "Derde", "shared": False},
    ]
    assert me["reflection_kind"] == me["reflection_kinds"]["3"]


def test_reflection_kind_swap_own_and_decision() -> None:
    """Everyone plays their home role once (round 3 here): 'own' there, 'swap' in the
    others, 'decision' in round 4."""
    state = round_three()
    for player in state.players:
        kinds = views.personal_view(state, player.id)["reflection_kinds"]
        expected = {
            str(r): "own" if player.rotation[r - 1] == player.home_role else "swap"
            for r in (1, 2, 3)
        }
        assert kinds == expected | {"4": "decision"}
        assert list(kinds.values()).count("own") == 1


def test_facilitator_sees_every_secret_and_who_was_dealt_it() -> None:
    """All nine secrets with role and round; dealt_to names the players dealt each."""
    state = round_three()
    secrets = views.facilitator_view(state)["secrets"]
    assert [(s["role"], s["round"]) for s in secrets] == [
        (role.value, r) for role in (IN, RA, AM) for r in (1, 2, 3)
    ]
    for secret in secrets:
        holders = [
            p.id
            for p in state.players
            if p.rotation[secret["round"] - 1].value == secret["role"]  # type: ignore[union-attr]
        ]
        assert secret["dealt_to"] == holders
        assert secret["revealed_at_debrief"] == (secret["round"] != 2)
        assert secret["text"]["nl"] == f"GEHEIM-{secret['role']}-{secret['round']}-zilvervos"
    cards = views.facilitator_view(state)["roles"]
    assert [s["round"] for s in cards["inwoner"]["secrets"]] == [1, 2, 3]


def test_big_screen_sees_only_the_public_view() -> None:
    """The big screen gets the public part and nothing else."""
    state = round_three()
    assert views.view_for(state, views.BIG_SCREEN) == {
        "viewer": "screen",
        "public": views.public_view(state),
    }


def test_every_viewer_is_built_on_one_shared_public_part() -> None:
    """compose on the shared part gives what view_for gives, for every kind of viewer."""
    state = board()
    common = views.shared(state)
    for viewer in (views.BIG_SCREEN, views.FACILITATOR_VIEWER, views.Participant("p2")):
        built = views.compose(state, viewer, common)
        assert built == views.view_for(state, viewer)
        assert built["public"] is common.public
    participant = views.compose(state, views.Participant("p2"), common)
    assert set(participant) == {"viewer", "public", "role", "me"}
    assert participant["viewer"] == "participant"
    host = views.compose(state, views.FACILITATOR_VIEWER, common)
    assert set(host) == {"viewer", "public", "facilitator"}


# The public part


def test_public_view_of_a_room_in_play() -> None:
    """The room's step, players, spread and timer, with the time the step last changed."""
    state = do(board(), A.SetTimer(actor=F, at=T0 + 10**7, seconds=120))
    public = views.public_view(state)
    assert {k: public[k] for k in ("room_id", "version", "phase", "round", "paused")} == {
        "room_id": "room-1",
        "version": state.version,
        "phase": "play",
        "round": 1,
        "paused": False,
    }
    assert public["step_changed_at"] == state.step_changed_at == T0 + 100
    assert public["scenario_id"] == "testcasus"
    assert public["timer"] == {
        "started_at": T0 + 10**7,
        "duration_ms": 120_000,
        "paused_remaining_ms": None,
        "running": True,
    }
    assert public["players"][0] == {
        "id": "p1",
        "name": "Speler 1",
        "home_role": "inwoner",
        "role": state.players[0].rotation[0].value,  # type: ignore[union-attr]
        "joined_round": 0,
        "on_paper": False,
    }
    assert public["spread"] == {
        str(r): {
            role.value: sum(1 for p in state.players if p.rotation[r - 1] == role)
            for role in (IN, RA, AM)
        }
        for r in (1, 2, 3)
    }
    assert (public["options_scored"], public["ranking"], public["closed_at"]) == (0, [], None)


def test_public_scenario_has_no_secret_and_its_threshold_in_words() -> None:
    """The scenario everyone reads: texts in both languages, the threshold as data and as
    words, which languages it has, and no secret at all."""
    scenario = make_scenario(options=1, threshold="3/4")
    public = views.scenario_public(scenario)
    assert public["threshold"] == "3/4"
    assert public["threshold_text"] == {"nl": "3 van de 4", "en": "3 out of 4"}
    assert public["languages"] == ["nl", "en"]
    assert public["title"] == {"nl": "Testcasus", "en": "Testcasus (en)"}
    assert all(card["secrets"] == [] for card in public["roles"].values())
    assert "zilvervos" not in str(public) and "silverfox" not in str(public)
    assert public["rounds"][0] == {
        "number": 1,
        "lens": {"nl": "Lens 1", "en": "Lens 1 (en)"},
        "question": {"nl": "Vraag 1", "en": "Vraag 1 (en)"},
        "card_prompt": {"nl": "Kaart 1", "en": "Kaart 1 (en)"},
        "minutes": 15,
    }
    assert public["options"] == [
        {
            "id": "optie-1",
            "title": {"nl": "Optie 1", "en": "Optie 1 (en)"},
            "description": {"nl": "Uitleg 1", "en": "Uitleg 1 (en)"},
        }
    ]
    assert public["debrief_questions"] == [{"nl": "Wat viel je op?", "en": "Wat viel je op? (en)"}]
    assert views.scenario_public(make_scenario(threshold="1"))["threshold"] == "1/1"


def test_a_text_without_english_reads_in_dutch_in_every_view() -> None:
    """A scenario without English sends its Dutch text as the English one, and says so."""
    data = make_scenario().model_dump(mode="json")
    data["title"] = {"nl": "Alleen Nederlands"}
    scenario = type(make_scenario()).model_validate(data)
    public = views.scenario_public(scenario)
    assert public["title"] == {"nl": "Alleen Nederlands", "en": "Alleen Nederlands"}
    assert public["languages"] == ["nl"]


def test_debrief_roles_reveal_only_what_the_scenario_marks() -> None:
    """At the debrief the role cards show the secrets marked for it (rounds 1 and 3 here)."""
    roles = views.debrief_roles(make_scenario())
    assert {role: [s["id"] for s in card["secrets"]] for role, card in roles.items()} == {
        role.value: [f"{role.value}-1", f"{role.value}-3"] for role in (IN, RA, AM)
    }


def test_timeline_never_tells_which_secrets_were_dealt() -> None:
    """Dealing is in the log but never in the public timeline."""
    clock = Clock()
    created = rules.create_room("r", make_scenario(), T0)
    state, log = created.state, list(created.events)
    for n, home in enumerate((IN, RA, AM), start=1):
        result = rules.apply(
            state,
            A.Join(actor=f"p{n}", at=clock(), player_id=f"p{n}", name=f"N{n}", home_role=home),
        )
        assert isinstance(result, rules.Accepted)
        state, log = result.state, log + list(result.events)
    result = rules.apply(state, A.Start(actor=F, at=clock()))
    assert isinstance(result, rules.Accepted)
    log += list(result.events)
    assert any(isinstance(e, E.SecretsDealt) for e in log)
    timeline = views.public_timeline(log)
    assert [t["type"] for t in timeline] == [
        "room_created",
        "player_joined",
        "player_joined",
        "player_joined",
        "game_started",
    ]
    assert "inwoner-1" not in str(timeline)


# The vote


@cache
def voting() -> RoomState:
    """Round 4 decision of a game of four (two inwoners), the vote open, three votes cast."""
    clock = Clock()
    state = room_with_players([IN, RA, AM, IN])
    while (state.round, state.phase) != (4, Phase.DECISION):
        state = step(state, clock)
    state = do(state, A.DraftProposal(actor=F, at=clock(), text="Ja, mits"))
    state = do(state, A.OpenVote(actor=F, at=clock()))
    state = do(state, A.CastVote(actor="p1", at=clock(), choice=VoteChoice.EENS))
    mits = VoteChoice.EENS_MET_BEDENKINGEN
    state = do(state, A.CastVote(actor="p2", at=clock(), choice=mits, reason="Let op de buren"))
    bezwaar = VoteChoice.BEZWAAR
    return do(
        state,
        A.CastVote(actor="p3", at=clock(), choice=bezwaar, reason="Te duur", needed="Minder"),
    )


def test_open_ballot_shows_only_how_many_voted() -> None:
    """While the vote is open everyone sees how many of how many voted, never the tally."""
    (ballot,) = views.public_view(voting())["ballots"]
    assert ballot == {
        "number": 1,
        "proposal_version": 1,
        "open": True,
        "tally_shown": False,
        "votes_cast": 3,
        "eligible": 4,
        "result": None,
        "objections": [],
        "reservations": [],
    }


def test_ballot_after_the_tally_shows_result_objections_and_bedenkingen() -> None:
    """Once shown: the result with its short sentence and counts, the objection and the
    bedenking, without names."""
    state = do(voting(), A.CloseVote(actor=F, at=T0 + 10**8))
    assert views.public_view(state)["ballots"][0]["result"] is None  # closed, not yet shown
    state = do(state, A.ShowTally(actor=F, at=T0 + 10**8 + 1))
    (ballot,) = views.public_view(state)["ballots"]
    assert (ballot["open"], ballot["tally_shown"], ballot["votes_cast"]) == (False, True, 3)
    assert ballot["objections"] == [{"reason": "Te duur", "needed": "Minder"}]
    assert ballot["reservations"] == ["Let op de buren"]
    assert ballot["result"] == {
        "gedragen": False,
        "sentence": {
            "nl": "Niet gedragen: 1 bezwaar staat nog, en te weinig steun bij inwoners en "
            "ambtenaren.",
            "en": "Not carried: 1 objection remains, and too little support among residents "
            "and civil servants.",
        },
        "threshold": "2/3",
        "threshold_text": {"nl": "2 van de 3", "en": "2 out of 3"},
        "objections": 1,
        "ballot": 1,
        "proposal_version": 1,
        "groups": [
            group("inwoner", 2, eens=1, not_voted=1, passes=False),
            group("raadslid", 1, bedenkingen=1, passes=True),
            group("ambtenaar", 1, bezwaar=1, passes=False),
        ],
    }


def group(role: str, members: int, *, eens: int = 0, bedenkingen: int = 0, bezwaar: int = 0,
          not_voted: int = 0, passes: bool) -> dict[str, Any]:  # fmt: skip
    return {
        "role": role,
        "members": members,
        "eens": eens,
        "eens_met_bedenkingen": bedenkingen,
        "bedenkingen": bedenkingen,
        "bezwaar": bezwaar,
        "not_voted": not_voted,
        "support": eens + bedenkingen,
        "passes": passes,
    }


def test_facilitator_sees_who_voted_but_never_how() -> None:
    """The overview says who voted; votes, objections and bedenkingen carry no player."""
    host = views.facilitator_view(voting())
    assert [(o["player_id"], o["voted"]) for o in host["overview"]] == [
        ("p1", True),
        ("p2", True),
        ("p3", True),
        ("p4", False),
    ]
    assert all("player_id" not in v for v in host["votes"])
    assert sorted(v["choice"] for v in host["votes"]) == [
        "bezwaar",
        "eens",
        "eens_met_bedenkingen",
    ]
    assert host["objections"] == [{"ballot": 1, "reason": "Te duur", "needed": "Minder"}]
    assert host["reservations"] == [{"ballot": 1, "text": "Let op de buren"}]
    assert host["results"] == [views.result_view(decision.decide(voting(), voting().ballots[0]))]
    for player in voting().players:
        assert player.name not in str(host["votes"] + host["objections"] + host["reservations"])


def test_overview_counts_what_each_player_did_in_this_step() -> None:
    """Cards this round, a reflection saved this round, options scored, and the vote."""
    host = views.facilitator_view(board())
    assert host["overview"] == [
        {"player_id": "p1", "name": "Speler 1", "role": board().players[0].rotation[0].value,  # type: ignore[union-attr]
         "cards": 2, "reflected": False, "scored": 0, "voted": False, "on_paper": False},
        {"player_id": "p2", "name": "Speler 2", "role": board().players[1].rotation[0].value,  # type: ignore[union-attr]
         "cards": 1, "reflected": False, "scored": 0, "voted": False, "on_paper": False},
        {"player_id": "p3", "name": "Speler 3", "role": board().players[2].rotation[0].value,  # type: ignore[union-attr]
         "cards": 1, "reflected": False, "scored": 0, "voted": False, "on_paper": False},
        {"player_id": "p4", "name": "Speler 4", "role": board().players[3].rotation[0].value,  # type: ignore[union-attr]
         "cards": 0, "reflected": False, "scored": 0, "voted": False, "on_paper": False},
    ]  # fmt: skip
    state = round_three()
    overview = {o["player_id"]: o for o in views.facilitator_view(state)["overview"]}
    assert overview["p1"]["reflected"] and not overview["p2"]["reflected"]
    assert overview["p1"]["cards"] == 0  # the cards of round 1 are not this step's


def test_overview_counts_options_scored() -> None:
    """While scoring, the overview says how many options each player scored."""
    clock = Clock()
    state = room_with_players([IN, RA, AM], options=2)
    while state.phase != Phase.SCORING:
        state = step(state, clock)
    state = do(state, A.ScoreOption(actor="p2", at=clock(), option_id="optie-1", score=4))
    state = do(state, A.ScoreOption(actor="p2", at=clock(), option_id="optie-2", score=2))
    state = do(state, A.ScoreOption(actor="p3", at=clock(), option_id="optie-2", score=5))
    overview = views.facilitator_view(state)["overview"]
    assert [o["scored"] for o in overview] == [0, 2, 1]
    assert views.public_view(state)["options_scored"] == 2
    assert views.public_view(state)["ranking"] == []  # no ranking while people score


@pytest.mark.parametrize(
    ("homes", "warnings"),
    [
        ([IN, RA, AM, IN, RA, AM], []),
        ([IN, RA, AM, IN, RA], [("ambtenaar", 1, "alone")]),
        ([IN, IN, RA, RA], [("ambtenaar", 0, "absent")]),
        ([IN], [("inwoner", 1, "alone"), ("raadslid", 0, "absent"), ("ambtenaar", 0, "absent")]),
        ([RA, AM], [("inwoner", 0, "absent"), ("raadslid", 1, "alone"), ("ambtenaar", 1, "alone")]),
    ],
)
def test_group_warnings_name_absent_and_lonely_groups(
    homes: list[Role], warnings: list[tuple[str, int, str]]
) -> None:
    """The console warns for each home-role group with nobody present, or only one person."""
    state = room_with_players(homes, started=False)
    assert views.facilitator_view(state)["group_warnings"] == [
        {"role": role, "members": members, "kind": kind} for role, members, kind in warnings
    ]


def test_rotation_issues_say_which_a_rebalance_fixes() -> None:
    """An unbalanced round is fixable and the console may offer a rebalance; with two
    players nothing is fixable and it is not offered."""
    state = room_with_players([IN] * 6)
    gone = [p.id for p in state.players if p.rotation == state.players[0].rotation]
    for pid in gone:
        state = do(state, A.Leave(actor=pid, at=T0 + 500))
    host = views.facilitator_view(state)
    assert host["can_rebalance"] is True
    assert [(i["kind"], i["round"], i["fixable"]) for i in host["rotation_issues"]] == [
        ("unbalanced", 1, True),
        ("unbalanced", 2, True),
        ("unbalanced", 3, True),
    ]
    few = views.facilitator_view(room_with_players([IN, RA]))
    assert few["can_rebalance"] is False
    assert few["rotation_issues"] == [
        {
            "kind": "too_few_players",
            "round": None,
            "player_id": None,
            "counts": {},
            "roles": [],
            "fixable": False,
        }
    ]


# One way to write a result


@settings(max_examples=100, deadline=None)
@given(thresholds, vote_lists)
def test_live_view_and_export_write_a_result_alike(
    threshold: str, votes: list[VoteChoice | None]
) -> None:
    """For every threshold (1/1 included) the live view's result and the JSON export's
    result have the same threshold, counts per group and outcome."""
    clock = Clock()
    homes = [IN, RA, AM] * 2
    state = rules.create_room("r", make_scenario(threshold=threshold), T0).state
    log: list[E.AnyEvent] = []
    for n, home in enumerate(homes, start=1):
        state = do(
            state,
            A.Join(actor=f"p{n}", at=clock(), player_id=f"p{n}", name=f"N{n}", home_role=home),
        )
    while (state.round, state.phase) != (4, Phase.DECISION):
        state = step(state, clock)
    state = do(state, A.DraftProposal(actor=F, at=clock(), text="Ja"))
    state = do(state, A.OpenVote(actor=F, at=clock()))
    for n, choice in enumerate(votes, start=1):
        if choice is not None:
            reason = "Nee" if choice == VoteChoice.BEZWAAR else ""
            state = do(state, A.CastVote(actor=f"p{n}", at=clock(), choice=choice, reason=reason))
    state = do(state, A.CloseVote(actor=F, at=clock()))
    state = do(state, A.ShowTally(actor=F, at=clock()))
    live = views.public_view(state)["ballots"][0]["result"]
    exported = json_export.to_data(build_summary(state, log), "nl")["result"]
    assert (
        live["threshold"]
        == exported["threshold"]
        == f"{Fraction(threshold).numerator}/{Fraction(threshold).denominator}"
    )
    assert live["groups"] == exported["groups"]
    assert live["gedragen"] == exported["gedragen"]
    assert live["sentence"]["nl"] == exported["sentence"]


# More of each view, field by field


def test_participant_view_is_the_role_card_and_the_seat() -> None:
    """A participant's view holds the public part, their role card and their own seat;
    the console's and the screen's say which viewer they are."""
    state = board()
    view = views.view_for(state, views.Participant("p2"))
    assert view["viewer"] == "participant"
    assert view["role"] == views.role_view(state, "p2") is not None
    assert view["me"] == views.personal_view(state, "p2")
    assert view["me"]["id"] == "p2"
    assert views.view_for(state, views.FACILITATOR_VIEWER)["viewer"] == "facilitator"
    assert views.view_for(state, views.FACILITATOR_VIEWER)["facilitator"] == (
        views.facilitator_view(state)
    )


def test_public_scenario_names_the_case() -> None:
    """The scenario's id, title, summary and situation, in both languages."""
    public = views.scenario_public(make_scenario())
    assert {k: public[k] for k in ("id", "title", "summary", "situation")} == {
        "id": "testcasus",
        "title": {"nl": "Testcasus", "en": "Testcasus (en)"},
        "summary": {"nl": "Een casus voor tests", "en": "Een casus voor tests (en)"},
        "situation": {"nl": "De situatie", "en": "De situatie (en)"},
    }


@cache
def proposed() -> RoomState:
    """Round 4 decision with a drafted proposal (one condition from a round-2 card), voted
    on once, then amended."""
    clock = Clock()
    state = room_with_players([IN, RA, AM])
    while (state.round, state.phase) != (2, Phase.PLAY):
        state = step(state, clock)
    state = do(state, A.PostCard(actor="p1", at=clock(), text="Mits het veilig is"))
    while (state.round, state.phase) != (4, Phase.DECISION):
        state = step(state, clock)
    conditions = (A.ConditionInput(source_card_id="c1"), A.ConditionInput(text="Een evaluatie"))
    state = do(state, A.DraftProposal(actor=F, at=clock(), text="Ja", conditions=conditions))
    state = do(state, A.OpenVote(actor=F, at=clock()))
    state = do(state, A.CastVote(actor="p1", at=clock(), choice=VoteChoice.EENS))
    state = do(state, A.CloseVote(actor=F, at=clock()))
    amended = (A.ConditionInput(text="Een evaluatie"), A.ConditionInput(text="Na een jaar"))
    return do(state, A.DraftProposal(actor=F, at=clock(), text="Ja, maar", conditions=amended))


def test_draft_and_versions_are_public() -> None:
    """Everyone reads the draft and every version voted on, with their conditions."""
    state = proposed()
    public = views.public_view(state)
    assert public["draft"] == {
        "text": "Ja, maar",
        "conditions": [
            {"id": "k2", "text": "Een evaluatie", "source_card_id": None},
            {"id": "k3", "text": "Na een jaar", "source_card_id": None},
        ],
    }
    assert public["versions"] == [
        {
            "number": 1,
            "text": "Ja",
            "conditions": [
                {"id": "k1", "text": "Mits het veilig is", "source_card_id": "c1"},
                {"id": "k2", "text": "Een evaluatie", "source_card_id": None},
            ],
            "created_at": state.versions[0].created_at,
        }
    ]


def test_personal_view_holds_only_the_own_vote_on_the_current_ballot() -> None:
    """A player sees their own vote (choice, reason, need) until a new ballot opens."""
    state = voting()
    assert views.personal_view(state, "p3")["vote"] == {
        "choice": "bezwaar",
        "reason": "Te duur",
        "needed": "Minder",
    }
    assert views.personal_view(state, "p4")["vote"] is None
    state = do(state, A.CloseVote(actor=F, at=T0 + 10**8))
    state = do(state, A.DraftProposal(actor=F, at=T0 + 10**8 + 1, text="Anders"))
    state = do(state, A.OpenVote(actor=F, at=T0 + 10**8 + 2))
    assert views.personal_view(state, "p3")["vote"] is None


def test_facilitator_lists_votes_by_ballot_without_voters() -> None:
    """Each vote with its ballot, choice, reason and need, in an order that says nothing
    about who voted when."""
    assert views.facilitator_view(voting())["votes"] == [
        {"ballot": 1, "choice": "eens", "reason": "", "needed": ""},
        {"ballot": 1, "choice": "eens_met_bedenkingen", "reason": "Let op de buren", "needed": ""},
        {"ballot": 1, "choice": "bezwaar", "reason": "Te duur", "needed": "Minder"},
    ]


@cache
def scored() -> RoomState:
    """Round 4 play after scoring: p1 and p2 scored both options, p3 one."""
    clock = Clock()
    state = room_with_players([IN, RA, AM], options=2)
    while state.phase != Phase.SCORING:
        state = step(state, clock)
    for pid, option, score in (("p1", "optie-1", 2), ("p1", "optie-2", 5), ("p2", "optie-1", 3),
                               ("p2", "optie-2", 4), ("p3", "optie-2", 2)):  # fmt: skip
        state = do(state, A.ScoreOption(actor=pid, at=clock(), option_id=option, score=score))
    return step(state, clock)


def test_ranking_after_scoring_is_public_and_exact() -> None:
    """After scoring everyone sees the options by exact mean, highest first."""
    state = scored()
    ranking = [
        {"option_id": "optie-2", "mean": "11/3", "mean_float": 11 / 3, "count": 3},
        {"option_id": "optie-1", "mean": "5/2", "mean_float": 2.5, "count": 2},
    ]
    assert views.public_view(state)["ranking"] == ranking
    assert views.facilitator_view(state)["ranking"] == ranking
    assert views.personal_view(state, "p1")["scores"] == {"optie-1": 2, "optie-2": 5}
    assert views.personal_view(state, "p3")["scores"] == {"optie-2": 2}
    unscored = views.facilitator_view(room_with_players([IN], options=1))["ranking"]
    assert unscored == [{"option_id": "optie-1", "mean": None, "mean_float": None, "count": 0}]


@cache
def reflected() -> RoomState:
    """Round 2 reflection: p1 shared reflections in rounds 1 and 2, p2 kept one of round 1
    private, p3 left after sharing one in round 1."""
    clock = Clock()
    state = room_with_players([IN, RA, AM])
    state = step(state, clock)
    state = do(state, A.SaveReflection(actor="p1", at=clock(), text="R1 van p1", shared=True))
    state = do(state, A.SaveReflection(actor="p2", at=clock(), text="R1 van p2"))
    state = do(state, A.SaveReflection(actor="p3", at=clock(), text="R1 van p3", shared=True))
    state = do(state, A.Leave(actor="p3", at=clock()))
    state = step(step(state, clock), clock)
    return do(state, A.SaveReflection(actor="p1", at=clock(), text="R2 van p1", shared=True))


def test_console_counts_and_lists_shared_reflections() -> None:
    """The console counts reflections per round and lists the shared ones with role and
    name; a private one is counted, never shown."""
    state = reflected()
    host = views.facilitator_view(state)
    assert host["reflections_count"] == {"1": 3, "2": 1, "3": 0, "4": 0}
    role = {p.id: p.rotation for p in state.players}
    assert host["reflections_shared"] == [
        {
            "round": 1,
            "role": role["p1"][0].value,  # type: ignore[union-attr]
            "name": "Speler 1",
            "text": "R1 van p1",
            "via_facilitator": False,
        },
        {
            "round": 1,
            "role": role["p3"][0].value,  # type: ignore[union-attr]
            "name": "Speler 3",
            "text": "R1 van p3",
            "via_facilitator": False,
        },
        {
            "round": 2,
            "role": role["p1"][1].value,  # type: ignore[union-attr]
            "name": "Speler 1",
            "text": "R2 van p1",
            "via_facilitator": False,
        },
    ]
    overview = {o["player_id"]: o["reflected"] for o in host["overview"]}
    assert overview == {"p1": True, "p2": False}  # p2 reflected in round 1 only


def test_console_lists_every_seat_with_its_rotation() -> None:
    """Every seat, also one that was left, with whether it is active and its rotation."""
    state = reflected()
    players = views.facilitator_view(state)["players"]
    p3 = state.player("p3")
    assert p3 is not None
    assert players[2] == {
        "id": "p3",
        "name": "Speler 3",
        "home_role": "ambtenaar",
        "role": p3.rotation[1].value,  # type: ignore[union-attr]
        "joined_round": 0,
        "on_paper": False,
        "active": False,
        "left_reason": "left",
        "rotation": [r.value for r in p3.rotation],  # type: ignore[union-attr]
    }
    assert [p["active"] for p in players] == [True, True, False]


def test_undealt_secrets_are_dealt_to_nobody_yet() -> None:
    """In round 1 the secrets of rounds 2 and 3 have been dealt to no one."""
    secrets = views.facilitator_view(board())["secrets"]
    assert {s["id"]: len(s["dealt_to"]) for s in secrets if s["round"] > 1} == {
        f"{role.value}-{r}": 0 for role in (IN, RA, AM) for r in (2, 3)
    }
    assert all(s["dealt_to"] == [] for s in secrets if s["round"] > 1)


def test_after_a_rebalance_the_card_shows_only_the_new_roles_secret() -> None:
    """A player moved to another role in round 2 keeps both round-2 secrets in 'Wat je
    weet', but the role card shows only the one of the role held now."""
    clock = Clock()
    state = room_with_players([IN] * 6)
    gone = [p.id for p in state.players if p.rotation == state.players[0].rotation]
    for pid in gone:
        state = do(state, A.Leave(actor=pid, at=clock()))
    state = step(state, clock)
    state = step(state, clock)  # round 2 play, still unbalanced
    result = rules.apply(state, A.RebalanceRoles(actor=F, at=clock()))
    assert isinstance(result, rules.Accepted)
    moved = [
        r.player_id
        for r in result.events[0].rotations  # type: ignore[union-attr]
        if r.rotation[1] != state.player(r.player_id).rotation[1]  # type: ignore[union-attr]
    ]
    assert moved
    after = result.state
    pid = moved[0]
    now = after.player(pid).rotation[1]  # type: ignore[union-attr]
    card = views.role_view(after, pid)
    assert card is not None
    assert [s["id"] for s in card["card"]["secrets"]] == [f"{now.value}-2"]  # type: ignore[union-attr]
    known = [(k["round"], k["role"]) for k in views.personal_view(after, pid)["known_secrets"]]
    assert len(known) == 3 and known[-1] == (2, now.value)  # type: ignore[union-attr]
