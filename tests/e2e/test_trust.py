"""The facilitator's trust controls in Debian's chromium (issue 11): the console's links carry
keys of their own, the big screen without its key shows nothing, a removed player is told and
kept out until let back in, and deleting the game tells everyone and leaves nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

from browser_game import create_game, join
from playwright.sync_api import BrowserContext, expect
from serverproc import Server


def test_keys_removing_letting_back_and_deleting(
    live_server: Server, people: Callable[..., BrowserContext]
) -> None:
    """Links with keys in the console; a keyless big screen says it has no key; a removed
    player's phone says so and its next join is refused until the facilitator lets it back
    in; deleting the game (after confirming) closes the console and the phone."""
    base = live_server.url
    host = people(viewport={"width": 1280, "height": 900}).new_page()
    table = create_game(host, base)
    host.locator(".room-links > summary").click()
    key = re.compile(r"#k=[\w-]{43}$")
    expect(host.get_by_test_id("screen-key-link")).to_have_value(key)
    expect(host.get_by_test_id("summary-key-link")).to_have_value(key)
    screen_link = host.get_by_test_id("screen-key-link").input_value()
    assert "/screen#k=" in screen_link and table.room_id in screen_link

    keyless = people().new_page()
    keyless.goto(f"{base}/room/{table.room_id}/screen")
    expect(keyless.get_by_test_id("page-error")).to_contain_text(
        "Dit grote scherm heeft geen sleutel"
    )
    expect(keyless.get_by_test_id("screen-code")).to_have_text("…")
    expect(keyless.get_by_test_id("screen-qr")).to_be_hidden()

    phone = people().new_page()
    join(phone, base, table.code, "Anna", "inwoner")
    row = host.get_by_test_id("player-row").filter(has_text="Anna")
    row.get_by_test_id("remove-player").click()
    row.get_by_test_id("remove-player-confirm").click()
    expect(phone.get_by_test_id("page-error")).to_contain_text("uit dit spel gehaald")
    expect(phone.get_by_test_id("no-seat")).to_be_visible()

    phone.goto(f"{base}/j/{table.code}")
    phone.get_by_test_id("join-name").fill("Anna Anders")
    phone.get_by_test_id("join-role-inwoner").check()
    phone.get_by_test_id("join-submit").click()
    expect(phone.get_by_test_id("join-error")).to_contain_text(
        "De spelleider heeft je uit dit spel gehaald"
    )
    removed = host.get_by_test_id("removed-players")
    expect(removed).to_contain_text("Anna")
    removed.get_by_test_id("readmit").click()
    expect(removed).to_contain_text("Kan weer meedoen")
    phone.get_by_test_id("join-submit").click()
    phone.wait_for_url("**/room/*/play")
    expect(phone.get_by_test_id("my-name")).to_have_text("Anna Anders")

    host.get_by_test_id("delete-game").click()
    expect(host.get_by_test_id("delete-game-cancel")).to_be_focused()
    host.get_by_test_id("delete-game-confirm").click()
    expect(host.get_by_test_id("page-error")).to_contain_text("Dit spel is gewist")
    expect(phone.get_by_test_id("page-error")).to_contain_text("Dit spel is gewist")
    phone.reload()
    expect(phone.locator("main")).to_contain_text("Deze pagina bestaat niet (meer)")
