"""The summary page, its downloads and the comparison page, on a bare Flask app.

The app has the pages blueprint (base template, static files), Flask-Babel and the summary
blueprint, and reads rooms from an in-memory source holding games played with the engine.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from summary_game import (
    DECISION_V1,
    DECISION_V2,
    MARKUP_CARD,
    NAMES,
    PRIVATE_REFLECTION,
    SECRETS_HIDDEN,
    SECRETS_REVEALED,
    SHARED_REFLECTION,
    Game,
    new_game,
    objected_game,
    play_rounds,
    played_game,
)

from game.engine import actions as A
from game.engine.events import AnyEvent
from game.engine.state import RoomState
from game.web import i18n, pages, summary_pages

ROOT = Path(__file__).resolve().parents[2]
OPEN_DRAFT = "CONCEPT-open-tafel-55"


SUMMARY_KEY = "summary-key-of-every-room"
EVENT_KEY = "facilitator-key-of-the-event"


class MemorySource:
    """Rooms held in memory, counting how often a log is read; one key opens every summary,
    another every event."""

    def __init__(self, games: list[Game], events: dict[str, list[str]]) -> None:
        self.games = {g.state.room_id: g for g in games}
        self.events = events
        self.reads = 0

    def current_state(self, room_id: str) -> RoomState | None:
        game = self.games.get(room_id)
        return game.state if game else None

    def room_events(self, room_id: str) -> list[AnyEvent]:
        self.reads += 1
        return list(self.games[room_id].events)

    def event_room_ids(self, event_id: str) -> list[str]:
        return self.events.get(event_id, [])

    def opens_summary(self, room_id: str, key: str) -> bool:
        return room_id in self.games and key == SUMMARY_KEY

    def opens_event(self, event_id: str, key: str) -> bool:
        return event_id in self.events and key == EVENT_KEY


def open_game() -> Game:
    game = new_game(room_id="room-open")
    play_rounds(game)
    game.facilitator(A.NextPhase)
    game.facilitator(A.DraftProposal, text=OPEN_DRAFT, conditions=())
    game.facilitator(A.OpenVote)
    return game


@pytest.fixture(scope="module")
def source() -> MemorySource:
    games = [played_game(options=2), objected_game("room-2"), open_game()]
    return MemorySource(games, {"ev": ["room-1", "room-2", "room-open"]})


def summary_app(source: MemorySource) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.secret_key = "test-secret"
    i18n.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(summary_pages.bp)
    app.extensions[summary_pages.SOURCE_KEY] = source
    return app


class KeyedClient(FlaskClient):
    """A client that sends the key a script would: the summary's for /room/..., the event's
    facilitator key for /event/...."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        path = str(args[0] if args else kwargs.get("path", ""))
        key = EVENT_KEY if path.startswith("/event/") else SUMMARY_KEY
        kwargs.setdefault("headers", {}).setdefault("Authorization", f"Bearer {key}")
        return super().open(*args, **kwargs)


@pytest.fixture
def web(source: MemorySource) -> Iterator[FlaskClient]:
    app = summary_app(source)
    app.test_client_class = KeyedClient
    yield app.test_client()


@pytest.fixture
def keyless(source: MemorySource) -> Iterator[FlaskClient]:
    yield summary_app(source).test_client()


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_summary_page_in_dutch(web: FlaskClient) -> None:
    """The closed game's page is Dutch by default: decision, result sentence, both versions."""
    html = page(web, "/room/room-1/summary")
    assert '<html lang="nl">' in html
    for text in (
        "Het besluit",
        "Steun per groep",
        "Versies van het voorstel",
        "Steun uit elke groep",
    ):
        assert text in html
    assert DECISION_V2 in html and DECISION_V1 in html
    assert "Gedragen: geen bezwaar, en in elke groep genoeg steun." in html
    assert "coöperatie" in html and "“garanties”" in html
    # A condition says where it came from in words, never with the card's internal id.
    assert "uit een kaart (ronde 2, als inwoner)" in html
    assert not re.search(r"kaart c\d+", html)


def test_summary_page_in_english(web: FlaskClient) -> None:
    """?lang=en gives the page, its scenario texts and the result sentence in English."""
    html = page(web, "/room/room-1/summary?lang=en")
    assert '<html lang="en">' in html
    assert "The decision" in html and "Testcasus (en)" in html
    assert "Carried: no objection, and enough support in every group." in html
    assert "/room/room-1/summary.pdf?lang=en" in html


