"""The case editor's pages and API: write a case in the browser, check it with the same
schema and sentences as `rolwissel scenarios check`, store it, play it at once.

    GET  /scenarios/new                    the editor (a new case; `?from=<id>` copies one)
    GET  /scenarios/<id>/edit              the editor for a stored case (key in `#k=`)
    POST /api/scenarios/check              {data} or {yaml}: the problems, one sentence each
    POST /api/scenarios                    {data}: store a new case; answers its edit key
    GET  /api/scenarios/<id>/copy          a case to start from ("Kopieer en pas aan")
    PUT  /api/scenarios/<id>               {data}: change a stored case (edit key)
    GET  /api/scenarios/<id>.yaml          the stored case as YAML (edit key)

The edit key rides in the edit link's fragment (`#k=`), never in an address a server logs;
the script sends it as `Authorization: Bearer <key>`. A copy of a case without its edit key
has its secrets left empty: the secrets of a case someone may be playing never leave the
server (write your own). A running game keeps the scenario it started with (its first event
holds it), so saving a new version never changes it.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Response, jsonify, render_template, request

from game.codes import ServerCode
from game.engine import views
from game.extension import extension
from game.languages import language
from game.rooms import seats
from game.rooms.catalog import Catalog
from game.rooms.runtime import now_ms
from game.scenarios.loader import Checked, check_data, check_text
from game.scenarios.schema import Scenario
from game.store import cases
from game.web.api import api_limits, bearer, client_address, refusal

bp = Blueprint("cases", __name__)

# The editor's file name in its sentences (`rolwissel scenarios check` names the real file).
FORM = Path("casus")


def _catalog() -> Catalog:
    found = extension().scenarios
    assert isinstance(found, Catalog)
    return found


def _problems(checked: Checked, lang: str) -> list[dict[str, Any]]:
    return [{"path": p.path, "line": p.line, "message": p.text(lang)} for p in checked.problems]


def _answer(checked: Checked, lang: str, **extra: Any) -> dict[str, Any]:
    scenario = checked.scenario
    return {
        "ok": scenario is not None,
        "problems": _problems(checked, lang),
        # What the players' phones and the big screen would show (no secret in it).
        "preview": None if scenario is None else views.scenario_public(scenario),
        **extra,
    }


def to_yaml(data: Any) -> str:
    """A case as YAML in the format of scenarios/ (fields in the schema's order)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _data(scenario: Scenario, with_secrets: bool) -> dict[str, Any]:
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_none=True)
    data["threshold"] = f"{scenario.threshold.numerator}/{scenario.threshold.denominator}"
    if not with_secrets:
        for card in data["roles"].values():
            for secret in card["secrets"]:
                secret["text"] = {"nl": ""}
    return data


def _body_data() -> tuple[Any, str]:
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    return body.get("data"), language(body.get("lang") or request.args.get("lang"))


def _opens(case_id: str) -> cases.StoredCase | None:
    """The stored case when the request's bearer key is its edit key."""
    key = bearer()
    stored = cases.get_case(extension().reader, case_id) if key else None
    if stored is None or not hmac.compare_digest(seats.hash_token(key), stored.edit_key_hash):
        return None
    return stored


@bp.get("/scenarios/new")
def new_case() -> str:
    """The editor for a new case."""
    return render_template("editor.html", page="editor", case_id="")


@bp.get("/scenarios/<case_id>/edit")
def edit_case(case_id: str) -> str:
    """The editor for a stored case; its script asks for the case with the key it holds."""
    return render_template("editor.html", page="editor", case_id=case_id)


@bp.post("/api/scenarios/check")
def check() -> tuple[Response, int]:
    """Sent by the editor as the leader types, and when a YAML file is imported: the problems,
    each with its field and sentence; for YAML also the data to fill the form with."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    lang = language(body.get("lang") or request.args.get("lang"))
    if isinstance(body.get("yaml"), str):
        checked = check_text(body["yaml"], FORM)
        try:
            data = yaml.safe_load(body["yaml"])
        except yaml.YAMLError:
            data = None
        return jsonify(_answer(checked, lang, data=data if isinstance(data, dict) else None)), 200
    if "data" not in body:
        return refusal(ServerCode.BAD_REQUEST, lang)
    checked = check_data(body["data"], FORM)
    # A valid case as YAML, for the editor's "Export as YAML" (also before it is saved).
    text = to_yaml(body["data"]) if checked.scenario is not None else None
    return jsonify(_answer(checked, lang, yaml=text)), 200


@bp.post("/api/scenarios")
def create() -> tuple[Response, int]:
    """Sent by the editor's "Save": a new case, stored and playable at once; the answer holds
    its edit link (the key in the fragment) for this browser to keep. Each new case counts
    against ROOM_CREATE_LIMIT of the client's address, like a new table."""
    data, lang = _body_data()
    checked = check_data(data, FORM)
    if checked.scenario is None:
        return jsonify(_answer(checked, lang)), 422
    # A new case counts like a new table against the address's ROOM_CREATE_LIMIT.
    if not api_limits().create(client_address(), 1):
        return refusal(ServerCode.TOO_MANY_ROOMS, lang)
    scenario = checked.scenario
    key = seats.new_token()
    taken = scenario.id in _catalog().shipped
    if taken or not cases.add_case(
        extension().reader, scenario.id, to_yaml(data), seats.hash_token(key), now_ms()
    ):
        return refusal(ServerCode.CASE_ID_TAKEN, lang, {"id": scenario.id})
    answer = _answer(checked, lang, id=scenario.id, edit_key=key)
    answer["edit_url"] = f"/scenarios/{scenario.id}/edit#k={key}"
    return jsonify(answer), 201


@bp.put("/api/scenarios/<case_id>")
def update(case_id: str) -> tuple[Response, int]:
    """Sent by the editor's "Save" on a stored case, with its edit key. The id stays."""
    data, lang = _body_data()
    if _opens(case_id) is None:
        return refusal(ServerCode.WRONG_KEY if bearer() else ServerCode.NO_KEY, lang)
    checked = check_data(data, FORM)
    if checked.scenario is None:
        return jsonify(_answer(checked, lang)), 422
    if checked.scenario.id != case_id:
        return refusal(ServerCode.CASE_ID_FIXED, lang, {"id": case_id})
    version = cases.update_case(extension().reader, case_id, to_yaml(data), now_ms())
    return jsonify(_answer(checked, lang, id=case_id, version=version)), 200


@bp.get("/api/scenarios/<case_id>/copy")
def copy(case_id: str) -> tuple[Response, int]:
    """A case to start from: with its edit key the whole case (to edit it), without it the
    case with its secrets left empty ("Kopieer en pas aan")."""
    lang = language(request.args.get("lang"))
    scenario = _catalog().get(case_id)
    if scenario is None:
        return refusal(ServerCode.UNKNOWN_SCENARIO, lang)
    mine = _opens(case_id) is not None
    return jsonify({"ok": True, "own": mine, "data": _data(scenario, with_secrets=mine)}), 200


@bp.get("/api/scenarios/<case_id>.yaml")
def export(case_id: str) -> Response | tuple[Response, int]:
    """The stored case as YAML, to keep or to share (it holds the secrets: edit key only)."""
    lang = language(request.args.get("lang"))
    stored = _opens(case_id)
    if stored is None:
        return refusal(ServerCode.WRONG_KEY if bearer() else ServerCode.NO_KEY, lang)
    response = Response(stored.yaml, content_type="application/yaml; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{case_id}.yaml"'
    response.headers["Cache-Control"] = "no-store"
    return response
