"""The address join links and QR codes point to: never taken from a Host header blindly.

A QR code is cached (also by shared caches) and shown on a projector: if a request's Host
header could choose its address, one forged request could send a whole room to another site.
So the address is, in order:

1. PUBLIC_URL, when it is set (always set it behind a proxy);
2. the request's own scheme and host, when that host is loopback, this machine's name, the
   address the request arrived on, or in ALLOWED_HOSTS;
3. otherwise the address the request arrived on (the server's own socket address), which
   no header can change.
"""

from __future__ import annotations

import socket
from functools import lru_cache

from flask import current_app, request

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@lru_cache(maxsize=1)
def own_names() -> frozenset[str]:
    """This machine's host name and fully qualified name (looked up once)."""
    names = {socket.gethostname(), socket.getfqdn()}
    return frozenset(name.lower() for name in names if name)


def host_name(host: str) -> str:
    """`host` without its port and IPv6 brackets, lower case: `[::1]:5000` -> `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, arrived_on: str, allowed: tuple[str, ...] = ()) -> bool:
    """Whether join links may be made for the Host header `host`."""
    name = host_name(host)
    known = LOOPBACK | own_names() | {host_name(arrived_on)} | {host_name(a) for a in allowed}
    return bool(name) and name in known


def public_base() -> str:
    """The scheme and host of join links and QR codes for this request, without a slash."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    environ = request.environ
    arrived_on = environ.get("SERVER_NAME", "")
    if host_allowed(request.host, arrived_on, tuple(current_app.config.get("ALLOWED_HOSTS", ()))):
        return request.host_url.rstrip("/")
    port = environ.get("SERVER_PORT", "")
    shown = f"[{arrived_on}]" if ":" in arrived_on else arrived_on
    default = {"http": "80", "https": "443"}.get(request.scheme)
    return f"{request.scheme}://{shown}" + ("" if port in ("", default) else f":{port}")


def join_url(code: str = "") -> str:
    """The join page's full address, with the code when there is one."""
    from flask import url_for

    path = url_for("pages.join", code=code) if code else url_for("pages.join")
    return public_base() + path
