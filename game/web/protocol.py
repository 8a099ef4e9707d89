"""The socket protocol, defined once: what a browser may send, what the server sends back.

`docs/protocol.md` is generated from this module (`rolwissel protocol-doc`), and a test fails
when the two differ, so the document cannot drift from the code.

Every message from a browser passes `check_action` (or the model of its event) before it
reaches the engine: a JSON object, at most `MAX_MESSAGE_BYTES` of JSON, a known action type,
an idempotency key. The engine then checks the game rules (lengths, phases, permissions).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from game.codes import ServerCode
from game.engine import codec
from game.languages import DEFAULT_LANGUAGE, Lang

# The largest message a browser may send, in bytes of compact JSON (the setting
# MAX_MESSAGE_BYTES may lower or raise it; this is the default).
MAX_MESSAGE_BYTES = 8 * 1024
MAX_KEY = 64


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


Key = Annotated[str, StringConstraints(min_length=1, max_length=MAX_KEY)]
RoomId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Seq = Annotated[int, Field(ge=0)]


# Client -> server


class ConnectAuth(_Strict):
    """The Socket.IO `auth` object of every connection.

    `token` is the seat token (participant), the facilitator token or the big screen's key
    (which sees only what everyone may see). No token, a wrong one or the summary's key is
    refused (`no_key`, `bad_token`): the room id alone opens nothing. `last_seq` is the last
    `version` the browser saw (0 for none).
    """

    room: RoomId
    token: Token | None = None
    last_seq: Seq = 0
    lang: Lang = DEFAULT_LANGUAGE


class ActionMessage(BaseModel):
    """Event `action`: an intention, acknowledged with `Ack` or `Refusal`.

    The action's own fields (for example `text` for `post_card`) sit next to `type`; see the
    list of action types below. `key` is made by the client, unique per intention: the same
    key sent again (after a reconnect) is acknowledged again but applied once.
    `expected_version`, when given, must equal the room's version, or the action is refused
    with `stale_version` (steering buttons send it so a double click moves on only once).
    """

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    type: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    key: Key
    expected_version: Seq | None = None


class SetLang(_Strict):
    """Event `set_lang`: from now on, sentences for this connection come in `lang`."""

    lang: Lang


class Resync(_Strict):
    """Event `resync`: send me the current state again (after a gap or a hidden tab)."""

    last_seq: Seq = 0


# Server -> client


class Ack(_Strict):
    """Reply to `action` when it was applied (or had been applied before, with this key)."""

    ok: Literal[True] = True
    version: int


class Refusal(_Strict):
    """Reply to `action`, `set_lang` or `resync` that changed nothing.

    `code` is stable (game/engine/errors.py or ServerCode); `message` is the sentence in the
    connection's language, to show as plain text.
    """

    ok: Literal[False] = False
    code: str
    message: str
    detail: dict[str, Any] = Field(default_factory=dict)


class StateMessage(_Strict):
    """Event `state`: the whole room as this viewer may see it: on connect, after a
    `resync`, and when the server cannot make a patch (a room new in that step).

    `view` comes from game/engine/views.py (`view_for`). `now` is the server's clock in
    milliseconds, so a browser can show a timer's remaining time with its own clock's offset.
    `presence` (facilitator only) says which players have a live connection: connection
    state, not game state, so it is never written to the log. `scenario` (the scenario's
    public text, `views.scenario_public`) comes only in the first `state` of a connection and
    after a `resync`: it never changes, so it is not resent with every change.

    The same first `state` (with `scenario`) also comes over HTTP, without a socket:
    `POST /api/rooms/<room id>/view` with `{"token": ..., "lang": ...}` in the body (never in
    the address). The participant page asks for it as it loads (static/js/first_view.js) and
    shows it before its socket is up; the socket then continues from that version. Refused
    as the socket's connect is (`bad_token`, `removed_from_game`, `unknown_room`,
    `room_damaged`), `bad_request` for a body of another shape, `too_many_actions` (429) over
    VIEW_LIMIT per client address. The answer is never cached (`Cache-Control: no-store`).
    """

    version: int
    now: int
    view: dict[str, Any]
    presence: dict[str, bool] | None = None
    scenario: dict[str, Any] | None = None


class PatchMessage(_Strict):
    """Event `patch`: what changed in one committed step, from version `base` to `version`.

    `ops` is an RFC 6902 JSON Patch, made from views that are already hidden (so it holds
    nothing the whole view would not). `part` "public" is sent once to the whole room; its
    paths are inside `view.public`. `part` "private" goes to one viewer whose own part
    changed (a participant's `role` and `me`, the facilitator's `facilitator`); its paths
    start at the view's root, and it comes before the public patch of the same step. No
    private patch in a step means the private part did not change. A client applies a step
    when it holds the view at `base` and has the step's public patch: the private patch
    first, then the public one, and then holds `version`. A patch whose base is ahead waits;
    when the gap does not close within a second, or a patch does not fit, the client sends
    `resync` and gets the whole `state`. `now` is the server's clock, as in `state`.

    `part` "view" is the private and the public patch of one step in one message, for a
    viewer whose own part changed: its paths start at the view's root (the public ops under
    `/public`), and that viewer's sockets do not get the step's public patch. A server of
    one process sends it instead of the two (it knows every socket of the room, and each
    message costs a trip through each socket's queue); a server behind a message queue sends
    the two. A client applies a step when it holds the view at `base` and has either the
    step's public patch (with the private one first, when there is one) or its "view" patch.
    """

    base: int
    version: int
    now: int
    part: Literal["public", "private", "view"]
    ops: list[dict[str, Any]]


class PresenceMessage(_Strict):
    """Event `presence` (facilitator only): a player came online or went offline."""

    presence: dict[str, bool]


class Notice(_Strict):
    """Event `notice`: something about the connection itself.

    `seat_taken_over`: this seat is now used on another device; stop reconnecting.
    `server_restarting`: the server stops in a moment; reconnect (Socket.IO does it by itself).
    `removed_from_game`, `left_game`, `game_deleted`: the server closes the connection right
    after; do not reconnect.
    """

    code: str
    message: str


class LinksMessage(_Strict):
    """Event `links` (facilitator and big screen only), after connect: the join code and its
    addresses. The facilitator's also carry the console, big screen and summary links with
    their keys in the fragment (`#t=`, `#k=`)."""

    room_id: str
    code: str
    join_url: str
    qr_url: str
    screen_url: str | None = None
    summary_url: str | None = None
    host_url: str | None = None


class ConnectError(_Strict):
    """What a refused connection carries: Socket.IO's `message` and `data.code`."""

    message: str
    data: dict[str, str]


@dataclass(frozen=True)
class ProtocolError(Exception):
    """A message that fails the checks before the engine: a code and what was wrong."""

    code: ServerCode
    detail: dict[str, Any] = field(default_factory=dict)


def json_size(payload: Any) -> int:
    """The size of a payload as compact JSON in UTF-8, the way it travelled."""
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def check_action(payload: Any, max_bytes: int = MAX_MESSAGE_BYTES) -> ActionMessage:
    """Check the envelope of an `action` message; raise ProtocolError with the first problem."""
    if not isinstance(payload, dict):
        raise ProtocolError(ServerCode.NOT_AN_OBJECT)
    size = json_size(payload)
    if size > max_bytes:
        raise ProtocolError(ServerCode.MESSAGE_TOO_BIG, {"max": max_bytes, "size": size})
    if payload.get("key") is None:
        raise ProtocolError(ServerCode.MISSING_KEY)
    kind = payload.get("type")
    if not isinstance(kind, str) or kind not in action_types():
        raise ProtocolError(ServerCode.UNKNOWN_ACTION)
    try:
        return ActionMessage.model_validate(payload)
    except ValidationError as error:
        raise ProtocolError(ServerCode.BAD_FIELD, {"fields": _fields(error)}) from None


def check(model: type[_Strict], payload: Any, max_bytes: int = MAX_MESSAGE_BYTES) -> Any:
    """Check a small message against its model; raise ProtocolError on a bad one."""
    if not isinstance(payload, dict):
        raise ProtocolError(ServerCode.NOT_AN_OBJECT)
    if json_size(payload) > max_bytes:
        raise ProtocolError(ServerCode.MESSAGE_TOO_BIG, {"max": max_bytes})
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise ProtocolError(ServerCode.BAD_FIELD, {"fields": _fields(error)}) from None


def action_fields(message: ActionMessage) -> dict[str, Any]:
    """The fields the engine's codec reads: everything but the envelope's key."""
    fields = {"type": message.type, **(message.model_extra or {})}
    if message.expected_version is not None:
        fields["expected_version"] = message.expected_version
    return fields


def _fields(error: ValidationError) -> list[str]:
    # Only where the problem is, never the value: it may be text someone typed.
    return sorted({".".join(str(p) for p in e["loc"]) or "(message)" for e in error.errors()})


_ACTION_TYPES: frozenset[str] | None = None


def action_types() -> frozenset[str]:
    """The action types a browser may send (the engine's, minus server-made ones)."""
    global _ACTION_TYPES
    if _ACTION_TYPES is None:
        _ACTION_TYPES = frozenset(codec.action_types())
    return _ACTION_TYPES


# The events of the protocol, in the order the documentation lists them.
CLIENT_EVENTS: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("connect", ConnectAuth, "refused with ConnectError, or followed by `state`"),
    (
        "action",
        ActionMessage,
        "acknowledged with Ack or Refusal (`too_many_actions` over the connection's rate, "
        "`server_overloaded` when the server refused it before it could be saved); then "
        "`patch` to the viewers",
    ),
    ("set_lang", SetLang, "acknowledged with {ok: true} or Refusal"),
    ("resync", Resync, "acknowledged with {ok: true}; followed by `state` to this connection"),
)
SERVER_EVENTS: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("state", StateMessage, "after connect and resync, and when no patch can be made"),
    (
        "patch",
        PatchMessage,
        "after every committed change: private (or whole-view) patches, then the public",
    ),
    ("presence", PresenceMessage, "to the facilitator when a player connects or disconnects"),
    ("links", LinksMessage, "to the facilitator and the big screen after connect"),
    (
        "notice",
        Notice,
        "seat_taken_over, removed_from_game, left_game or game_deleted (then disconnected), "
        "or server_restarting",
    ),
    (
        "refusal",
        Refusal,
        "a message that asked for no acknowledgement and could not be taken (not readable, "
        "or an unknown event); one that asked for one gets the Refusal as its acknowledgement",
    ),
)
REPLIES: tuple[type[BaseModel], ...] = (Ack, Refusal, ConnectError)


