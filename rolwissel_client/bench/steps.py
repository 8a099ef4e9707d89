"""The measuring steps for later work (issue 13, points 4-8 and 10): each prints its figures
and returns them as JSON.

- `big_room`: one room of 60 players with 300 cards and 1,800 reactions; server time per
  action (the action log's `ms=`), the acknowledgement and the fan-out to 60 others.
- `restart`: 1,000 rooms of 300 events in the database; time until pages are served, and
  until a player of a random room is back in their seat.
- `browser`: the participant page's time to show the board, on loopback and as a venue's
  phone sees it (Chromium's "Fast 3G" with 4x CPU throttling, set through the DevTools
  protocol), measured with the Performance API.
- `soak`: minutes at a load, per-minute p99 and every disconnect (ping time-outs by name).
- `memory`: server RSS per player at a load (1,000 players by default).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import secrets
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from rolwissel_client.bench import procs
from rolwissel_client.bench.client import Http, open_connection, wait_healthy
from rolwissel_client.bench.loadgen import LoadConfig
from rolwissel_client.bench.runner import RunSettings, per_player_kb, run_load
from rolwissel_client.chromium import CHROMIUM, CHROMIUM_ARGS

Say = Callable[[str], None]

# Chrome DevTools' "Fast 3G" preset: 562.5 ms latency, 1.6 Mbit/s down and 750 kbit/s up,
# each times 0.9 (DevTools' own factors), in bytes per second.
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,
    "uploadThroughput": 750 * 1000 / 8 * 0.9,
}
CPU_SLOWDOWN = 4
BOARD_CARD = "[data-testid=board] [data-testid=card]"
# Set before the page's own scripts run: the moment the board shows its first card.
BOARD_OBSERVER = """
(() => {
  const seen = () => {
    const card = document.querySelector('BOARD_CARD');
    if (!card || card.getClientRects().length === 0) return false;
    window.__rwBoardShownAt = performance.now();
    performance.mark('rolwissel-board-shown');
    return true;
  };
  const watch = new MutationObserver(() => { if (seen()) watch.disconnect(); });
  watch.observe(document, {childList: true, subtree: true, attributes: true});
})();
""".replace("BOARD_CARD", BOARD_CARD)
BOARD_TIMING = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    board_ms: window.__rwBoardShownAt,
    cards: document.querySelectorAll('BOARD_CARD').length,
    response_end_ms: nav ? nav.responseEnd : null,
    // The first view over HTTP (static/js/first_view.js): asked for, and arrived.
    view_asked_ms:
      (performance.getEntriesByName('rolwissel-view-asked')[0] || {}).startTime ?? null,
    view_arrived_ms: (performance.getEntriesByType('resource')
      .find((r) => r.name.endsWith('/view')) || {}).responseEnd ?? null,
    dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
    load_ms: nav ? nav.loadEventEnd : null,
    transfer_bytes: performance.getEntriesByType('resource')
      .reduce((sum, r) => sum + (r.transferSize || 0), nav ? nav.transferSize : 0),
  };
}
""".replace("BOARD_CARD", BOARD_CARD)


