"""Turning actions, events and states into JSON and back, with strict checks on input."""

import json
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from game.engine.actions import AnyAction
from game.engine.events import AnyEvent
from game.engine.state import RoomState

# Tagged by their `type` field, so a bad message is judged against one action, not all.
_ACTIONS: TypeAdapter[AnyAction] = TypeAdapter(Annotated[AnyAction, Field(discriminator="type")])
_EVENTS: TypeAdapter[AnyEvent] = TypeAdapter(Annotated[AnyEvent, Field(discriminator="type")])
_STATE: TypeAdapter[RoomState] = TypeAdapter(RoomState)

# Actions a browser may send over the socket. A join is made by the server (it chooses
# the player id), so it never comes from a message.
SERVER_ONLY = frozenset({"join"})


class BadMessage(ValueError):
    """A message that is not a well-formed action; `problems` says where and what."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def action_from_message(payload: Any, actor: str, at: int) -> AnyAction:
    """Check a browser's message strictly and make it an action by `actor` at time `at`."""
    if not isinstance(payload, dict):
        raise BadMessage(["the message is not an object"])
    kind = payload.get("type")
    if isinstance(kind, str) and kind in SERVER_ONLY:
        raise BadMessage([f"type: {kind} cannot be sent over the socket"])
    fields = {k: v for k, v in payload.items() if k not in ("key", "actor", "at")}
    try:
        raw = json.dumps({**fields, "actor": actor, "at": at}, allow_nan=False)
    except (TypeError, ValueError):  # bytes, NaN and the like: not plain JSON
        raise BadMessage(["the message is not plain JSON"]) from None
    try:
        # JSON mode in strict mode: no "5" for 5, no 1 for true, enums by their value.
        return _ACTIONS.validate_json(raw, strict=True)
    except ValidationError as error:
        raise BadMessage(
            [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
        ) from None


def action_types() -> list[str]:
    """Every action type a browser may send."""
    schema = _ACTIONS.json_schema()
    names = [
        d["properties"]["type"]["const"]
        for d in schema["$defs"].values()
        if "type" in d.get("properties", {})
    ]
    return sorted(n for n in names if n not in SERVER_ONLY)


def action_schema() -> dict[str, Any]:
    """The JSON schema of every action, for the protocol documentation."""
    return _ACTIONS.json_schema()


def event_to_json(event: AnyEvent) -> dict[str, Any]:
    data: dict[str, Any] = _EVENTS.dump_python(event, mode="json")
    return data


def event_from_json(data: dict[str, Any]) -> AnyEvent:
    return _EVENTS.validate_python(data)


def state_to_json(state: RoomState) -> dict[str, Any]:
    data: dict[str, Any] = _STATE.dump_python(state, mode="json")
    return data


def state_from_json(data: dict[str, Any]) -> RoomState:
    return _STATE.validate_python(data)
