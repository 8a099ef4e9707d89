// The join page: code, display name and home role; on success the seat token is kept per
// room (with the code and the name) and the player goes to their page. A browser that already
// holds a seat in the game of this code is offered to go on there ("Continue as Anna"); the
// join page of a closed game leads to its summary.
import { api, problemText } from "./api.js";
import { $, charCounter, setText, show, showError, tooLong } from "./dom.js";
import { lang, t } from "./i18n.js";
import { deviceId, normaliseCode, seat, seatByCode } from "./store.js";

const form = $("#join-form");
const error = $("#join-error");
const name = $("#name");
const NAME_DRAFT = "rw:join:name"; // what was typed, if the page is reloaded before joining

function fail(text, field) {
  showError(error, text);
  if (field) field.focus();
}

try {
  if (!name.value) name.value = sessionStorage.getItem(NAME_DRAFT) || "";
  name.addEventListener("input", () => sessionStorage.setItem(NAME_DRAFT, name.value));
} catch {
  // No storage: the name is simply not kept.
}
charCounter(name, $("#name-count"));

// "Continue as Anna": the seat this browser holds in the game of the code in the field.
let someoneElse = false; // the person chose a new seat of their own for this code

function offerKeptSeat() {
  const kept = someoneElse || !$("#join-closed").hidden ? null : seatByCode(normaliseCode($("#code").value));
  show($("#join-kept"), Boolean(kept));
  show($("#join-panel"), !kept && $("#join-closed").hidden);
  if (!kept) return false;
  $("#kept-continue").href = `/room/${encodeURIComponent(kept.room)}/play`;
  setText($("#kept-continue"), kept.name ? t("Continue as {name}", { name: kept.name }) : t("Continue in this game"));
  return true;
}

$("#kept-other").addEventListener("click", () => {
  someoneElse = true;
  offerKeptSeat();
  name.focus();
});
$("#code").addEventListener("input", () => {
  if (offerKeptSeat()) $("#kept-continue").focus();
});
// Back after joining may show this page from the browser's memory: look again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  $("[data-testid=join-submit]").disabled = false;
  someoneElse = false; // the seat just taken is the one to go on with now
  if (offerKeptSeat()) $("#kept-continue").focus();
});

function closed(summaryUrl) {
  $("#closed-summary").href = summaryUrl;
  show($("#join-closed"), true);
  show($("#join-panel"), false);
  $("#closed-summary").focus();
}

if (!$("#join-closed").hidden) $("#closed-summary").focus();
else if (offerKeptSeat()) $("#kept-continue").focus();
else if (!$("#code").value) $("#code").focus();
else name.focus();

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  fail("");
  const code = $("#code").value.trim();
  const displayName = name.value.trim();
  const role = document.querySelector("input[name=home_role]:checked");
  if (!code) return fail(t("Fill in the join code."), $("#code"));
  if (!displayName) return fail(t("Fill in your name."), name);
  if (tooLong(name)) return fail(tooLong(name), name);
  if (!role) return fail(t("Choose what you are in real life."), document.querySelector("input[name=home_role]"));
  const button = $("[data-testid=join-submit]");
  button.disabled = true;
  let reply;
  try {
    reply = await api("/api/join", { body: { code, name: displayName, home_role: role.value, lang, device: deviceId() } });
    if (!reply.seat_token) throw reply;
  } catch (problem) {
    button.disabled = false;
    if (problem && problem.code === "game_closed" && problem.detail && problem.detail.summary_url) {
      return closed(problem.detail.summary_url);
    }
    return fail(problemText(problem, t("Joining did not work. Check your connection and try again.")));
  }
  seat.set(reply.room_id, { token: reply.seat_token, player_id: reply.player_id, name: displayName, code: normaliseCode(code) });
  try { sessionStorage.removeItem(NAME_DRAFT); } catch { /* nothing was kept */ }
  const url = new URL(reply.play_url || `/room/${reply.room_id}/play`, location.origin);
  return location.assign(url.pathname + url.search);
});
