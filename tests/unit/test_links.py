"""Join links and QR codes: which Host headers may choose their address."""

from __future__ import annotations

import socket

from game.web.links import host_allowed, host_name


def test_host_names_lose_their_port_and_brackets() -> None:
    """`[::1]:5000` is ::1, `Example.NL:80` is example.nl, a bare IPv6 address stays whole."""
    assert host_name("[::1]:5000") == "::1"
    assert host_name("Example.NL:80") == "example.nl"
    assert host_name("fe80::1") == "fe80::1"


def test_only_loopback_own_names_and_the_allow_list_are_trusted() -> None:
    """Loopback, this machine's name, the address the request arrived on and ALLOWED_HOSTS
    pass; anything else (also a name that merely starts like one) does not."""
    arrived = "192.0.2.10"
    for host in (
        "localhost:5000",
        "127.0.0.1",
        "[::1]:80",
        "192.0.2.10:5000",
        socket.gethostname(),
    ):
        assert host_allowed(host, arrived), host
    assert host_allowed("spel.gemeente.nl:8443", arrived, ("spel.gemeente.nl",))
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost.evil", "", "192.0.2.11"):
        assert not host_allowed(host, arrived, ("spel.gemeente.nl",)), host
