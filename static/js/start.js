// The start page: the games this browser leads ("Your games"), choose a case and a number of
// tables, create the game, and go to the console (one table) or the overview of all tables.
import { api, problemText } from "./api.js";
import { $, show, showError } from "./dom.js";
import { caseLinks } from "./editor_links.js";
import { html, nothing, render, repeat } from "./html.js";
import { lang, pick, t, tn } from "./i18n.js";
import { chosenPlan, showPlans } from "./plans.js";
import { eventInfo, facilitator, myGames, roomInfo } from "./store.js";

const list = $("#scenario-list");
const error = $("#create-error");

// ---------------------------------------------------------------- your games

// The address that opens a game's console (or overview) with the key this browser keeps.
function gameUrl(game) {
  if (game.kind === "event") {
    const info = eventInfo.get(game.id);
    return info && info.token ? `/event/${encodeURIComponent(game.id)}#t=${encodeURIComponent(info.token)}` : null;
  }
  const token = facilitator.get(game.id);
  return token ? `/room/${encodeURIComponent(game.id)}/host#t=${encodeURIComponent(token)}` : null;
}

function when(ms) {
  return new Date(ms).toLocaleString(lang === "nl" ? "nl-NL" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
}

function renderMyGames(focusAfter = false) {
  const games = myGames.list().filter((g) => gameUrl(g));
  show($("#my-games"), games.length > 0);
  render(repeat(games, (g) => `${g.kind}:${g.id}`, (g) => html`<li class="my-game" data-testid="my-game" data-game-id=${g.id}>
    <span class="my-game-title">${pick(g.title) || t("A game")}</span>
    <span class="hint">${g.kind === "event" ? tn("{n} table", "{n} tables", g.tables || 1) : t("1 table")}${
      g.created_at ? html` · ${t("made {when}", { when: when(g.created_at) })}` : nothing}</span>
    <span class="button-row">
      <a class="button small primary" href=${gameUrl(g)} data-testid="my-game-open">${g.kind === "event" ? t("Open the overview") : t("Open the console")}</a>
      <button type="button" class="button small" data-testid="my-game-forget"
        aria-label=${t("Forget {title}", { title: pick(g.title) || t("A game") })}
        @click=${() => { myGames.forget(g.kind, g.id); renderMyGames(true); }}>${t("Forget")}</button>
    </span></li>`), $("#my-games-list"));
  if (focusAfter) (document.querySelector("[data-testid=my-game-open]") || $("#join-code")).focus();
}

renderMyGames();

async function loadScenarios() {
  let scenarios;
  try {
    scenarios = await api(`/api/scenarios?lang=${lang}`);
  } catch {
    list.replaceChildren();
    render(html`<p class="error">${t("The cases could not be loaded. Reload the page to try again.")}</p>`, list);
    return;
  }
  showPlans(scenarios); // the session plans (plans.js, issue 10)
  if (Array.isArray(scenarios.scenarios)) scenarios = scenarios.scenarios;
  list.replaceChildren(); // the "Loading the cases…" line
  const choice = (s, i) => html`<div class="choice-row"><label class="choice">
    <input type="radio" name="scenario" value=${s.id} ?checked=${i === 0} data-testid="scenario-${s.id}">
    <span class="choice-body">
      <strong class="choice-title">${s.title}</strong>
      <span class="choice-text">${s.summary}</span>
      ${s.minutes ? html`<span class="choice-meta">${tn("About {n} minute", "About {n} minutes", s.minutes)}</span>` : nothing}
    </span></label>${caseLinks(s)}</div>`;
  // The cases written in the editor come last, under their own heading (editor.js, issue 10).
  const own = scenarios.filter((s) => s.own);
  render(html`${scenarios.filter((s) => !s.own).map(choice)}
    ${own.length ? html`<h3 data-testid="own-cases">${t("Own cases")}</h3>${own.map((s) => choice(s, -1))}` : nothing}`, list);
}

$("#create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showError(error, "");
  const chosen = document.querySelector("input[name=scenario]:checked");
  if (!chosen) return showError(error, t("Choose a case first."));
  const tables = Number($("#tables").value);
  if (!Number.isInteger(tables) || tables < 1 || tables > 12) {
    $("#tables").focus();
    return showError(error, t("Choose between 1 and 12 tables."));
  }
  const button = $("[data-testid=create-game]");
  button.disabled = true;
  let reply;
  try {
    reply = await api("/api/rooms", { body: { scenario_id: chosen.value, tables, plan: chosenPlan(), lang } });
  } catch (problem) {
    button.disabled = false;
    return showError(error, problemText(problem, t("The game could not be created. Try again.")));
  }
  // Keep the key of every table in this browser, so the console and overview can lead them.
  const rooms = reply.rooms || [];
  for (const r of rooms) {
    facilitator.set(r.room_id, reply.facilitator_token);
    roomInfo.set(r.room_id, { code: r.code, join_url: r.join_url, screen_url: r.screen_url,
                              summary_url: r.summary_url, host_url: r.host_url, event_id: reply.event_id || null });
  }
  if (reply.event_id) eventInfo.set(reply.event_id, { token: reply.facilitator_token, rooms: rooms.map((r) => r.room_id) });
  const title = chosen.closest(".choice").querySelector(".choice-title").textContent;
  myGames.add(reply.event_id
    ? { kind: "event", id: reply.event_id, title, created_at: Date.now(), tables: rooms.length }
    : { kind: "room", id: rooms[0].room_id, title, created_at: Date.now(), tables: 1 });
  const target = rooms.length > 1 && reply.overview_url ? reply.overview_url : rooms[0].host_url;
  const url = new URL(target, location.origin);
  if (!/(^#|&)t=/.test(url.hash)) url.hash = `t=${encodeURIComponent(reply.facilitator_token)}`;
  return location.assign(url.pathname + url.search + url.hash);
});

$("#join-form").addEventListener("submit", (event) => {
  const code = $("#join-code").value.trim();
  if (code) {
    event.preventDefault();
    location.assign(`/j/${encodeURIComponent(code.toUpperCase())}`);
  }
});

loadScenarios();