def test_typed_text_never_becomes_html(web: FlaskClient) -> None:
    """A card with markup shows escaped; the page has no inline script but its own bundled
    module (allowed by its hash in the page's CSP), and no inline style."""
    html = page(web, "/room/room-1/summary")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; *vet*" in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.{0,60})", html)
    assert [text.strip() for text in inline] == [
        "// js/summary.js and every module it imports, in one script"
    ]
    assert (
        pages.BUNDLES.page("js/summary.js").csp_hash
        in web.get("/room/room-1/summary").headers["Content-Security-Policy"]
    )
    assert " style=" not in html
    assert MARKUP_CARD not in html  # only its escaped form


def test_not_yet_page_and_409_for_downloads(web: FlaskClient) -> None:
    """Before the close the page says 'not yet' and every download answers 409."""
    html = page(web, "/room/room-open/summary")
    assert "De samenvatting is er nog niet" in html
    assert OPEN_DRAFT not in html
    for fmt in ("pdf", "md", "json", "csv"):
        response = web.get(f"/room/room-open/summary.{fmt}?lang=nl")
        assert response.status_code == 409
        body = response.get_json()
        assert body["code"] == "summary_not_ready"
        assert body["message"].startswith("De samenvatting is er als de spelleider")
    english = web.get("/room/room-open/summary.json?lang=en").get_json()
    assert english["message"].startswith("The summary is ready once")


