"""Small builders for tests: a scenario with distinctive secrets, and a started room."""

from game.engine import actions as A
from game.engine import rules
from game.engine.roles import Role
from game.engine.state import FACILITATOR, RoomState
from game.scenarios.schema import Scenario

T0 = 1_700_000_000_000  # a fixed server time in ms: the engine never reads a clock


def text(nl: str, en: str | None = None) -> dict[str, str]:
    return {"nl": nl, "en": en or f"{nl} (en)"}


def secret_text(role: Role, n: int) -> dict[str, str]:
    return text(f"GEHEIM-{role.value}-{n}-zilvervos", f"SECRET-{role.value}-{n}-silverfox")


def make_scenario(*, options: int = 0, threshold: str = "2/3") -> Scenario:
    """A complete scenario whose secrets are unique strings a test can search for."""
    roles = {
        role.value: {
            "title": text(f"Titel {role.value}"),
            "who": text(f"Wie {role.value}"),
            "values": text(f"Waarden {role.value}"),
            "wants": text(f"Wil {role.value}"),
            "fears": text(f"Vreest {role.value}"),
            # One secret per round, dealt to whoever holds the role in that round; the
            # round-2 secrets stay private after the game.
            "secrets": [
                {
                    "id": f"{role.value}-{n}",
                    "round": n,
                    "text": secret_text(role, n),
                    "revealed_at_debrief": n != 2,
                }
                for n in (1, 2, 3)
            ],
        }
        for role in Role
    }
    rounds = [
        {
            "lens": text(f"Lens {n}"),
            "question": text(f"Vraag {n}"),
            "card_prompt": text(f"Kaart {n}"),
            "minutes": 15,
        }
        for n in range(1, 5)
    ]
    return Scenario.model_validate(
        {
            "id": "testcasus",
            "title": text("Testcasus"),
            "summary": text("Een casus voor tests"),
            "situation": text("De situatie"),
            "roles": roles,
            "rounds": rounds,
            "options": [
                {
                    "id": f"optie-{n}",
                    "title": text(f"Optie {n}"),
                    "description": text(f"Uitleg {n}"),
                }
                for n in range(1, options + 1)
            ],
            "threshold": threshold,
            "debrief_questions": [text("Wat viel je op?")],
        }
    )


def do(state: RoomState, action: A.AnyAction) -> RoomState:
    """Apply an action that must be accepted, and return the new state."""
    result = rules.apply(state, action)
    assert isinstance(result, rules.Accepted), result
    return result.state


def room_with_players(homes: list[Role], *, started: bool = True, options: int = 0) -> RoomState:
    """A room with one player per home role given (ids p1, p2, ...), optionally started."""
    state = rules.create_room("room-1", make_scenario(options=options), T0).state
    for n, home in enumerate(homes, start=1):
        state = do(
            state,
            A.Join(actor=f"p{n}", at=T0 + n, player_id=f"p{n}", name=f"Speler {n}", home_role=home),
        )
    if started:
        state = do(state, A.Start(actor=FACILITATOR, at=T0 + 100))
    return state
