"""A seat without a phone: the facilitator adds a player on paper and types for them; the
paper player counts like anyone; the printed sheet holds only the secrets dealt to them, and
the table kit holds the case, the questions, the timetable, the vote and ballots."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdf
import pytest

from game.engine import actions as A
from game.engine import events as E
from game.engine import rules, views
from game.engine.decision import decide
from game.engine.errors import ErrorCode
from game.engine.plans import PLANS, plan_for
from game.engine.roles import Role
from game.engine.state import FACILITATOR, STEP_GUARD_MS, Phase, RoomState, VoteChoice
from game.engine.wording import threshold_text
from game.exports.paper import kit_pdf, sheet_pdf
from game.scenarios.loader import default_folder, load_folder

F = FACILITATOR
T0 = 1_700_000_000_000
SCENARIOS = load_folder(default_folder())
PAPER = "papier-1"


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of white space as one space (lines wrap anywhere)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def one_line(text: str) -> str:
    return " ".join(text.split())


class Table:
    """A room driven step by step, each action a little later than the one before."""

    def __init__(self, scenario_id: str) -> None:
        self.state = rules.create_room("r1", SCENARIOS[scenario_id], T0).state
        self.events: list[E.AnyEvent] = []

    def at(self) -> int:
        return T0 + (STEP_GUARD_MS + 1000) * (self.state.version + 1)

    def do(self, action: A.AnyAction) -> RoomState:
        result = rules.apply(self.state, replace(action, at=self.at()))
        assert isinstance(result, rules.Accepted), result
        self.state = result.state
        self.events.extend(result.events)
        return self.state

    def refused(self, action: A.AnyAction) -> ErrorCode:
        result = rules.apply(self.state, replace(action, at=self.at()))
        assert isinstance(result, rules.Rejected), result
        return result.code

    def next(self) -> None:
        self.do(A.NextPhase(actor=F, at=0))


def seated_table(scenario_id: str = "buurtkamer-bibliotheek") -> Table:
    """Three players with phones (one per home role) and one resident on paper, started."""
    table = Table(scenario_id)
    for n, role in enumerate(Role, start=1):
        table.do(A.Join(actor=f"p{n}", at=0, player_id=f"p{n}", name=f"Speler {n}", home_role=role))
    table.do(A.AddPaperPlayer(actor=F, at=0, name="Truus zonder telefoon", home_role=Role.INWONER))
    return table


def play_to_the_vote(table: Table) -> None:
    """Cards and reflections in rounds 1-3 for everyone, the paper player's typed for them."""
    table.next()  # start
    for round_number in (1, 2, 3):
        for actor in ("p1", "p2", "p3"):
            table.do(A.PostCard(actor=actor, at=0, text=f"Kaart {round_number} van {actor}"))
        table.do(
            A.PostCard(actor=F, at=0, text=f"Kaart {round_number} van Truus", for_player=PAPER)
        )
        table.next()  # reflection
        table.do(A.SaveReflection(actor=F, at=0, text="Ik zag het anders", for_player=PAPER))
        table.next()
    while table.state.phase != Phase.DECISION:
        table.next()
    table.do(A.DraftProposal(actor=F, at=0, text="Ja, mits de buurt meebeslist."))
    table.do(A.OpenVote(actor=F, at=0))


def test_a_game_with_a_paper_player_reaches_gedragen() -> None:
    """The paper player rotates through the three roles, is dealt secrets, and their vote,
    typed by the facilitator, counts: the decision is gedragen with four votes."""
    table = seated_table()
    play_to_the_vote(table)
    paper = table.state.player(PAPER)
    assert paper is not None and paper.on_paper
    assert sorted(r.value for r in paper.rotation if r) == sorted(r.value for r in Role)
    assert {d.round for d in table.state.dealt_to(PAPER)} == {1, 2, 3}
    for actor in ("p1", "p2", "p3"):
        table.do(A.CastVote(actor=actor, at=0, choice=VoteChoice.EENS))
    table.do(A.CastVote(actor=F, at=0, choice=VoteChoice.EENS, for_player=PAPER))
    table.do(A.CloseVote(actor=F, at=0))
    ballot = table.state.current_ballot()
    assert ballot is not None and len(ballot.votes) == 4
    result = decide(table.state, ballot)
    assert result.gedragen
    inwoners = next(g for g in result.groups if g.role == Role.INWONER)
    assert inwoners.members == 2 and inwoners.eens == 2