def render_doc() -> str:
    """docs/protocol.md, generated from the models above, the engine's actions and codes."""
    from game.engine.errors import ErrorCode
    from game.web.messages import sentence

    lines = [
        "# The socket protocol",
        "",
        "<!-- Generated by `rolwissel protocol-doc` from game/web/protocol.py; do not edit. -->",
        "",
        _clean(__doc__ or ""),
        "",
        "Transport: Socket.IO (python-socketio 5, JavaScript client 4) on the default",
        "namespace. Connect with `io({auth: {...}})`; the fields are below.",
        "",
        "## Client to server",
        "",
    ]
    for name, model, follows in CLIENT_EVENTS:
        lines += _model_section(f"`{name}`", model, follows)
    lines += ["## Server to client", ""]
    for name, model, follows in SERVER_EVENTS:
        lines += _model_section(f"`{name}`", model, follows)
    lines += ["## Replies", ""]
    for model in REPLIES:
        lines += _model_section(model.__name__, model, "")
    lines += [
        "## Action types",
        "",
        "Each action is sent as `action` with these fields next to `type`, `key` and the",
        "optional `expected_version`. The engine checks the game rules.",
        "",
        "| type | fields |",
        "| --- | --- |",
    ]
    schema = codec.action_schema()
    for type_name in sorted(action_types()):
        lines.append(f"| `{type_name}` | {_action_fields(schema, type_name)} |")
    lines += [
        "",
        "## Codes",
        "",
        "Every refusal and notice carries one of these codes and its sentence.",
        "",
        "| code | nl | en |",
        "| --- | --- | --- |",
    ]
    for code in [*ErrorCode, *ServerCode]:
        lines.append(f"| `{code.value}` | {sentence(code, 'nl')} | {sentence(code, 'en')} |")
    lines.append("")
    return "\n".join(lines)


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines())