def _setup_only(
    server: procs.ServerProcess, players: int, cards: int, reactions: int, seed: int
) -> dict[str, Any]:
    """One room made, joined, started and filled through the protocol; its tokens."""
    config = LoadConfig(
        kind="game",
        port=server.port,
        players=players,
        room_size=players,
        prefill_cards=cards,
        prefill_reactions=reactions,
        setup_only=True,
        seed=seed,
    )
    done = procs.run_python_module(
        "rolwissel_client.bench.loadgen",
        json.dumps(asdict(config)),
        core=procs.core_plan()[1],
        timeout=config.setup_timeout_s + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the set-up failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    if result.get("errors"):
        raise RuntimeError(f"the set-up had errors: {result['errors']}")
    return result


# Big room


def big_room(
    settings: RunSettings,
    *,
    players: int = 60,
    cards: int = 300,
    reactions: int = 1800,
    actions_per_s: float = 2.0,
    compression: bool = True,
    say: Say | None = None,
) -> dict[str, Any]:
    """A full room with a full board; players act one by one at `actions_per_s` in total."""
    config = replace(
        settings.load_config("game", players, compression),
        room_size=players,
        prefill_cards=cards,
        prefill_reactions=reactions,
        interval_s=players / actions_per_s,
        steer=False,
    )
    result = _run_game(
        settings, config, settings.profile_path("big-room", players, compression), say
    )
    result["mode"] = "big-room"
    result["board"] = {"players": players, "cards": cards, "reactions": reactions}
    if say is not None:
        server_ms = (result.get("server_log") or {}).get("server_action_ms") or {}
        say(
            f"big room: server time per action p50 {server_ms.get('p50')} ms, "
            f"p99 {server_ms.get('p99')} ms, max {server_ms.get('max')} ms"
        )
    return result


# Restart


def donor_seats(server: procs.ServerProcess, count: int) -> list[dict[str, str]]:
    """Seats made through the API in a room of their own (player id and token): a copied room
    takes one over, so the bench holds a real token for it without knowing how the server
    stores tokens."""
    http = Http(procs.HOST, server.port)
    try:
        _, created = http.request("POST", "/api/rooms", {"scenario_id": "buurtkamer-bibliotheek"})
        code = created["rooms"][0]["code"]
        seats = []
        for number in range(count):
            body = {"code": code, "name": f"Donor {number}", "home_role": "inwoner"}
            status, joined = http.request("POST", "/api/join", body)
            if status != 201:
                raise RuntimeError(f"POST /api/join: {status} {joined.get('code')}")
            seats.append({"player_id": joined["player_id"], "token": joined["seat_token"]})
        return seats
    finally:
        http.close()


def _new_id() -> str:
    return secrets.token_urlsafe(12)


def clone_rooms(
    database: Path,
    template: dict[str, Any],
    copies: int,
    donors: list[dict[str, str]],
    seed: int,
) -> list[dict[str, str]]:
    """Copy the template room `copies` times in the SQLite file, with new ids and join codes
    (every table that names the room; ids are also replaced inside the JSON of events and
    snapshots). Copies get seat tokens nobody holds, except one seat in each of
    len(`donors`) copies spread at random, which takes over a donor's seat. Returns those
    copies' room ids and tokens, in random order."""
    room_id = template["room_id"]
    old_ids = [room_id, *(p["player_id"] for p in template["players"])]
    pattern = re.compile("|".join(re.escape(i) for i in old_ids))
    rng = random.Random(seed)
    sampled = dict(zip(rng.sample(range(copies), len(donors)), donors, strict=True))
    connection = sqlite3.connect(database)
    try:
        tables = []
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({name})")]
            key = "id" if name == "rooms" else "room_id" if "room_id" in columns else None
            if key is not None:
                rows = connection.execute(
                    f"SELECT * FROM {name} WHERE {key} = ?", (room_id,)
                ).fetchall()
                tables.append((name, columns, rows))
        made = []
        with connection:
            for number in range(copies):
                new_ids = [_new_id() for _ in old_ids]
                mapping = dict(zip(old_ids, new_ids, strict=True))
                donor = sampled.get(number)
                donor_hash = None
                if donor is not None:
                    (donor_hash,) = connection.execute(
                        "SELECT token_hash FROM seats WHERE player_id = ?", (donor["player_id"],)
                    ).fetchone()
                    connection.execute(
                        "DELETE FROM seats WHERE player_id = ?", (donor["player_id"],)
                    )
                    made.append({"room_id": new_ids[0], "token": donor["token"]})

                def swap(value: Any, mapping: dict[str, str] = mapping) -> Any:
                    if isinstance(value, str):
                        return pattern.sub(lambda m: mapping[m.group(0)], value)
                    return value

                for name, columns, rows in tables:
                    copied = []
                    for row in rows:
                        values = dict(zip(columns, (swap(v) for v in row), strict=True))
                        if name == "rooms":
                            values["code"] = f"B{number:07d}"
                        if name == "seats":
                            first = values["player_id"] == new_ids[1]
                            taken = donor_hash if first and donor_hash else None
                            values["token_hash"] = taken or secrets.token_hex(32)
                        copied.append(tuple(values[c] for c in columns))
                    marks = ",".join("?" for _ in columns)
                    connection.executemany(f"INSERT INTO {name} VALUES ({marks})", copied)
        rng.shuffle(made)
        return made
    finally:
        connection.close()


async def _seat_time(port: int, room_id: str, token: str) -> float:
    """Seconds from asking (connect) until the player's first `state` arrives."""
    loop = asyncio.get_running_loop()
    first: asyncio.Future[None] = loop.create_future()

    def on_event(_conn: Any, name: str, _text: str) -> None:
        if name in ("state", "patch") and not first.done():
            first.set_result(None)

    started = time.perf_counter()
    conn = await open_connection(
        procs.HOST,
        port,
        {"room": room_id, "token": token, "last_seq": 0, "lang": "nl"},
        compression=True,
        on_event=on_event,
        timeout=60,
    )
    try:
        await asyncio.wait_for(first, 60)
    finally:
        conn.close()
    return time.perf_counter() - started


def restart(
    *,
    rooms: int = 1000,
    events: int = 300,
    room_size: int = 10,
    samples: int = 5,
    seed: int = 1,
    keep: bool = False,
    say: Say | None = None,
) -> dict[str, Any]:
    """Fill a database with `rooms` rooms of `events` events, then time a restart."""
    instance = Path(tempfile.mkdtemp(prefix="rolwissel-bench-restart-"))
    server_core, _ = procs.core_plan()
    try:
        # A template room played through the protocol: created, joined, started, then cards
        # and reactions up to `events` events.
        filler = max(0, events - 2 - room_size)
        cards = round(filler * 0.3)
        with procs.ServerProcess("game", core=server_core, instance=instance) as server:
            server.start()
            made = _setup_only(server, room_size, cards, filler - cards, seed)
            donors = donor_seats(server, samples)
            server.stop()
        template = made["tokens"][0]
        if say is not None:
            say(f"restart: template room has {template['version']} events; copying it")
        started = time.perf_counter()
        # The template, the donors' room and the copies make `rooms` rooms.
        copies = clone_rooms(instance / "rolwissel.sqlite3", template, rooms - 2, donors, seed)
        copy_s = time.perf_counter() - started
        with procs.ServerProcess("game", core=server_core, instance=instance) as server:
            server.start(wait=False)
            pages_at = wait_healthy(procs.HOST, server.port, 300, path="/")
            pages_s = pages_at - server.spawned_at
            seat_s = []
            for copy in copies:
                seat_s.append(asyncio.run(_seat_time(server.port, copy["room_id"], copy["token"])))
            rebuilt = re.search(r"rebuilt rooms=(\d+) ms=(\d+)", server.log_text())
            server.stop()
        result = {
            "mode": "restart",
            "rooms": rooms,
            "events_per_room": template["version"],
            "copy_s": round(copy_s, 1),
            "pages_served_s": round(pages_s, 2),
            "seat_back_s": [round(s, 3) for s in seat_s],
            "seat_back_first_s": round(seat_s[0], 3) if seat_s else None,
            "server_rebuild_log": (
                {"rooms": int(rebuilt.group(1)), "ms": int(rebuilt.group(2))} if rebuilt else None
            ),
            "errors": {},
        }
        if say is not None:
            say(
                f"restart: pages served after {result['pages_served_s']} s; a player back in "
                f"their seat after {result['seat_back_first_s']} s "
                f"(other rooms: {result['seat_back_s'][1:]})"
            )
        return result
    finally:
        if not keep:
            shutil.rmtree(instance, ignore_errors=True)


# Browser


def browser(
    *,
    players: int = 10,
    cards: int = 40,
    reactions: int = 80,
    runs: int = 3,
    seed: int = 1,
    say: Say | None = None,
) -> dict[str, Any]:
    """Time until the participant page shows the board: loopback, then Fast 3G with 4x CPU."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise RuntimeError("the browser step needs Playwright: pip install -e '.[dev]'") from error
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"the browser step needs Debian's chromium at {CHROMIUM}")
    server_core, _ = procs.core_plan()
    profiles: dict[str, list[dict[str, Any]]] = {"loopback": [], "fast_3g_cpu_4x": []}
    with procs.ServerProcess("game", core=server_core) as server:
        server.start()
        room = _setup_only(server, players, cards, reactions, seed)["tokens"][0]
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=list(CHROMIUM_ARGS)
            )
            try:
                # One load first, not counted: the browser's own first start is not the page's.
                first = room["players"][0]["token"]
                _page_timing(chromium, f"{server.url}/room/{room['room_id']}/play#s={first}", False)
                for profile, timings in profiles.items():
                    for run in range(runs):
                        token = room["players"][run % len(room["players"])]["token"]
                        url = f"{server.url}/room/{room['room_id']}/play#s={token}"
                        timings.append(_page_timing(chromium, url, profile != "loopback"))
            finally:
                chromium.close()
        server.stop()
    summary = {
        profile: {
            "board_ms_median": round(statistics.median(t["board_ms"] for t in timings), 1),
            "board_ms_max": round(max(t["board_ms"] for t in timings), 1),
            **{
                f"{moment}_median": _median(t.get(moment) for t in timings)
                for moment in ("view_asked_ms", "view_arrived_ms", "dom_content_loaded_ms")
            },
            "runs": timings,
        }
        for profile, timings in profiles.items()
    }
    result = {
        "mode": "browser",
        "board": {"players": players, "cards": cards, "reactions": reactions},
        "profiles": summary,
        "throttling": {"network": FAST_3G, "cpu_slowdown": CPU_SLOWDOWN},
        "errors": {},
    }
    if say is not None:
        for profile, figures in summary.items():
            say(f"browser {profile}: board shown after {figures['board_ms_median']} ms (median)")
    return result


def _median(values: Any) -> float | None:
    """The median of the values that are there (a page without a first view has none)."""
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def _page_timing(chromium: Any, url: str, throttled: bool) -> dict[str, Any]:
    """One fresh phone-sized context (cold cache): navigate, wait for the board, read timings."""
    context = chromium.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.add_init_script(BOARD_OBSERVER)
        if throttled:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(url, wait_until="commit")
        # A selector, not a predicate: the page's CSP forbids the eval a predicate needs.
        page.wait_for_selector(BOARD_CARD, state="visible", timeout=120_000)
        timing: dict[str, Any] = page.evaluate(BOARD_TIMING)
        return {k: round(v, 1) if isinstance(v, float) else v for k, v in timing.items()}
    finally:
        context.close()


# Soak and memory


def soak(
    settings: RunSettings,
    *,
    players: int,
    minutes: float,
    compression: bool = True,
    say: Say | None = None,
) -> dict[str, Any]:
    """`minutes` at a load: a timeline per minute, and every disconnect by its reason."""
    config = replace(
        settings.load_config("game", players, compression),
        duration_s=minutes * 60,
        slice_s=60.0,
    )
    result = _run_game(settings, config, settings.profile_path("soak", players, compression), say)
    reasons = (result.get("server_log") or {}).get("disconnect_reasons") or {}
    client = {k: v for k, v in (result.get("errors") or {}).items() if k.startswith("disconnect")}
    result["mode"] = "soak"
    result["ping_timeouts"] = sum(v for k, v in reasons.items() if "ping" in k)
    result["client_disconnects"] = client
    if say is not None:
        say(
            f"soak: {result['ping_timeouts']} ping-timeout disconnects; "
            f"the clients saw {client or 'none'}"
        )
    return result


def _run_game(
    settings: RunSettings, config: LoadConfig, profile: Path | None, say: Say | None
) -> dict[str, Any]:
    """One run of the game server with the run's settings (and its --server-setting ones)."""
    return run_load(
        "game",
        config,
        settings=dict(settings.server_settings),
        keep=settings.keep,
        profile=profile,
        pin=settings.pin,
        say=say,
    )


def memory(
    settings: RunSettings,
    *,
    players: int = 1000,
    compression: tuple[bool, ...] = (True, False),
    say: Say | None = None,
) -> dict[str, Any]:
    """Server RSS per player: idle, with every socket connected, and at load."""
    runs = []
    for deflate in compression:
        result = _run_game(settings, settings.load_config("game", players, deflate), None, say)
        idle = result.get("server_rss_idle")
        count = result.get("players") or players
        result["memory_kb_per_player"] = {
            "connected": per_player_kb(result.get("server_rss_connected"), idle, count),
            "at_load": per_player_kb((result.get("server") or {}).get("rss_max"), idle, count),
        }
        runs.append(result)
        if say is not None:
            figures = result["memory_kb_per_player"]
            say(
                f"memory {'deflate' if deflate else 'plain'}: {figures['connected']} KB per player "
                f"connected, {figures['at_load']} KB at load"
            )
    return {"mode": "memory", "players": players, "runs": runs}
