"""The HTTP API's rate limits: new tables, first views over HTTP, and failed joins limited
so that a venue behind one address keeps joining. (Each socket's own limit is its TokenBucket,
game/rooms/connections.py.)

New tables are counted per client address (ROOM_CREATE_LIMIT): a "new game" with N tables
counts N, and only when it is let through, so a refused request costs nothing.

Failed joins have two counts, in the rate-limit storage every process shares
(RATELIMIT_STORAGE_URI):

* per client address AND code (JOIN_FAIL_LIMIT): the same wrong code tried again and again
  locks out only that code from that address, never the right one;
* per client address, of the distinct wrong codes it tried (JOIN_GUESS_LIMIT): guessing
  across codes is slowed. Over it, the address is refused before any lookup (so the answer
  tells a guesser nothing) — except for a code somebody from that address joined with in the
  last KNOWN_FOR_S seconds: the room that is playing at a venue stays open to the venue.

Successful joins count nowhere: a whole workshop behind one address joins freely. Behind a
reverse proxy the address is the client's only when TRUSTED_PROXIES says how many proxies
set X-Forwarded-For (werkzeug's ProxyFix); otherwise the whole venue is the proxy's address.
"""

from __future__ import annotations

from limits import parse, storage, strategies
from limits.storage import Storage

# How long a successful (address, code) keeps that code open to that address.
KNOWN_FOR_S = 12 * 60 * 60


class ApiLimits:
    """The counts of new tables and of failed joins, and the codes known to work from an
    address, in one storage."""

    def __init__(
        self, storage_uri: str, tables: str, per_code: str, per_address: str, views: str
    ) -> None:
        found = storage.storage_from_string(storage_uri)
        if not isinstance(found, Storage):
            raise ValueError(f"RATELIMIT_STORAGE_URI {storage_uri!r} is not a synchronous storage")
        self.storage: Storage = found
        self.window = strategies.FixedWindowRateLimiter(self.storage)
        self.tables = parse(tables)
        self.per_code = parse(per_code)
        self.per_address = parse(per_address)
        self.views = parse(views)

    def create(self, address: str, tables: int) -> bool:
        """Count `tables` new tables from `address`, when they fit in its limit."""
        if not self.window.test(self.tables, "tables", address, cost=tables):
            return False
        return self.window.hit(self.tables, "tables", address, cost=tables)

    def view(self, address: str) -> bool:
        """Count a first view asked for over HTTP by `address`; False when over its limit."""
        return self.window.hit(self.views, "view", address)

    def refused(self, address: str, code: str) -> bool:
        """Whether to refuse this attempt before looking the code up."""
        if not self.window.test(self.per_code, "join-code", address, code):
            return True
        if self._known(address, code):
            return False
        return not self.window.test(self.per_address, "join-guess", address)

    def failed(self, address: str, code: str) -> None:
        """Count a wrong code; only its first failure in a window counts as a guess."""
        stats = self.window.get_window_stats(self.per_code, "join-code", address, code)
        first = stats.remaining >= self.per_code.amount
        self.window.hit(self.per_code, "join-code", address, code)
        if first:
            self.window.hit(self.per_address, "join-guess", address)

    def joined(self, address: str, code: str) -> None:
        """A join with this code from this address worked: keep the code open to it."""
        self.storage.incr(self._known_key(address, code), KNOWN_FOR_S)

    def _known(self, address: str, code: str) -> bool:
        return self.storage.get(self._known_key(address, code)) > 0

    @staticmethod
    def _known_key(address: str, code: str) -> str:
        return f"rolwissel/join-known/{address}/{code}"
