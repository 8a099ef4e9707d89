// The join page: code, display name and home role; on success the seat token is kept per
// room and the player goes to their page.
import { api, problemText } from "./api.js";
import { $, charCounter, showError } from "./dom.js";
import { lang, t } from "./i18n.js";
import { deviceId, seat } from "./store.js";

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
if (!$("#code").value) $("#code").focus();
else name.focus();

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  fail("");
  const code = $("#code").value.trim();
  const displayName = name.value.trim();
  const role = document.querySelector("input[name=home_role]:checked");
  if (!code) return fail(t("Fill in the join code."), $("#code"));
  if (!displayName) return fail(t("Fill in your name."), name);
  if (!role) return fail(t("Choose what you are in real life."), document.querySelector("input[name=home_role]"));
  const button = $("[data-testid=join-submit]");
  button.disabled = true;
  let reply;
  try {
    reply = await api("/api/join", { body: { code, name: displayName, home_role: role.value, lang, device: deviceId() } });
    if (!reply.seat_token) throw reply;
  } catch (problem) {
    button.disabled = false;
    return fail(problemText(problem, t("Joining did not work. Check your connection and try again.")));
  }
  seat.set(reply.room_id, { token: reply.seat_token, player_id: reply.player_id });
  try { sessionStorage.removeItem(NAME_DRAFT); } catch { /* nothing was kept */ }
  const url = new URL(reply.play_url || `/room/${reply.room_id}/play`, location.origin);
  return location.assign(url.pathname + url.search);
});
