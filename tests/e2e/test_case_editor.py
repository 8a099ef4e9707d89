"""The case editor in the browser: write a case (Dutch only), see a problem named at its
field and fix it, preview it, save it, play a whole game with it to its summary, export it as
YAML and import that file again."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from browser_game import ROLES
from playwright.sync_api import BrowserContext, expect
from serverproc import ROLWISSEL, Server

CASE_ID = "speeltuin-dorpsstraat"


def case_fields() -> dict[str, str]:
    """Every text field of a small case, by the editor's field path (Dutch only)."""
    fields = {
        "id": CASE_ID,
        "title.nl": "Een speeltuin aan de Dorpsstraat",
        "summary.nl": "Ouders willen een speeltuin op een leeg stuk grond.",
        "situation.nl": "Aan de Dorpsstraat ligt een leeg stuk grond. Ouders vragen de "
        "gemeente om er een speeltuin van te maken. De raad beslist over het geld.",
        "debrief_questions.0.nl": "Welk geheim veranderde jouw keuze?",
    }
    for role in ROLES:
        for part in ("title", "who", "values", "wants", "fears"):
            fields[f"roles.{role}.{part}.nl"] = f"{part} van de {role}"
        for index in range(3):
            fields[f"roles.{role}.secrets.{index}.text.nl"] = (
                f"GEHEIM-{role}-{index + 1}: iets wat alleen de {role} weet"
            )
    for index in range(4):
        fields[f"rounds.{index}.question.nl"] = f"Wat vind je in ronde {index + 1}?"
        fields[f"rounds.{index}.card_prompt.nl"] = "Schrijf een korte kaart."
    return fields


def test_write_check_preview_save_play_export_and_import_a_case(
    people: Callable[..., BrowserContext], live_server: Server, tmp_path: Path
) -> None:
    """The whole way of an own case, as a workshop leader takes it."""
    page = people(accept_downloads=True).new_page()
    page.goto(live_server.url + "/")
    page.get_by_test_id("new-case").click()
    page.wait_for_url("**/scenarios/new")
    expect(page.get_by_test_id("case-problem").first).to_be_visible()
    for path, value in case_fields().items():
        page.get_by_test_id(f"field-{path}").fill(value)

    # A threshold written as a decimal: the same sentence as `rolwissel scenarios check`.
    page.get_by_test_id("field-threshold").fill("0.67")
    problem = page.get_by_test_id("case-problem").filter(has_text="threshold")
    expect(problem).to_contain_text("schrijf de drempel als breuk")
    expect(page.get_by_test_id("field-error")).to_contain_text("breuk")
    page.get_by_test_id("field-threshold").fill("2/3")
    expect(page.get_by_test_id("case-ok")).to_be_visible()

    # The preview: a phone's role card with its round-1 secret, the big screen, the notice.
    expect(page.get_by_test_id("preview-phone")).to_contain_text("title van de inwoner")
    expect(page.get_by_test_id("preview-secret")).to_contain_text("GEHEIM-inwoner-1")
    expect(page.get_by_test_id("preview-screen")).to_contain_text("Een speeltuin aan de")
    expect(page.get_by_test_id("dutch-only")).to_be_visible()

    page.get_by_test_id("case-save").click()
    expect(page.get_by_test_id("case-edit-url")).to_contain_text(f"/scenarios/{CASE_ID}/edit#k=")

    # On the start page under "Eigen casussen", and playable at once (no restart).
    page.goto(live_server.url + "/")
    expect(page.get_by_test_id("own-cases")).to_have_text("Eigen casussen")
    expect(page.get_by_test_id(f"scenario-{CASE_ID}")).to_be_attached()
    simulate = [ROLWISSEL, "simulate", "--url", live_server.url, "--players", "3"]
    played = subprocess.run(
        [*simulate, "--seed", "5", "--scenario", CASE_ID],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert played.returncode == 0, played.stderr
    summary_url = played.stdout.splitlines()[1]
    page.goto(summary_url)
    expect(page.get_by_test_id("summary")).to_contain_text("Een speeltuin aan de Dorpsstraat")

    # Export as YAML, and import the file again into a new editor.
    page.goto(f"{live_server.url}/scenarios/{CASE_ID}/edit")
    expect(page.get_by_test_id("case-ok")).to_be_visible()
    with page.expect_download() as caught:
        page.get_by_test_id("case-export").click()
    exported = tmp_path / "casus.yaml"
    caught.value.save_as(exported)
    text = exported.read_text(encoding="utf-8")
    assert f"id: {CASE_ID}" in text and "GEHEIM-ambtenaar-3" in text
    checked = subprocess.run(
        [ROLWISSEL, "scenarios", "check", str(exported)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr

    page.goto(live_server.url + "/scenarios/new")
    page.get_by_test_id("case-import").set_input_files(str(exported))
    expect(page.get_by_test_id("field-title.nl")).to_have_value("Een speeltuin aan de Dorpsstraat")
    expect(page.get_by_test_id("case-ok")).to_be_visible()

    # A broken file: the problem names its line and field.
    broken = tmp_path / "kapot.yaml"
    broken.write_text(text.replace("threshold: 2/3", "threshold: 0.67"), encoding="utf-8")
    page.get_by_test_id("case-import").set_input_files(str(broken))
    expect(page.get_by_test_id("case-problem").first).to_contain_text("threshold")
    expect(page.get_by_test_id("case-problem").first).to_contain_text("regel")
