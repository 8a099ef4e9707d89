"""The paper seat, the table kit and the session plans in the browser: the start page offers
the plans with the whole session's length; the console adds a player on paper, types their
card ("via de spelleider"), downloads their sheet and the kit."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pypdf
from browser_game import SCENARIO, ApiRoom
from playwright.sync_api import BrowserContext, Page, expect
from serverproc import Server


def start(host: Page) -> None:
    host.get_by_test_id("start").click()
    expect(host.get_by_test_id("step-now")).to_contain_text("Ronde 1")


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def download(page: Page, testid: str, index: int = 0) -> bytes:
    with page.expect_download() as caught:
        page.get_by_test_id(testid).nth(index).click()
    path = caught.value.path()
    with open(path, "rb") as handle:
        return handle.read()


def test_the_start_page_offers_session_plans_and_the_console_follows_the_plan(
    people: Callable[..., BrowserContext], live_server: Server
) -> None:
    """Three plans with their steps; the 60-minute plan makes the console suggest its minutes
    for round 1 (7 minutes: a button of its own), and the kit's timetable says 60 minutes."""
    page = people().new_page()
    page.goto(live_server.url + "/")
    for minutes in (60, 90, 120):
        expect(page.get_by_test_id(f"plan-{minutes}")).to_be_attached()
    expect(page.get_by_test_id("plan-90")).to_be_checked()
    expect(page.get_by_test_id("plan-list")).to_contain_text("Een sessie van 120 minuten")
    page.get_by_test_id("plan-60").check()
    page.get_by_test_id(f"scenario-{SCENARIO}").check()
    page.get_by_test_id("create-game").click()
    page.wait_for_url("**/room/*/host")
    host = page
    code = host.get_by_test_id("host-code")
    expect(code).not_to_have_text("…")
    room_id = host.url.split("/room/", 1)[1].split("/", 1)[0]
    ApiRoom(live_server.url, room_id, code.inner_text().strip(), "").seat("Anna", "inwoner")
    start(host)
    suggested = host.get_by_test_id("timer-7")
    expect(suggested).to_have_class(re.compile("suggested"))
    text = pdf_text(download(host, "paper-kit"))
    assert "Het tijdschema (60 minuten)" in text and "Stembriefje 6" in text


def test_the_console_adds_a_paper_player_types_their_card_and_prints_their_sheet(
    people: Callable[..., BrowserContext], live_server: Server
) -> None:
    """Add Truus on paper in the lobby, start, type her card: the board and the paper section
    mark it "via de spelleider"; her sheet holds her round-1 secret and no other."""
    room = ApiRoom.create(live_server.url)
    context = people()
    room.host_in(context)
    for name, role in (("Anna", "raadslid"), ("Ben", "ambtenaar")):
        room.seat(name, role)
    host = context.new_page()
    host.goto(f"{live_server.url}/room/{room.room_id}/host")
    host.get_by_test_id("paper-name").fill("Truus")
    host.get_by_test_id("paper-role").select_option("inwoner")
    host.get_by_test_id("paper-add").click()
    seat = host.get_by_test_id("paper-seat")
    expect(seat).to_have_count(1)
    expect(seat).to_contain_text("Truus")
    start(host)
    seat.get_by_test_id("paper-card-input").fill("Een kaart van papier")
    seat.get_by_test_id("paper-card-submit").click()
    expect(seat.get_by_test_id("paper-typed-card")).to_contain_text("via de spelleider")
    expect(seat.get_by_test_id("paper-card-input")).to_have_value("")

    view = room.facilitator().view
    secrets = view["facilitator"]["secrets"]
    text = pdf_text(download(host, "paper-sheet"))
    assert "Truus" in text
    mine = [s for s in secrets if "papier-1" in s["dealt_to"]]
    assert len(mine) == 1
    for secret in secrets:
        words = " ".join(secret["text"]["nl"].split())
        assert (words in text) == (secret in mine), secret["id"]
