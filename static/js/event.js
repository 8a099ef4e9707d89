// The overview of all tables of an event: one live card per table, each its own connection
// with the facilitator key this browser got when the event was created.
import { $, h, setText, show } from "./dom.js";
import { currentBallot, phaseName, resultSentence, roundLabel } from "./game.js";
import { lang, t, tn } from "./i18n.js";
import { connect } from "./net.js";
import { eventInfo, facilitator, roomInfo } from "./store.js";

const eventId = document.body.dataset.eventId;
const info = eventInfo.get(eventId);
// The overview link may carry the key too (#t=...): then it is the key of every table.
const fragmentToken = (/(?:^#|&)t=([^&]+)/.exec(location.hash) || [])[1];
if (fragmentToken) history.replaceState(null, "", location.pathname + location.search);

function tableCard(roomId, index) {
  const card = h("article", { class: "panel table-card", "data-testid": "table", dataset: { roomId } },
    h("h2", {}, t("Table {n}", { n: index + 1 }), " ", h("span", { class: "table-code" })),
    h("p", { class: "table-step" }),
    h("p", { class: "table-people" }),
    h("p", { class: "table-cards" }),
    h("p", { class: "table-vote" }),
    h("p", { class: "table-alert", hidden: true }),
    h("p", { class: "button-row" },
      h("a", { class: "button small", href: `/room/${roomId}/host`, "data-testid": "table-host" }, t("Open the console")),
      h("a", { class: "button small", href: `/room/${roomId}/screen`, target: "_blank", rel: "noopener" }, t("Big screen"))));
  return card;
}

function renderTable(card, roomId, view, message, presence) {
  const pub = view.public;
  const fac = view.facilitator || {};
  const code = roomInfo.get(roomId).code || "";
  setText(card.querySelector(".table-code"), code ? `· ${code}` : "");
  setText(card.querySelector(".table-step"), pub.round ? `${roundLabel(pub)} · ${phaseName(pub.phase)}` : phaseName(pub.phase));
  const players = (fac.players || []).filter((p) => p.active);
  const online = players.filter((p) => presence[p.id]).length;
  setText(card.querySelector(".table-people"), t("{n} players, {online} online", { n: players.length, online }));
  const cards = (pub.cards || []).filter((c) => c.round === pub.round && !c.merged_into).length;
  setText(card.querySelector(".table-cards"), pub.round ? tn("{n} card this round", "{n} cards this round", cards) : "");
  const ballot = currentBallot(pub);
  const results = fac.results || [];
  let vote = "";
  if (ballot && ballot.open) vote = t("Voting: {cast} of {eligible}", { cast: ballot.votes_cast, eligible: ballot.eligible });
  else if (ballot && results.length) vote = resultSentence(results[results.length - 1]);
  setText(card.querySelector(".table-vote"), vote);
  const alert = card.querySelector(".table-alert");
  const issues = (fac.rotation_issues || []).filter((i) => i.kind !== "too_few_players").length;
  setText(alert, pub.paused ? t("Paused") : (issues ? t("The roles need attention.") : ""));
  show(alert, pub.paused || issues > 0);
}

async function loadRooms(token) {
  try {
    const response = await fetch(`/api/events/${encodeURIComponent(eventId)}?lang=${lang}`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    });
    const reply = await response.json();
    if (!response.ok) throw reply;
    return reply.rooms || [];
  } catch (problem) {
    setText($("#page-error"), (problem && problem.message) || t("The tables could not be loaded. Reload the page to try again."));
    show($("#page-error"), true);
    return [];
  }
}

async function start() {
  const token = fragmentToken ? decodeURIComponent(fragmentToken) : (info && info.token);
  if (!token) {
    setText($("#page-error"), t("This browser has no key for these tables. Open the link you got when you created the game."));
    show($("#page-error"), true);
    return;
  }
  eventInfo.set(eventId, { ...(info || {}), token });
  const rooms = await loadRooms(token);
  rooms.forEach((r, index) => {
    const roomId = r.room_id;
    facilitator.set(roomId, token);
    roomInfo.set(roomId, { code: r.code, join_url: r.join_url, screen_url: r.screen_url });
    const card = tableCard(roomId, index);
    $("#tables").append(card);
    let presence = {};
    let last = null;
    connect({
      room: roomId,
      token,
      banner: null,
      onState: (view, message) => {
        if (message && message.presence) presence = message.presence;
        last = [view, message];
        renderTable(card, roomId, view, message, presence);
      },
      onPresence: (update) => {
        presence = { ...presence, ...update };
        if (last) renderTable(card, roomId, last[0], last[1], presence);
      },
      onRefused: (code, message) => {
        setText(card.querySelector(".table-alert"), message || t("This game cannot be found."));
        show(card.querySelector(".table-alert"), true);
      },
    });
  });
}

start();
