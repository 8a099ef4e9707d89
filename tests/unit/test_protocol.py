"""The socket protocol's checks before the engine, and its document that cannot drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from game.codes import ServerCode
from game.engine import codec
from game.web import protocol
from game.web.protocol import ConnectAuth, ProtocolError

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def code_of(payload: Any, **kwargs: Any) -> str:
    with pytest.raises(ProtocolError) as caught:
        protocol.check_action(payload, **kwargs)
    return caught.value.code


def test_a_well_formed_action_passes_and_loses_only_its_key() -> None:
    """type, key and the action's fields pass; the engine gets the fields without the key."""
    checked = protocol.check_action({"type": "post_card", "text": "Hallo", "key": "k-1"})
    assert checked.key == "k-1"
    assert protocol.action_fields(checked) == {"type": "post_card", "text": "Hallo"}
    stepped = protocol.check_action({"type": "next_phase", "key": "k", "expected_version": 7})
    assert protocol.action_fields(stepped) == {"type": "next_phase", "expected_version": 7}


@pytest.mark.parametrize("payload", [None, [], ["action"], "post_card", 42, True])
def test_what_is_not_an_object_is_refused(payload: Any) -> None:
    """Only a JSON object can be a message."""
    assert code_of(payload) == ServerCode.NOT_AN_OBJECT


def test_a_message_over_the_size_limit_is_refused() -> None:
    """8 KB of JSON is the most a browser may send; the detail says so."""
    payload = {"type": "post_card", "key": "k", "text": "é" * 5000}  # 10 KB in UTF-8
    assert code_of(payload) == ServerCode.MESSAGE_TOO_BIG
    assert code_of({"type": "post_card", "key": "k", "text": "x" * 200}, max_bytes=100) == (
        ServerCode.MESSAGE_TOO_BIG
    )


@pytest.mark.parametrize("kind", ["drop_table", "", None, 5, ["post_card"], "join"])
def test_an_unknown_action_type_is_refused(kind: Any) -> None:
    """Only the engine's action types; join is made by the server, never sent by a browser."""
    assert code_of({"type": kind, "key": "k"}) == ServerCode.UNKNOWN_ACTION


def test_an_action_without_a_key_is_refused() -> None:
    """Without an idempotency key a resent message could be applied twice."""
    assert code_of({"type": "post_card", "text": "x"}) == ServerCode.MISSING_KEY
    assert code_of({"type": "post_card", "text": "x", "key": None}) == ServerCode.MISSING_KEY


@pytest.mark.parametrize(
    "extra",
    [
        {"key": 5},
        {"key": ""},
        {"key": "k" * 65},
        {"key": "k", "expected_version": "3"},
        {"key": "k", "expected_version": True},
        {"key": "k", "expected_version": -1},
    ],
)
def test_envelope_fields_of_the_wrong_type_or_size_are_refused(extra: dict[str, Any]) -> None:
    """key is 1-64 characters; expected_version a whole number, never a string or a bool."""
    with pytest.raises(ProtocolError) as caught:
        protocol.check_action({"type": "next_phase", **extra})
    assert caught.value.code == ServerCode.BAD_FIELD
    assert caught.value.detail["fields"]


@pytest.mark.parametrize(
    "auth",
    [
        None,
        {},
        {"room": ""},
        {"room": "r", "token": 5},
        {"room": "r", "last_seq": -1},
        {"room": "r", "lang": "de"},
        {"room": "r", "extra": 1},
    ],
)
def test_malformed_connect_auth_is_refused(auth: Any) -> None:
    """The auth object must name a room; token, last_seq and lang have their types."""
    with pytest.raises(ProtocolError):
        protocol.check(ConnectAuth, auth)


def test_connect_auth_defaults_to_the_big_screen_in_dutch() -> None:
    """No token is the big screen; no language is Dutch."""
    checked = protocol.check(ConnectAuth, {"room": "r1"})
    assert (checked.token, checked.last_seq, checked.lang) == (None, 0, "nl")


def test_every_action_type_of_the_engine_is_known_and_documented() -> None:
    """The protocol accepts exactly the engine's browser actions, and the doc lists each."""
    assert protocol.action_types() == frozenset(codec.action_types())
    text = protocol.render_doc()
    for kind in codec.action_types():
        assert f"| `{kind}` |" in text


def test_docs_protocol_md_is_generated_from_the_code() -> None:
    """docs/protocol.md equals `rolwissel protocol-doc` output: run it after a change."""
    assert DOC.read_text(encoding="utf-8") == protocol.render_doc()
