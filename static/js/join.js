// The join page: code, display name and home role; on success the seat token is kept per
// room and the player goes to their page.
import { $, charCounter, setText, show } from "./dom.js";
import { lang, t } from "./i18n.js";
import { seat } from "./store.js";

const form = $("#join-form");
const error = $("#join-error");
const name = $("#name");
charCounter(name, $("#name-count"), 40);

function fail(text, field) {
  setText(error, text);
  show(error, Boolean(text));
  if (field) field.focus();
}

// Keep what was typed if the page is reloaded before joining.
for (const field of [name]) {
  const kept = sessionStorage.getItem("rw:join:name");
  if (kept && !field.value) field.value = kept;
  field.addEventListener("input", () => sessionStorage.setItem("rw:join:name", field.value));
}
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
    const response = await fetch("/api/join", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ code, name: displayName, home_role: role.value, lang }),
    });
    reply = await response.json();
    if (!response.ok || !reply.seat_token) throw reply;
  } catch (problem) {
    button.disabled = false;
    return fail((problem && problem.message) || t("Joining did not work. Check your connection and try again."));
  }
  seat.set(reply.room_id, { token: reply.seat_token, player_id: reply.player_id });
  sessionStorage.removeItem("rw:join:name");
  const url = new URL(reply.play_url || `/room/${reply.room_id}/play`, location.origin);
  location.assign(url.pathname + url.search);
});
