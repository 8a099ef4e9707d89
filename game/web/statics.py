"""Static files as a phone on a slow line needs them (issue 13, point 8).

* **Compressed.** Scripts, styles, SVG and JSON are sent gzip-compressed when the browser
  accepts it (every browser does): about a third of the bytes. Each file is read and
  compressed once per process and kept in memory (the static folder is small and never
  changes while the server runs).
* **Cached, and never stale.** Every file has an ETag (a hash of its content), so a browser
  that has it asks "still this?" and gets an empty 304. An address with `?v=<that hash>`
  (`static_url`, used for the style sheet, the icon and each page's first script) may be kept
  for a year without asking: a new version has another address. The modules a page imports
  are fetched by their plain address (that is how `import "./net.js"` resolves), so they are
  revalidated.
* **No cascade.** A page's script comes inline in the page, with every module it imports
  (game/web/bundle.py): no request, and no round trip per level of imports. The modules'
  own addresses still serve each file (the tests import some of them directly).
* **Pages and API answers compressed too** (`compressed`): an HTML page with its script, and
  the first view (`POST /api/rooms/<id>/view`), are most of what a phone downloads.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Response, request
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

COMPRESSED = (".js", ".css", ".svg", ".json", ".html", ".txt", ".map")
YEAR_S = 365 * 24 * 3600
# Dynamic answers worth compressing: smaller ones are sent as they are.
COMPRESS_MIN_BYTES = 1024
COMPRESS_LEVEL = 6  # per response: close to level 9's size at a fraction of its time


@dataclass(frozen=True)
class StaticFile:
    """One file of the static folder as it is served."""

    body: bytes
    gzipped: bytes | None
    etag: str
    mimetype: str


class StaticFiles:
    """The static folder, read and compressed once per file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[str, StaticFile] = {}
        self._lock = threading.Lock()

    def get(self, filename: str) -> StaticFile:
        """The file at `filename` (relative to the folder); NotFound when there is none."""
        found = self._files.get(filename)
        if found is not None:
            return found
        path = safe_join(str(self.folder), filename)
        if path is None or not Path(path).is_file():
            raise NotFound()
        body = Path(path).read_bytes()
        gzipped = gzip.compress(body, 9, mtime=0) if filename.endswith(COMPRESSED) else None
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or filename.endswith((".js", ".svg", ".json")):
            mimetype = {".js": "text/javascript"}.get(Path(filename).suffix, mimetype)
            mimetype += "; charset=utf-8"
        made = StaticFile(body, gzipped, hashlib.sha256(body).hexdigest()[:16], mimetype)
        with self._lock:
            self._files[filename] = made
        return made

    def response(self, filename: str) -> Response:
        """The file for this request: 304 when the browser has it, gzip when it accepts it."""
        found = self.get(filename)
        versioned = request.args.get("v") == found.etag
        headers = {
            "ETag": f'"{found.etag}"',
            "Vary": "Accept-Encoding",
            "Cache-Control": f"public, max-age={YEAR_S}, immutable" if versioned else "no-cache",
        }
        if found.etag in request.if_none_match:
            return Response(status=304, headers=headers)
        body = found.body
        if found.gzipped is not None and "gzip" in request.accept_encodings:
            body = found.gzipped
            headers["Content-Encoding"] = "gzip"
        return Response(body, headers=headers, content_type=found.mimetype)

    def version(self, filename: str) -> str:
        """The hash that `?v=` carries for this file."""
        return self.get(filename).etag


def compressed(response: Response) -> Response:
    """`response` gzip-compressed when the browser accepts it and it is an HTML page or a
    JSON answer of at least COMPRESS_MIN_BYTES (made whole in memory, not yet encoded)."""
    if response.mimetype not in ("text/html", "application/json"):
        return response
    response.vary.add("Accept-Encoding")
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or "gzip" not in request.accept_encodings
    ):
        return response
    body = response.get_data()
    if len(body) < COMPRESS_MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, COMPRESS_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response
