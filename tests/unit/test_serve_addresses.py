"""What `rolwissel serve` prints for phones: the address on the local network, found without
sending anything, or why phones cannot reach a loopback address and how to fix that."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from game import serve


def test_the_lan_address_is_not_loopback_and_is_this_machines_own() -> None:
    """The address found is one of this machine's (a socket can bind to it), never loopback."""
    found = serve.lan_address()
    if found is None:  # a machine without any network route
        return
    assert not ipaddress.ip_address(found).is_loopback
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as own:
        own.bind((found, 0))  # only an address of this machine can be bound


def test_finding_the_lan_address_sends_no_packet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only connect() and getsockname() are used on the probe: a UDP connect sends nothing."""
    used: list[str] = []

    class Probe(socket.socket):
        def send(self, *args: object, **kwargs: object) -> int:  # type: ignore[override]
            used.append("send")
            return 0

        def sendto(self, *args: object, **kwargs: object) -> int:  # type: ignore[override]
            used.append("sendto")
            return 0

    monkeypatch.setattr(serve.socket, "socket", Probe)
    serve.lan_address()
    assert used == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"])
def test_a_loopback_host_says_phones_cannot_reach_it_and_how_to_fix_it(host: str) -> None:
    """Serving on loopback: the second line names the fix (HOST=0.0.0.0) and the address."""
    lines = serve.addresses(host, 5000, "192.168.1.20")
    assert lines[0].startswith("Rolwissel draait op http://")
    assert "niet bereikbaar" in lines[1]
    assert "HOST=0.0.0.0 make run" in lines[1]
    assert "http://192.168.1.20:5000/" in lines[1]


def test_serving_on_every_address_prints_the_loopback_and_the_lan_address() -> None:
    """HOST=0.0.0.0: the address to open here, and the one for phones on the same network."""
    assert serve.addresses("0.0.0.0", 8000, "10.0.0.7") == [
        "Rolwissel draait op http://127.0.0.1:8000/",
        "Rolwissel voor telefoons in hetzelfde netwerk (phones on this network): "
        "http://10.0.0.7:8000/ - open ook de console op dit adres, dan wijst de QR-code hierheen",
    ]


def test_without_a_network_only_the_local_address_is_printed() -> None:
    """No LAN address: no made-up phone address, and the loopback hint without one."""
    assert serve.addresses("0.0.0.0", 8000, None) == ["Rolwissel draait op http://127.0.0.1:8000/"]
    assert "http://" not in serve.addresses("127.0.0.1", 8000, None)[1]


def test_a_named_lan_host_is_the_phones_address_itself() -> None:
    """Serving on a LAN address: phones use that address."""
    lines = serve.addresses("192.168.1.20", 5000, "192.168.1.20")
    assert lines[1].endswith("http://192.168.1.20:5000/")
    assert not serve.is_loopback("192.168.1.20") and serve.is_loopback("127.0.0.1")