def test_what_the_facilitator_types_is_marked_via_de_spelleider() -> None:
    """Cards, reflections and the vote typed for a paper player are marked in the log; the
    console and the board see the mark on the card, and the player list says 'on paper'."""
    table = seated_table()
    play_to_the_vote(table)
    table.do(A.CastVote(actor=F, at=0, choice=VoteChoice.EENS, for_player=PAPER))
    typed = [e for e in table.events if getattr(e, "via_facilitator", False)]
    assert {type(e) for e in typed} == {E.CardPosted, E.ReflectionSaved, E.VoteCast}
    assert all(getattr(e, "author_id", PAPER) == PAPER for e in typed)
    own = [e for e in table.events if isinstance(e, E.CardPosted) and e.author_id == "p1"]
    assert own and not any(e.via_facilitator for e in own)
    console = views.facilitator_view(table.state)
    marked = {c["text"] for c in console["cards"] if c["via_facilitator"]}
    assert marked == {f"Kaart {n} van Truus" for n in (1, 2, 3)}
    public = views.public_view(table.state)
    assert [p["on_paper"] for p in public["players"]] == [False, False, False, True]
    assert [p["on_paper"] for p in console["overview"]] == [False, False, False, True]
    timeline = views.public_timeline(table.events)
    assert sum(1 for t in timeline if t.get("via_facilitator")) == 3


def test_nobody_but_the_facilitator_types_for_a_paper_player_and_only_for_them() -> None:
    """A player cannot act for the paper player; the facilitator cannot act for a player with
    a phone, nor for someone who left; a refusal changes nothing."""
    table = seated_table()
    table.next()
    before = table.state
    card = A.PostCard(actor="p1", at=0, text="Hoi", for_player=PAPER)
    assert table.refused(card) == ErrorCode.NOT_FACILITATOR
    assert table.refused(replace(card, actor=F, for_player="p2")) == ErrorCode.NOT_ON_PAPER
    assert table.refused(replace(card, actor=F, for_player="nobody")) == ErrorCode.NOT_ON_PAPER
    assert table.refused(replace(card, actor=F, for_player=None)) == ErrorCode.NOT_A_PLAYER
    assert table.state == before
    assert table.refused(A.AddPaperPlayer(actor="p1", at=0, name="X", home_role=Role.INWONER)) == (
        ErrorCode.NOT_FACILITATOR
    )
    table.do(A.RemovePlayer(actor=F, at=0, player_id=PAPER))
    assert table.refused(replace(card, actor=F)) == ErrorCode.NOT_ON_PAPER


def test_a_second_paper_player_gets_their_own_seat_and_a_late_one_is_dealt_at_once() -> None:
    """Paper seats are numbered from the log; one added during round 1 is placed and dealt."""
    table = seated_table()
    table.next()
    table.do(A.AddPaperPlayer(actor=F, at=0, name="Kees", home_role=Role.RAADSLID))
    late = table.state.player("papier-2")
    assert late is not None and late.on_paper and late.rotation[0] is not None
    assert [d.round for d in table.state.dealt_to("papier-2")] == [1]
    assert table.refused(A.AddPaperPlayer(actor=F, at=0, name="kees", home_role=Role.INWONER)) == (
        ErrorCode.NAME_TAKEN
    )


def _every_secret(scenario_id: str) -> dict[str, str]:
    """Every secret of a scenario in both languages, by id and language."""
    scenario = SCENARIOS[scenario_id]
    return {
        f"{s.id}/{lang}": s.text.get(lang)
        for card in scenario.roles.values()
        for s in card.secrets
        for lang in ("nl", "en")
    }


def _check_sheet(table: Table, scenario_id: str, lang: str) -> None:
    """The sheet's text holds each secret dealt to the paper player in `lang`, and no secret
    that was not dealt to them, in any language."""
    sheet = views.paper_sheet(table.state, PAPER)
    assert sheet is not None
    text = pdf_text(sheet_pdf(sheet, lang))
    assert "Truus zonder telefoon" in text
    dealt = {d.secret_id for d in table.state.dealt_to(PAPER)}
    for key, secret in _every_secret(scenario_id).items():
        secret_id, secret_lang = key.split("/")
        if secret_id not in dealt:
            assert one_line(secret) not in text, (key, table.state.round)
        elif secret_lang == lang:
            assert one_line(secret) in text, (key, table.state.round)


