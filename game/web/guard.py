"""The edge of the server: every HTTP request and every socket session passes here first.

`Guard` is the outermost WSGI middleware, so it sees what Flask never does (Engine.IO's
long-polling and websocket requests):

* the security headers on every response (CSP, nosniff, framing, referrer; HSTS over TLS);
* request bodies: refused with 413 `body_too_large` before they are read whole, whether they
  announce a length or come chunked (counted as they are read); a long-polling body must be
  Engine.IO packets python-engineio can decode, and at most MAX_MESSAGE_BYTES * 2;
* Engine.IO handshakes: refused with 429 `too_many_connections` or 503 `server_busy` when
  the address or the server has too many sessions without a valid key (game/web/admission.py);
* connections the eventlet server accepted over a cap: answered with their refusal;
* any exception below: one log line with the traceback, and a 500 with a code and sentence;
* `wsgi.errors`: what libraries write there goes to the log as escaped lines.

`install` puts the session bookkeeping and the message gate (game/web/wiregate.py) in front of
python-socketio's Engine.IO handlers, and starts the task that closes sessions that did not
show a valid key within AUTH_TIMEOUT.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from string import punctuation
from typing import Any
from urllib.parse import parse_qs, quote

from flask_socketio import SocketIO

from game.codes import ServerCode
from game.languages import DEFAULT_LANGUAGE
from game.logfmt import line
from game.web.admission import CLOSE_KEY, CONNECTION_KEY, SESSION_KEY, Admission, Session
from game.web.api import STATUS
from game.web.i18n import environ_language
from game.web.messages import message
from game.web.wiregate import SocketGate, connect_error, polling_payload_ok

logger = logging.getLogger("rolwissel.guard")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

SOCKET_PATH = "/socket.io"
READ_CHUNK = 16 * 1024
QUERY_SAFE = punctuation + " "  # what stays as it is when a raw query is %-encoded
REPORT_EVERY_S = 10.0  # refusals are summed up in one log line at most this often
CLOSE_BATCH = 50  # sessions closed for auth_timeout before the watch lets others run


def content_security_policy(
    script_hashes: Iterable[str] = (), style_hashes: Iterable[str] = ()
) -> str:
    """Scripts, styles, images and connections only from this site ('self' covers the page's
    own ws:// and wss:// address); no framing, no plugins, no <base>. A page's inline scripts
    and styles apply only by their hash ('sha256-...', game/web/bundle.py): never
    'unsafe-inline'."""
    scripts = " ".join(["'self'", *script_hashes])
    styles = " ".join(["'self'", *style_hashes])
    return (
        f"default-src 'self'; script-src {scripts}; style-src {styles}; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
        "object-src 'none'"
    )


CONTENT_SECURITY_POLICY = content_security_policy()
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)
# Sent only on responses that went out over TLS (directly, or behind a trusted proxy).
HSTS = ("Strict-Transport-Security", "max-age=31536000")


class Guard:
    """The WSGI middleware in front of Engine.IO and Flask (see the module's docstring)."""

    def __init__(
        self, app: WsgiApp, admission: Admission, *, max_body: int, max_socket_body: int
    ) -> None:
        self.app = app
        self.admission = admission
        self.max_body = max_body
        self.max_socket_body = max_socket_body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ["wsgi.errors"] = ERRORS
        start = _with_security_headers(environ, start_response)
        try:
            refusal = self._refusal(environ)
            if refusal is not None:
                return refuse(environ, start, refusal)
            return self.app(environ, start)
        except Exception:
            logger.exception(
                line(
                    "http_failed",
                    method=environ.get("REQUEST_METHOD"),
                    path=environ.get("PATH_INFO"),
                )
            )
            return refuse(environ, start, ServerCode.SERVER_ERROR)

    def _refusal(self, environ: dict[str, Any]) -> ServerCode | None:
        ticket = environ.get(CONNECTION_KEY)
        if ticket is not None and ticket.refusal is not None:
            return ticket.refusal
        query = environ.get("QUERY_STRING", "")
        if not query.isascii():
            # Raw bytes a browser would have %-encoded: Werkzeug reads the query as strict
            # UTF-8 and would fail with a 500 on them, so encode them as a browser would.
            environ["QUERY_STRING"] = quote(query.encode("latin-1", "replace"), safe=QUERY_SAFE)
        path = environ.get("PATH_INFO", "")
        socket = path == SOCKET_PATH or path.startswith(SOCKET_PATH + "/")
        refusal = read_body(environ, self.max_socket_body if socket else self.max_body)
        if refusal is not None or not socket:
            return refusal
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "j" in query:
            return ServerCode.BAD_PACKET  # JSONP polling: a script from our origin; never used
        method = environ.get("REQUEST_METHOD")
        if method == "POST" and not polling_payload_ok(environ["wsgi.input"].getvalue()):
            return ServerCode.BAD_PACKET
        if method == "GET" and "sid" not in query:
            return self.admission.session_refusal(environ.get("REMOTE_ADDR", ""))
        return None


class ErrorStream:
    """`wsgi.errors`: what a library writes there (eventlet's websocket writes the client's
    address, which behind a proxy is a header) becomes one escaped log line."""

    def write(self, text: str) -> int:
        if text.strip():
            logger.warning(line("wsgi_errors", detail=text.strip()))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for text in lines:
            self.write(text)

    def flush(self) -> None:
        pass


ERRORS = ErrorStream()


def read_body(environ: dict[str, Any], limit: int) -> ServerCode | None:
    """Read the request body into memory when it is at most `limit` bytes (counting a chunked
    one as it comes); otherwise refuse it before reading further."""
    encoding = environ.get("HTTP_TRANSFER_ENCODING", "").strip().lower()
    announced = environ.get("CONTENT_LENGTH") or ""
    if encoding and encoding != "chunked":
        # eventlet would not read such a body, and its bytes would be taken for a request.
        return ServerCode.BAD_REQUEST
    stream = environ["wsgi.input"]
    if announced:
        try:
            length = int(announced)
        except ValueError:
            return ServerCode.BAD_REQUEST
        if length < 0:
            return ServerCode.BAD_REQUEST
        if length > limit:
            return ServerCode.BODY_TOO_LARGE
        body = _read(stream, length)
    elif encoding:
        body = _read(stream, limit + 1)
        if len(body) > limit:
            return ServerCode.BODY_TOO_LARGE
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    return None


def _read(stream: Any, most: int) -> bytes:
    parts: list[bytes] = []
    left = most
    while left > 0:
        part = stream.read(min(left, READ_CHUNK))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def refuse(environ: Mapping[str, Any], start: Callable[..., Any], code: ServerCode) -> list[bytes]:
    """The JSON refusal `{ok, code, message}` in the request's language; the connection is
    closed after it (its unread body, if any, is not read)."""
    close = environ.get(CLOSE_KEY)
    if close is not None:
        close()
    status = STATUS.get(code, 400)
    text = message(code, environ_language(environ))
    body = json.dumps({"ok": False, "code": str(code), "message": text}).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]
    if status in (429, 503):
        headers.append(("Retry-After", "5"))
    start(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]


def _with_security_headers(
    environ: Mapping[str, Any], start_response: Callable[..., Any]
) -> Callable[..., Any]:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        present = {name.lower() for name, _value in headers}
        added = [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present]
        if environ.get("wsgi.url_scheme") == "https" and HSTS[0].lower() not in present:
            added.append(HSTS)
        return start_response(status, [*headers, *added], exc_info)

    return start


# Socket sessions


def install(
    socketio: SocketIO, admission: Admission, connection_lang: Callable[[str], str | None]
) -> SessionWatch:
    """Count Engine.IO sessions, gate their messages, and close the ones that show no key.

    `connection_lang(sid)` is the language of a connected Socket.IO socket (None: unknown).
    """
    server = socketio.server
    eio = server.eio
    opened, closed, received = (eio.handlers[e] for e in ("connect", "disconnect", "message"))

    def lang_of(eio_sid: str) -> str:
        sid = server.manager.sid_from_eio_sid(eio_sid, "/")
        lang = connection_lang(sid) if sid else None
        session = admission.session(eio_sid)
        return lang or (session.lang if session else DEFAULT_LANGUAGE)

    gate = SocketGate(server, received, lang_of)
    watch = SessionWatch(socketio, admission)

    def on_connect(eio_sid: str, environ: dict[str, Any]) -> Any:
        watch.start()
        address = environ.get("REMOTE_ADDR", "")
        environ[SESSION_KEY] = admission.session_opened(eio_sid, address, environ_language(environ))
        return opened(eio_sid, environ)

    def on_disconnect(eio_sid: str, reason: Any = None) -> Any:
        admission.session_closed(eio_sid)
        gate.forget(eio_sid)
        return closed(eio_sid, reason)

    eio.on("connect", on_connect)
    eio.on("disconnect", on_disconnect)
    eio.on("message", gate)
    return watch


class SessionWatch:
    """The background task: closes pending sessions past AUTH_TIMEOUT (with a connect error
    `auth_timeout` first), and sums up refusals in one log line every REPORT_EVERY_S."""

    def __init__(self, socketio: SocketIO, admission: Admission) -> None:
        self.socketio = socketio
        self.admission = admission
        self.started = False

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.socketio.start_background_task(self._run)

    def _run(self) -> None:
        interval = min(1.0, max(0.05, self.admission.limits.auth_timeout / 4))
        reported = time.monotonic()
        while True:
            self.socketio.sleep(interval)
            try:
                overdue = self.admission.overdue()
                for count, session in enumerate(overdue, 1):
                    self._close(session)
                    if count % CLOSE_BATCH == 0:
                        self.socketio.sleep(0)  # let players' messages through between batches
                if overdue:
                    logger.info(line("auth_timeout", closed=len(overdue)))
                if time.monotonic() - reported >= REPORT_EVERY_S:
                    reported = time.monotonic()
                    self._report()
            except Exception:  # the watch must keep running; the cause goes to the log
                logger.exception(line("session_watch_failed"))

    def _close(self, session: Session) -> None:
        eio = self.socketio.server.eio
        socket = eio.sockets.get(session.eio_sid)
        if socket is None or socket.closed:
            return
        code = ServerCode.AUTH_TIMEOUT
        eio.send(session.eio_sid, connect_error(code, message(code, session.lang)).encode())
        # Not eio.disconnect(): that waits until a long-polling client fetched the close.
        socket.close(wait=False, abort=False, reason=eio.reason.SERVER_DISCONNECT)

    def _report(self) -> None:
        refused = self.admission.take_refused()
        if refused:
            logger.info(line("connections_refused", **refused, **self.admission.counts()))
