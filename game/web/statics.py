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
* **No cascade.** `module_graph(entry)` lists every module a page's script imports, directly
  or not; the page names them all in `<link rel="modulepreload">`, so the browser fetches
  them at once instead of discovering them one round trip per level of imports.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import posixpath
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Response, request
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

COMPRESSED = (".js", ".css", ".svg", ".json", ".html", ".txt", ".map")
YEAR_S = 365 * 24 * 3600
# `import ... from "./x.js"`, `export ... from "./x.js"` and `import "./x.js"`, minified too.
_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*["']([^"'\n]+\.js)["']""")


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
        self._graphs: dict[str, tuple[str, ...]] = {}
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

    def module_graph(self, entry: str) -> tuple[str, ...]:
        """Every module `entry` (a path like "js/play.js") imports, directly or through
        others, in the order they were found; `entry` itself first."""
        known = self._graphs.get(entry)
        if known is not None:
            return known
        found: list[str] = []
        waiting = [entry]
        while waiting:
            name = waiting.pop(0)
            if name in found:
                continue
            found.append(name)
            text = self.get(name).body.decode("utf-8", "replace")
            for target in _IMPORT.findall(text):
                if target.startswith("."):
                    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
                    if not joined.startswith(".."):
                        waiting.append(joined)
        graph = tuple(found)
        with self._lock:
            self._graphs[entry] = graph
        return graph
