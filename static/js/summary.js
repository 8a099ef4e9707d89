// The summary and comparison pages: the print button, and opening a locked page with a key
// this browser holds. Everything else on these pages is rendered by the server; the
// Content-Security-Policy allows no inline handlers.
//
// The room id alone opens nothing. A locked page (data-locked) looks for a key: the link's
// fragment (#k= the summary's key, #t= the facilitator's), then what this browser kept (the
// facilitator token of the room or event, the seat token of a player). It posts the key to
// .../open, which answers with a grant (a cookie for this room's or event's addresses), and
// reloads. The key itself never goes into an address a server sees.
import { api, problemText } from "./api.js";
import { $, showError } from "./dom.js";
import { lang, t } from "./i18n.js";
import { eventInfo, facilitator, fragmentKey, seat } from "./store.js";

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

function keysFor(body) {
  const room = body.dataset.roomId;
  const event = body.dataset.eventId;
  const kept = room
    ? [facilitator.get(room), (seat.get(room) || {}).token]
    : [(eventInfo.get(event) || {}).token];
  return [fragmentKey("k"), fragmentKey("t"), ...kept].filter((key) => typeof key === "string" && key);
}

async function unlock() {
  const body = document.body;
  const locked = $("[data-locked]");
  if (!locked) return;
  const path = body.dataset.roomId
    ? `/room/${encodeURIComponent(body.dataset.roomId)}/summary/open`
    : `/event/${encodeURIComponent(body.dataset.eventId)}/compare/open`;
  // Once per page load at most: a browser that keeps no cookies would otherwise reload forever.
  const tried = `rw:unlocked:${path}`;
  let again = false;
  try {
    again = Date.now() - Number(sessionStorage.getItem(tried) || 0) < 10000;
    sessionStorage.removeItem(tried);
  } catch {
    again = false;
  }
  if (again) {
    showError($("#locked-error"), t("This browser did not keep the key. Allow cookies for this site and reload the page."));
    return;
  }
  let problem = null;
  for (const key of keysFor(body)) {
    try {
      await api(`${path}?lang=${lang}`, { body: { key } });
      try { sessionStorage.setItem(tried, String(Date.now())); } catch { /* no storage: one try */ }
      location.reload();
      return;
    } catch (refused) {
      problem = refused;
    }
  }
  showError($("#locked-error"), problem
    ? problemText(problem, t("This key does not open this page."))
    : t("This browser has no key for this page. Open the link you were given."));
}

unlock();