def test_the_sheet_holds_only_the_secrets_dealt_so_far_at_every_round() -> None:
    """In the lobby and in each of rounds 1-3, in both languages, the printed sheet holds the
    secrets dealt to the paper player so far and none of the scenario's others."""
    scenario_id = "buurtkamer-bibliotheek"
    table = seated_table(scenario_id)
    for round_number in (0, 1, 2, 3):
        assert table.state.round == round_number
        assert len(table.state.dealt_to(PAPER)) == round_number
        for lang in ("nl", "en"):
            _check_sheet(table, scenario_id, lang)
        table.next()
        if table.state.phase == Phase.REFLECTION:
            table.next()


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_every_cases_sheet_holds_no_undealt_secret(scenario_id: str) -> None:
    """After round 3, each shipped case's sheet holds the paper player's three secrets and
    none of the six others."""
    table = seated_table(scenario_id)
    while table.state.round < 4:
        table.next()
    assert len(table.state.dealt_to(PAPER)) == 3
    _check_sheet(table, scenario_id, "nl")


def test_only_a_paper_player_has_a_sheet() -> None:
    """A player with a phone has no paper sheet view (so no PDF can be made for them)."""
    table = seated_table()
    assert views.paper_sheet(table.state, "p1") is None
    assert views.paper_sheet(table.state, "nobody") is None


@pytest.mark.parametrize("minutes", sorted(PLANS))
def test_the_kit_holds_case_questions_timetable_vote_and_ballots(minutes: int) -> None:
    """The kit's text: the case, the four round questions, the plan's timetable with its
    whole length, the vote explained with the threshold, and empty ballots; no secret."""
    scenario = SCENARIOS["windmolens-oudervaart"]
    text = pdf_text(kit_pdf(views.scenario_public(scenario), plan_for(minutes), "nl"))
    assert one_line(scenario.title.nl) in text
    assert one_line(scenario.situation.nl)[:200] in text
    for spec in scenario.rounds:
        assert one_line(spec.question.nl) in text
    assert f"Het tijdschema ({minutes} minuten)" in text
    assert "De nabespreking" in text and "Ronde 2: terugblik" in text
    assert "Eens met bedenkingen" in text
    assert f"minstens {threshold_text(scenario.threshold, 'nl')} eens" in text
    assert text.count("Stembriefje ") == 6
    for secret in _every_secret("windmolens-oudervaart").values():
        assert one_line(secret) not in text


def test_every_plan_adds_up_to_its_length() -> None:
    """Each plan's steps add up to its whole length, with or without fixed options."""
    for minutes, plan in PLANS.items():
        for has_options in (True, False):
            assert sum(s.minutes for s in plan.steps(has_options)) == minutes
        assert plan.timers(False)["2-play"] == plan.steps(False)[4].minutes * 60


def test_the_rooms_plan_sets_the_suggested_timer_per_step() -> None:
    """A room on the 60-minute plan suggests the plan's minutes per step; a room without a
    plan suggests the scenario's own minutes per round."""
    from game.engine.state import Settings

    scenario = SCENARIOS["buurtkamer-bibliotheek"]
    planned = rules.create_room("r1", scenario, T0, Settings(plan_minutes=60)).state
    plan = views.public_view(planned)["plan"]
    assert plan["minutes"] == 60
    assert plan["timers"] == PLANS[60].timers(bool(scenario.options))
    assert plan["timers"]["1-reflection"] == 2 * 60
    plain = views.public_view(rules.create_room("r2", scenario, T0).state)["plan"]
    assert plain["minutes"] is None
    assert plain["timers"]["2-play"] == scenario.rounds[1].minutes * 60


def test_the_summary_timeline_marks_what_was_typed_via_de_spelleider() -> None:
    """The printed timeline says a player joined on paper and which cards the facilitator
    typed for them; the cards of players with a phone are not listed."""
    from game.exports.summary import build_summary
    from game.exports.wording import timeline_lines

    table = seated_table()
    play_to_the_vote(table)
    summary = build_summary(table.state, table.events)
    lines = [sentence for _, sentence in timeline_lines(summary, "nl")]
    assert "Een speler op papier doet mee (de spelleider typt voor deze speler)" in lines
    typed = [line for line in lines if line.endswith("getypt via de spelleider")]
    assert len(typed) == 3
    english = [sentence for _, sentence in timeline_lines(summary, "en")]
    assert sum(1 for line in english if line.endswith("typed via the workshop leader")) == 3
