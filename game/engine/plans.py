"""Session plans: a whole workshop of 60, 90 or 120 minutes, step by step.

A plan says how long each step takes: the welcome, reading the case, the four rounds with
their reflections, the vote and the debrief. The start page offers them and shows the whole
session's length; the console's suggested timer for a step comes from the room's plan (a
room without a plan uses the scenario's minutes per round). Pure data, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.words import N_, gettext

# (the step's key, its round (0: outside the rounds), its phase in the game or "" for a
# step the game has no screen for)
_STEPS: tuple[tuple[str, int, str], ...] = (
    ("welcome", 0, ""),
    ("case", 0, "lobby"),
    ("play-1", 1, "play"),
    ("reflection-1", 1, "reflection"),
    ("play-2", 2, "play"),
    ("reflection-2", 2, "reflection"),
    ("play-3", 3, "play"),
    ("reflection-3", 3, "reflection"),
    ("scoring-4", 4, "scoring"),
    ("play-4", 4, "play"),
    ("decision-4", 4, "decision"),
    ("reflection-4", 4, "reflection"),
    ("debrief", 0, "closed"),
)

# What happens in each kind of step: English msgids, translated through game.words.
TITLES: dict[str, str] = {
    "welcome": N_("Welcome and explanation"),
    "case": N_("Reading the case"),
    "play": N_("Round {round}: play"),
    "reflection": N_("Round {round}: reflection"),
    "scoring": N_("Round 4: scoring the options"),
    "decision": N_("Round 4: the proposal and the vote"),
    "debrief": N_("The debrief"),
}


@dataclass(frozen=True)
class PlanStep:
    key: str
    round: int
    phase: str
    minutes: int

    def title(self, lang: str) -> str:
        """What happens in this step, in Dutch or English."""
        kind = self.key.split("-")[0]
        return gettext(TITLES[kind], lang).format(round=self.round)


@dataclass(frozen=True)
class Plan:
    """A session of `total_minutes`, with minutes per step. The scoring step (only for a
    case with fixed options) takes its minutes from round 4's play."""

    total_minutes: int
    minutes: tuple[int, ...]  # one per step of _STEPS, scoring included

    def steps(self, has_options: bool = True) -> list[PlanStep]:
        """The steps in order; without options, scoring's minutes go to round 4's play."""
        out = []
        scoring = dict(zip((k for k, _, _ in _STEPS), self.minutes, strict=True))["scoring-4"]
        for (key, round_number, phase), minutes in zip(_STEPS, self.minutes, strict=True):
            if key == "scoring-4" and not has_options:
                continue
            if key == "play-4" and not has_options:
                minutes += scoring
            out.append(PlanStep(key, round_number, phase, minutes))
        return out

    def timers(self, has_options: bool = True) -> dict[str, int]:
        """The suggested timer per game step in seconds, keyed "round-phase" ("2-play")."""
        return {
            f"{s.round}-{s.phase}": s.minutes * 60 for s in self.steps(has_options) if s.round >= 1
        }


def _plan(total: int, *minutes: int) -> Plan:
    assert sum(minutes) == total, (total, sum(minutes))
    return Plan(total, minutes)


#                     welcome case  play/refl 1-3      score play4 vote refl4 debrief
PLANS: dict[int, Plan] = {
    60: _plan(60, 4, 5, 7, 2, 7, 2, 7, 2, 3, 5, 6, 2, 8),
    90: _plan(90, 5, 8, 12, 3, 12, 3, 12, 3, 4, 8, 10, 3, 7),
    120: _plan(120, 8, 10, 16, 4, 16, 4, 16, 4, 5, 10, 12, 4, 11),
}
DEFAULT_PLAN = 90


def plan_for(minutes: int | None) -> Plan:
    """The plan of a length (60, 90 or 120 minutes); any other value gives the default."""
    return PLANS.get(minutes or DEFAULT_PLAN, PLANS[DEFAULT_PLAN])
