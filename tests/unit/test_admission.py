"""The caps on connections and keyless sessions, counted per address and in total."""

from __future__ import annotations

from game.codes import ServerCode
from game.web.admission import (
    REFUSAL_ROOM,
    REFUSAL_ROOM_PER_ADDRESS,
    SESSION_KEY,
    Admission,
    Limits,
)

LIMITS = Limits(
    connections=20, connections_per_address=4, pending=5, pending_per_address=2, auth_timeout=5
)


def test_connections_over_a_cap_are_refused_then_dropped() -> None:
    """Per address: the cap, then refusals (answered), then closed unanswered; a connection
    that closes frees its place."""
    admission = Admission(LIMITS)
    tickets = [admission.open_connection("10.0.0.1") for _ in range(4)]
    assert all(t is not None and t.refusal is None for t in tickets)
    refused = [admission.open_connection("10.0.0.1") for _ in range(REFUSAL_ROOM_PER_ADDRESS)]
    assert all(t is not None and t.refusal == ServerCode.TOO_MANY_CONNECTIONS for t in refused)
    assert admission.open_connection("10.0.0.1") is None
    other = admission.open_connection("10.0.0.2")
    assert other is not None and other.refusal is None  # another address is not touched
    for ticket in refused:
        assert ticket is not None
        admission.close_connection(ticket)
    first = tickets[0]
    assert first is not None
    admission.close_connection(first)
    again = admission.open_connection("10.0.0.1")
    assert again is not None and again.refusal is None
    assert admission.take_refused() == {
        ServerCode.TOO_MANY_CONNECTIONS: REFUSAL_ROOM_PER_ADDRESS,
        "dropped": 1,
    }


def test_the_total_cap_refuses_with_server_busy() -> None:
    """Over MAX_CONNECTIONS every address gets server_busy, and far over it nothing at all."""
    admission = Admission(LIMITS)
    for n in range(20):
        ticket = admission.open_connection(f"10.0.1.{n}")
        assert ticket is not None and ticket.refusal is None
    busy = admission.open_connection("10.0.2.1")
    assert busy is not None and busy.refusal == ServerCode.SERVER_BUSY
    for n in range(REFUSAL_ROOM - 1):
        admission.open_connection(f"10.0.3.{n}")
    assert admission.open_connection("10.0.4.1") is None


def test_behind_a_proxy_the_per_address_cap_is_off() -> None:
    """Every connection comes from the proxy: only the total counts."""
    limits = Limits.from_config(
        {
            "TRUSTED_PROXIES": 1,
            "MAX_CONNECTIONS": 10,
            "MAX_CONNECTIONS_PER_ADDRESS": 2,
            "MAX_PENDING": 5,
            "MAX_PENDING_PER_ADDRESS": 2,
            "AUTH_TIMEOUT": 5.0,
        }
    )
    admission = Admission(limits)
    tickets = [admission.open_connection("10.0.0.9") for _ in range(10)]
    assert all(t is not None and t.refusal is None for t in tickets)
    assert limits.pool_size > limits.connections


def test_pending_sessions_are_capped_and_a_key_frees_their_place() -> None:
    """Keyless sessions: per address, then in total; one that shows a key no longer counts."""
    admission = Admission(LIMITS)
    first = admission.session_opened("s1", "10.0.0.1", "nl")
    admission.session_opened("s2", "10.0.0.1", "nl")
    assert admission.session_refusal("10.0.0.1") == ServerCode.TOO_MANY_CONNECTIONS
    admission.key_shown({SESSION_KEY: first})
    assert admission.session_refusal("10.0.0.1") is None
    for n in range(4):
        admission.session_opened(f"t{n}", f"10.0.1.{n}", "nl")
    assert admission.session_refusal("10.0.9.9") == ServerCode.SERVER_BUSY
    admission.session_closed("t0")
    assert admission.session_refusal("10.0.9.9") is None
    assert admission.counts()["pending"] == 4


def test_overdue_sessions_are_found_once_in_deadline_order() -> None:
    """After AUTH_TIMEOUT a pending session is overdue (once); one with a key never is."""
    now = [100.0]
    admission = Admission(LIMITS, clock=lambda: now[0])
    keyed = admission.session_opened("a", "10.0.0.1", "nl")
    admission.session_opened("b", "10.0.0.2", "en")
    now[0] = 102.0
    admission.session_opened("c", "10.0.0.3", "nl")
    admission.session_admitted(keyed)
    now[0] = 105.5
    assert [s.eio_sid for s in admission.overdue()] == ["b"]
    assert admission.overdue() == []
    now[0] = 107.5
    assert [s.eio_sid for s in admission.overdue()] == ["c"]
