"""The message gate's readers: they accept nothing python-socketio or python-engineio would
raise on, and they refuse deep nesting, non-finite numbers and lone surrogates."""

from __future__ import annotations

import pytest
from engineio import packet as eio_packet
from hypothesis import given
from socketio import packet as sio_packet

from game.web.wiregate import (
    MAX_DEPTH,
    engineio_text_ok,
    parse_json,
    polling_payload_ok,
    read_header,
    storable,
    too_deep,
)
from strategies import socketio_packets


def test_depth_is_counted_outside_strings_only() -> None:
    """Brackets inside strings do not count; MAX_DEPTH levels pass, one more does not."""
    assert not too_deep("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert too_deep("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert too_deep('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))
    assert not too_deep('["' + "[" * 5000 + '"]')
    assert not too_deep('["\\"' + "{" * 5000 + '"]')  # an escaped quote does not end the string


@pytest.mark.parametrize(
    "text", ["NaN", "[Infinity]", "[-Infinity]", "[1e999]", "9" * 5000, "[" * 1000, "{"]
)
def test_parse_json_refuses_what_is_not_strict_json(text: str) -> None:
    """Non-finite numbers, overflowing ones, nesting too deep and broken JSON are ValueErrors."""
    with pytest.raises(ValueError):
        parse_json(text)


def test_lone_surrogates_cannot_be_stored_but_pairs_can() -> None:
    """A lone surrogate (half an emoji) is not storable; a whole emoji is."""
    assert not storable(parse_json('["x\\ud800"]'))
    assert not storable({parse_json('"\\udc00"'): 1})
    assert storable(parse_json('["\\ud83d\\ude00"]'))


def test_engineio_packets_python_engineio_would_choke_on_are_refused() -> None:
    """Empty text, an unknown type, base64 in text, or deep JSON after the type are refused."""
    assert engineio_text_ok("2probe") and engineio_text_ok('42["action",{}]')
    for bad in ("", "b" + "AAAA", "x", "4" + "[" * 1000, "4{" * 500):
        assert not engineio_text_ok(bad), bad
    for text in ("2probe", "3", '42["a"]', "5", "6", "1"):
        eio_packet.Packet(encoded_packet=text)  # the accepted ones decode


def test_polling_bodies_must_be_utf8_engineio_packets() -> None:
    """A long-polling body: UTF-8, at most 16 packets, each of a type a client may send."""
    assert polling_payload_ok(b'40\x1e42["action",{}]') and polling_payload_ok(b"")
    for bad in (b"\xff", b"d=40", b"2", b"6", b"0{}", b"bAAAA", b"4\x1e" * 17 + b"4", b"4\x1e"):
        assert not polling_payload_ok(bad), bad


@given(socketio_packets)
def test_the_gate_reads_headers_as_python_socketio_does(text: str) -> None:
    """Whatever read_header accepts with readable JSON, python-socketio decodes without an
    exception, to the same type, namespace and ack id."""
    header = read_header(text)
    if header is None:
        return
    if header.body:
        try:
            parse_json(header.body)
        except ValueError:
            return  # refused by the gate
    decoded = sio_packet.Packet()
    attachments = decoded.decode(text)
    assert (decoded.packet_type, decoded.id, attachments) == (
        header.kind,
        header.ack,
        header.attachments,
    )
    assert (decoded.namespace or "/") == header.namespace