def _model_section(title: str, model: type[BaseModel], follows: str) -> list[str]:
    lines = [f"### {title}", "", _clean(model.__doc__ or "")]
    if follows:
        lines += ["", f"What follows: {follows}."]
    lines += ["", "| field | type | required |", "| --- | --- | --- |"]
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    for name, spec in schema.get("properties", {}).items():
        lines.append(f"| `{name}` | {_type(spec)} | {'yes' if name in required else 'no'} |")
    return [*lines, ""]


def _type(spec: dict[str, Any]) -> str:
    if "const" in spec:
        return f"`{json.dumps(spec['const'])}`"
    if "enum" in spec:
        return " or ".join(f"`{json.dumps(v)}`" for v in spec["enum"])
    if "anyOf" in spec:
        return " or ".join(_type(s) for s in spec["anyOf"])
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    kind = spec.get("type", "any")
    limits = [
        f"{label} {spec[key]}"
        for key, label in (
            ("minLength", "min length"),
            ("maxLength", "max length"),
            ("minimum", "≥"),
            ("maximum", "≤"),
        )
        if key in spec
    ]
    return kind + (f" ({', '.join(limits)})" if limits else "")


def _action_fields(schema: dict[str, Any], type_name: str) -> str:
    for definition in schema.get("$defs", {}).values():
        properties = definition.get("properties", {})
        if properties.get("type", {}).get("const") != type_name:
            continue
        required = set(definition.get("required", ()))
        shown = [
            f"`{name}`{'' if name in required else '?'}: {_type(spec)}"
            for name, spec in properties.items()
            if name not in ("type", "actor", "at", "expected_version")
        ]
        return "; ".join(shown) or "none"
    return "none"
