// The overview of all tables of an event: one live card per table, each its own connection
// (shell.js connectLive) with the facilitator key this browser got when the event was created.
import { api, problemText } from "./api.js";
import { $, showError } from "./dom.js";
import { currentBallot, phaseName, resultSentence, roundLabel } from "./game.js";
import { html, nothing, render } from "./html.js";
import { lang, t, tn } from "./i18n.js";
import { connectLive } from "./shell.js";
import { eventInfo, facilitator, roomInfo } from "./store.js";

const eventId = document.body.dataset.eventId;
const info = eventInfo.get(eventId);
// The overview link may carry the key too (#t=...): then it is the key of every table.
const fragmentToken = (/(?:^#|&)t=([^&]+)/.exec(location.hash) || [])[1];
if (fragmentToken) history.replaceState(null, "", location.pathname + location.search);

// What one table looks like now; `refused` is why its connection was refused, if it was.
function tableView(roomId, index, live, refused) {
  const view = live.view;
  const code = roomInfo.get(roomId).code || "";
  const screenUrl = roomInfo.get(roomId).screen_url || ""; // with the big screen's key
  let facts = nothing;
  let alert = refused || "";
  if (view) {
    const pub = view.public;
    const fac = view.facilitator || {};
    const players = (fac.players || []).filter((p) => p.active);
    const online = players.filter((p) => live.presence[p.id]).length;
    const cards = (pub.cards || []).filter((c) => c.round === pub.round && !c.merged_into).length;
    const ballot = currentBallot(pub);
    const results = fac.results || [];
    let vote = "";
    if (ballot && ballot.open) vote = t("Voting: {cast} of {eligible}", { cast: ballot.votes_cast, eligible: ballot.eligible });
    else if (ballot && results.length) vote = resultSentence(results[results.length - 1]);
    const issues = (fac.rotation_issues || []).filter((i) => i.kind !== "too_few_players").length;
    alert = alert || (pub.paused ? t("Paused") : (issues ? t("The roles need attention.") : ""));
    facts = html`<p class="table-step">${pub.round ? `${roundLabel(pub)} · ${phaseName(pub.phase)}` : phaseName(pub.phase)}</p>
      <p class="table-people">${t("{n} players, {online} online", { n: players.length, online })}</p>
      <p class="table-cards">${pub.round ? tn("{n} card this round", "{n} cards this round", cards) : ""}</p>
      <p class="table-vote">${vote}</p>`;
  }
  return html`<article class="panel table-card" data-testid="table" data-room-id=${roomId}>
    <h2>${t("Table {n}", { n: index + 1 })} <span class="table-code">${code ? `· ${code}` : ""}</span></h2>
    ${facts}
    <p class="table-alert" ?hidden=${!alert}>${alert}</p>
    <p class="button-row">
      <a class="button small" href="/room/${roomId}/host" data-testid="table-host">${t("Open the console")}</a>
      ${screenUrl ? html`<a class="button small" href=${screenUrl} target="_blank" rel="noopener" data-testid="table-screen">${t("Big screen")}</a>` : nothing}
    </p></article>`;
}

async function start() {
  const token = fragmentToken ? decodeURIComponent(fragmentToken) : (info && info.token);
  if (!token) {
    showError($("#page-error"), t("This browser has no key for these tables. Open the link you got when you created the game."));
    return;
  }
  eventInfo.set(eventId, { ...(info || {}), token });
  let rooms;
  try {
    rooms = (await api(`/api/events/${encodeURIComponent(eventId)}?lang=${lang}`, { token })).rooms || [];
  } catch (problem) {
    showError($("#page-error"), problemText(problem, t("The tables could not be loaded. Reload the page to try again.")));
    return;
  }
  const tables = rooms.map((r, index) => {
    facilitator.set(r.room_id, token);
    roomInfo.set(r.room_id, { code: r.code, join_url: r.join_url, screen_url: r.screen_url, summary_url: r.summary_url });
    const table = { roomId: r.room_id, index, refused: "" };
    const { live } = connectLive({
      room: r.room_id,
      token,
      banner: null,
      onRefused: (code, message) => {
        table.refused = message || t("This game cannot be found.");
        draw();
      },
    });
    table.live = live;
    live.subscribe(() => draw());
    return table;
  });
  function draw() {
    render(tables.map((table) => tableView(table.roomId, table.index, table.live, table.refused)), $("#tables"));
  }
  draw();
}

start();