def test_unknown_room(web: FlaskClient) -> None:
    """An unknown or malformed room id is a 404, as a page and as a download."""
    assert "Samenvatting niet gevonden" in page(web, "/room/nobody/summary", 404)
    page(web, "/room/bad%20id!/summary", 404)
    response = web.get("/room/nobody/summary.pdf")
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_room"
    assert web.get("/room/room-1/summary.exe").status_code == 404


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [
        ("pdf", "application/pdf"),
        ("md", "text/markdown; charset=utf-8"),
        ("json", "application/json; charset=utf-8"),
        ("csv", "text/csv; charset=utf-8"),
    ],
)
def test_downloads(web: FlaskClient, fmt: str, kind: str) -> None:
    """Each download has its type and a file name; asking again with its ETag gives 304."""
    response = web.get(f"/room/room-1/summary.{fmt}?lang=nl")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == kind
    disposition = response.headers["Content-Disposition"]
    assert (
        disposition == f'attachment; filename="rolwissel-samenvatting-testcasus-2023-11-14.{fmt}"'
    )
    again = web.get(
        f"/room/room-1/summary.{fmt}?lang=nl", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_pdf_download_has_the_decision(web: FlaskClient) -> None:
    """The PDF from the server holds the decision and the sentence in the asked language."""
    text = pdf_text(web.get("/room/room-1/summary.pdf?lang=en").data)
    assert DECISION_V2 in text
    assert "Carried: no objection, and enough support in every group." in text


def test_summary_is_built_once_per_version(source: MemorySource) -> None:
    """Pages and downloads of the same room version share one summary (one read of the log)."""
    fresh = MemorySource(list(source.games.values()), source.events)
    app = summary_app(fresh)
    app.test_client_class = KeyedClient
    client = app.test_client()
    for url in ("/room/room-1/summary", "/room/room-1/summary.md", "/room/room-1/summary.csv"):
        assert client.get(url).status_code == 200
    assert fresh.reads == 1


def test_compare_page_and_downloads(web: FlaskClient) -> None:
    """The event's closed tables side by side; the open table is not listed, counted or
    linked at all (issue 11: it used to be listed as "still playing")."""
    html = page(web, "/event/ev/compare")
    assert "De tafels naast elkaar" in html
    assert DECISION_V2 in html and DECISION_V1 in html
    assert "Deze tafel speelt nog" not in html and OPEN_DRAFT not in html
    assert "room-open" not in html and "Tafel 3" not in html
    assert "2 van 3 (ja)" in html and "1 van 2 (nee)" in html
    compared = web.get("/event/ev/compare.json?lang=nl").get_json()
    assert [t["room_id"] for t in compared["tables"]] == ["room-1", "room-2"]
    assert "room-open" not in web.get("/event/ev/compare.csv?lang=nl").get_data(as_text=True)
    for fmt in ("pdf", "md", "json", "csv"):
        response = web.get(f"/event/ev/compare.{fmt}?lang=nl")
        assert response.status_code == 200, fmt
        assert "rolwissel-vergelijking-testcasus" in response.headers["Content-Disposition"]
    assert page(web, "/event/nothing/compare", 404)
    assert web.get("/event/nothing/compare.json").get_json()["code"] == "unknown_event"


def _everything(web: FlaskClient) -> dict[str, str]:
    out = {}
    for lang in ("nl", "en"):
        for room in ("room-1", "room-2"):
            out[f"page-{room}-{lang}"] = page(web, f"/room/{room}/summary?lang={lang}")
            for fmt in ("md", "json", "csv"):
                data = web.get(f"/room/{room}/summary.{fmt}?lang={lang}").data
                out[f"{fmt}-{room}-{lang}"] = data.decode("utf-8-sig")
            out[f"pdf-{room}-{lang}"] = pdf_text(
                web.get(f"/room/{room}/summary.pdf?lang={lang}").data
            )
        out[f"compare-{lang}"] = page(web, f"/event/ev/compare?lang={lang}")
        for fmt in ("md", "json", "csv"):
            out[f"compare-{fmt}-{lang}"] = web.get(
                f"/event/ev/compare.{fmt}?lang={lang}"
            ).data.decode("utf-8-sig")
        out[f"compare-pdf-{lang}"] = pdf_text(web.get(f"/event/ev/compare.pdf?lang={lang}").data)
    return out


def test_secret_scan_over_every_page_and_download(web: FlaskClient) -> None:
    """Across pages and downloads, both languages: no unrevealed secret, private reflection
    or name; the summary pages, Markdown, JSON and PDF show the revealed secrets."""
    for name, text in _everything(web).items():
        for secret in SECRETS_HIDDEN:
            assert secret not in text, (name, secret)
        assert PRIVATE_REFLECTION not in text, name
        for player in NAMES:
            assert player not in text, (name, player)
        if name.split("-")[0] in ("page", "md", "json", "pdf"):
            lang = name[-2:]
            for secret in SECRETS_REVEALED[lang]:
                assert secret in text, (name, secret)
            assert SHARED_REFLECTION in text, name


def test_the_room_id_alone_opens_no_summary_and_no_comparison(keyless: FlaskClient) -> None:
    """Without a key the page is locked (401) and shows nothing of the game; a wrong key is
    403; downloads answer the same with a code and a sentence."""
    locked = keyless.get("/room/room-1/summary?lang=nl")
    assert locked.status_code == 401
    html = locked.get_data(as_text=True)
    assert 'data-testid="summary-locked"' in html and DECISION_V2 not in html
    for fmt in ("pdf", "md", "json", "csv"):
        response = keyless.get(f"/room/room-1/summary.{fmt}?lang=en")
        assert response.status_code == 401 and response.get_json()["code"] == "no_key"
    wrong = keyless.get("/room/room-1/summary.json", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.get_json()["code"] == "wrong_key"
    event_key = {"Authorization": f"Bearer {EVENT_KEY}"}
    assert keyless.get("/room/room-1/summary.json", headers=event_key).status_code == 403
    compare = keyless.get("/event/ev/compare")
    assert compare.status_code == 401 and DECISION_V2 not in compare.get_data(as_text=True)
    summary_key = {"Authorization": f"Bearer {SUMMARY_KEY}"}
    assert keyless.get("/event/ev/compare.json", headers=summary_key).status_code == 403


def test_a_key_posted_once_gives_this_browser_a_grant_for_that_room_only(
    keyless: FlaskClient,
) -> None:
    """POST .../open with a key sets an HttpOnly, SameSite=Strict cookie scoped to the room;
    the page and its downloads then open without a header, other rooms do not."""
    refused = keyless.post("/room/room-1/summary/open", json={"key": "nope"})
    assert refused.status_code == 403 and "Set-Cookie" not in refused.headers
    opened = keyless.post("/room/room-1/summary/open", json={"key": SUMMARY_KEY})
    assert opened.status_code == 200
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/room/room-1/" in cookie
    assert SUMMARY_KEY not in cookie
    assert DECISION_V2 in page(keyless, "/room/room-1/summary")
    assert keyless.get("/room/room-1/summary.json").status_code == 200
    assert keyless.get("/room/room-2/summary.json").status_code == 401
    assert keyless.post("/event/ev/compare/open", json={"key": SUMMARY_KEY}).status_code == 403
    assert keyless.post("/event/ev/compare/open", json={"key": EVENT_KEY}).status_code == 200
    assert keyless.get("/event/ev/compare.json").status_code == 200
