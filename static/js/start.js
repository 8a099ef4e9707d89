// The start page: choose a case and a number of tables, create the game, and go to the
// console (one table) or the overview of all tables (several).
import { $, h, setText, show } from "./dom.js";
import { lang, t, tn } from "./i18n.js";
import { eventInfo, facilitator, roomInfo } from "./store.js";

const list = $("#scenario-list");
const error = $("#create-error");

function fail(text) {
  setText(error, text);
  show(error, Boolean(text));
}

async function loadScenarios() {
  let scenarios;
  try {
    const response = await fetch(`/api/scenarios?lang=${lang}`, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    scenarios = await response.json();
  } catch {
    list.replaceChildren(h("p", { class: "error", text: t("The cases could not be loaded. Reload the page to try again.") }));
    return;
  }
  if (Array.isArray(scenarios.scenarios)) scenarios = scenarios.scenarios;
  list.replaceChildren(...scenarios.map((s, i) => h("label", { class: "choice" },
    h("input", { type: "radio", name: "scenario", value: s.id, checked: i === 0,
                 "data-testid": `scenario-${s.id}` }),
    h("span", { class: "choice-body" },
      h("strong", { class: "choice-title", text: s.title }),
      h("span", { class: "choice-text", text: s.summary }),
      s.minutes ? h("span", { class: "choice-meta", text: tn("About {n} minute", "About {n} minutes", s.minutes) }) : null))));
}

$("#create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  fail("");
  const chosen = document.querySelector("input[name=scenario]:checked");
  if (!chosen) return fail(t("Choose a case first."));
  const tables = Number($("#tables").value);
  if (!Number.isInteger(tables) || tables < 1 || tables > 12) {
    $("#tables").focus();
    return fail(t("Choose between 1 and 12 tables."));
  }
  const button = $("[data-testid=create-game]");
  button.disabled = true;
  let reply;
  try {
    const response = await fetch("/api/rooms", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ scenario_id: chosen.value, tables, lang }),
    });
    reply = await response.json();
    if (!response.ok) throw reply;
  } catch (problem) {
    button.disabled = false;
    return fail((problem && problem.message) || t("The game could not be created. Try again."));
  }
  // Keep the key of every table in this browser, so the console and overview can lead them.
  const rooms = reply.rooms || [];
  for (const r of rooms) {
    facilitator.set(r.room_id, reply.facilitator_token);
    roomInfo.set(r.room_id, { code: r.code, join_url: r.join_url, screen_url: r.screen_url,
                              host_url: r.host_url, event_id: reply.event_id || null });
  }
  if (reply.event_id) eventInfo.set(reply.event_id, { token: reply.facilitator_token, rooms: rooms.map((r) => r.room_id) });
  const target = rooms.length > 1 && reply.overview_url ? reply.overview_url : rooms[0].host_url;
  const url = new URL(target, location.origin);
  if (!/(^#|&)t=/.test(url.hash)) url.hash = `t=${encodeURIComponent(reply.facilitator_token)}`;
  location.assign(url.pathname + url.search + url.hash);
});

$("#join-form").addEventListener("submit", (event) => {
  const code = $("#join-code").value.trim();
  if (code) {
    event.preventDefault();
    location.assign(`/j/${encodeURIComponent(code.toUpperCase())}`);
  }
});

loadScenarios();
