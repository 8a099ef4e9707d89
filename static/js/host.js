// The facilitator console (laptop): who is there, steering, timer, board moderation, the
// role spread, the round-4 proposal and vote, and closing the game.
import { api, problemText } from "./api.js";
import { Board, cardCount, cardView, reactionSummary, topLevel } from "./board.js";
import { $, copyText, setText, show, showError, whileBusy } from "./dom.js";
import { filled, Intention } from "./forms.js";
import { caseText, currentBallot, loopbackHost, loopbackText, neighbourStep, phaseName, proposalBlock, proposalVersion,
         questionSection, resultBlock, roundLabel, roundSpec, spreadCounts, stepLabel, summaryUrl,
         TIMER_PRESETS } from "./game.js";
import { html, live, nothing, render, repeat } from "./html.js";
import { lang, pick, t, tn } from "./i18n.js";
import { LIMITS } from "./limits.js";
import { announce } from "./live.js";
import { roleBadge, roleName, ROLES } from "./roles.js";
import { paperSection } from "./paper.js";
import { suggestedMinutes } from "./plans.js";
import { startPage } from "./shell.js";
import { readAloud } from "./speech.js";
import { facilitator, myGames, roomInfo, takeTokenFromFragment } from "./store.js";

const room = document.body.dataset.roomId;
const token = takeTokenFromFragment(room);

let page = null;
let proposalForm = null;
let pub = null;
let fac = null;
let boardRound = null; // the round whose cards are shown; follows the game unless chosen

const refresh = () => page.live.notify();

// A steering button sends the version it was pressed on, so a double click moves once.
function steer(type, error, { fields = {}, steering = true } = {}) {
  return (event) => page.send(type, fields, { error: $(error), button: event.currentTarget, steering });
}

// ---------------------------------------------------------------- the room bar

// The code and the links (big screen and summary, each with its key) come over the socket to
// the facilitator's key (`links`); a browser that created the game also kept them.
function renderRoomBar(links = null) {
  if (links) roomInfo.set(room, { code: links.code, join_url: links.join_url, screen_url: links.screen_url,
                                  summary_url: links.summary_url });
  const info = roomInfo.get(room);
  setText($("#room-code"), info.code || "…");
  const joinUrl = info.join_url || `${location.origin}/join`;
  $("#join-link").href = joinUrl;
  setText($("#join-link"), joinUrl.replace(/^https?:\/\//, ""));
  // Only a link with the screen's key opens the big screen.
  const keyed = (url) => (url && url.includes("#k=") ? new URL(url, location.origin).href : "");
  const screenUrl = keyed(info.screen_url);
  show($("#screen-link"), Boolean(screenUrl));
  if (screenUrl) $("#screen-link").href = screenUrl;
  $("#screen-key-link").value = screenUrl;
  $("#summary-key-link").value = keyed(info.summary_url);
  const loopback = loopbackHost(joinUrl);
  show($("#loopback-warning"), Boolean(loopback));
  if (loopback) setText($("#loopback-warning"), loopbackText(loopback));
}

// The console's own link, with its key: kept, it opens this console again in any browser.
function renderHostKey() {
  $("#host-key-link").value = token ? `${location.origin}/room/${encodeURIComponent(room)}/host#t=${encodeURIComponent(token)}` : "";
}

$("#copy-link").addEventListener("click", () => copyText($("#join-link").href, $("#copy-status")));
$("#copy-screen-link").addEventListener("click", () =>
  copyText($("#screen-key-link").value, $("#copy-key-status"), $("#screen-key-link")));
$("#copy-summary-link").addEventListener("click", () =>
  copyText($("#summary-key-link").value, $("#copy-key-status"), $("#summary-key-link")));
$("#copy-host-link").addEventListener("click", () =>
  copyText($("#host-key-link").value, $("#copy-host-status"), $("#host-key-link")));

// ---------------------------------------------------------------- steering

$("#start").addEventListener("click", steer("start", "#steer-error"));

// A step within a few seconds of another step change (perhaps from a second console) is
// refused with step_too_soon: ask, and send it again with confirm only when the leader says so.
let asking = null; // {type, button} while "Go on anyway?" is asked

async function stepOnce(type, button, confirm = false) {
  // The confirmation goes without the version: a card posted meanwhile must not refuse it.
  const reply = await page.send(type, confirm ? { confirm: true } : {},
    { error: $("#steer-error"), button, steering: !confirm });
  if (!reply.ok && reply.code === "step_too_soon") {
    showError($("#steer-error"), "");
    asking = { type, button };
    show($("#step-confirm"), true);
    $("#step-confirm-yes").focus();
  }
  return reply;
}

function closeStepConfirm() {
  const was = asking;
  asking = null;
  show($("#step-confirm"), false);
  return was;
}

$("#next").addEventListener("click", (e) => stepOnce("next_phase", e.currentTarget));
$("#previous").addEventListener("click", (e) => stepOnce("previous_phase", e.currentTarget));
$("#step-confirm-yes").addEventListener("click", (e) => {
  const was = closeStepConfirm();
  if (was) stepOnce(was.type, e.currentTarget, true).then(() => $("#next").focus());
});
$("#step-confirm-no").addEventListener("click", () => {
  const was = closeStepConfirm();
  if (was && !was.button.hidden) was.button.focus();
});
$("#pause").addEventListener("click", steer("pause_game", "#steer-error"));
$("#resume").addEventListener("click", steer("resume_game", "#steer-error"));

function renderSteer() {
  const round = roundLabel(pub);
  const phase = phaseName(pub.phase);
  // "Round 4 of 4 · Decision" already names the step: no second "Decision" after it.
  const same = round.endsWith(` · ${phase}`);
  setText($("#round-label"), round);
  setText($("#phase-label"), same ? "" : phase);
  setText($("#step-now"), pub.round && !same ? `${round} · ${phase}` : (pub.round ? round : phase));
  const lobby = pub.phase === "lobby";
  const closed = pub.phase === "closed";
  show($("#start"), lobby);
  const next = lobby ? null : neighbourStep(pub, 1);
  const previous = lobby ? null : neighbourStep(pub, -1);
  show($("#next"), Boolean(next));
  if (next) setText($("#next"), t("Next: {step}", { step: stepLabel(pub, next) }));
  show($("#previous"), Boolean(previous));
  if (previous) setText($("#previous"), t("Back: {step}", { step: stepLabel(pub, previous) }));
  show($("#pause"), !lobby && !closed && !pub.paused);
  show($("#resume"), !lobby && !closed && pub.paused);
  const count = (pub.players || []).length;
  $("#start").disabled = count === 0;
  // Fewer than three: not every role can be played; say so before the start.
  show($("#few-players"), lobby && count < 3);
  if (lobby && count < 3) {
    setText($("#few-players"), tn("Only {n} player is in. With fewer than three players not every role can be played: wait for more, or start anyway.",
      "Only {n} players are in. With fewer than three players not every role can be played: wait for more, or start anyway.", count));
  }
  if (asking && (lobby || closed)) closeStepConfirm();
}

// ---------------------------------------------------------------- timer

const timerAction = (type, fields) => steer(type, "#timer-error", { fields, steering: false });

$("#timer-extend").addEventListener("click", timerAction("extend_timer", { seconds: 60 }));
$("#timer-pause").addEventListener("click", timerAction("pause_timer"));
$("#timer-resume").addEventListener("click", timerAction("resume_timer"));

function renderTimer() {
  const tm = pub.phase === "closed" ? null : pub.timer;
  show($("#timer-none"), !tm);
  show($("#timer-extend"), Boolean(tm));
  show($("#timer-pause"), Boolean(tm && tm.running && page.timer.remaining() > 0));
  show($("#timer-resume"), Boolean(tm && !tm.running));
  const spec = pub.round >= 1 ? roundSpec(pub) : null;
  // The session plan's minutes for this step (plans.js); one more button when no preset fits.
  const advised = suggestedMinutes(pub, spec);
  const presets = advised && !TIMER_PRESETS.includes(advised) ? [advised, ...TIMER_PRESETS] : TIMER_PRESETS;
  render(presets.map((minutes) => {
    const suggested = advised === minutes;
    return html`<button type="button" class="button small preset ${suggested ? "suggested" : ""}" data-testid="timer-${minutes}"
      title=${suggested ? t("Suggested for this step") : ""}
      @click=${timerAction("set_timer", { seconds: minutes * 60 })}>${tn("{n} min", "{n} min", minutes)}</button>`;
  }), $("#timer-presets"));
}

// ---------------------------------------------------------------- players

let removing = null; // {id, intention} while "Remove Anna?" is asked
const homeIntentions = new Map(); // player id -> Intention

function playerName(id) {
  const p = (fac.players || []).find((x) => x.id === id);
  return p ? p.name : "?";
}

function setHome(player, role) {
  if (!homeIntentions.has(player.id)) homeIntentions.set(player.id, new Intention());
  page.send("set_player_home_role", { player_id: player.id, role },
    { error: $("#players-error"), intention: homeIntentions.get(player.id) });
}

function askRemove(id) {
  removing = { id, intention: new Intention() };
  refresh();
  $(`[data-testid=player-row][data-player-id="${CSS.escape(id)}"] [data-testid=remove-player-confirm]`).focus();
}

function keepPlayer(id) {
  removing = null;
  refresh();
  $(`[data-testid=player-row][data-player-id="${CSS.escape(id)}"] [data-testid=remove-player]`).focus();
}

function playerActions(p) {
  if (!removing || removing.id !== p.id) {
    return html`<button type="button" class="button small danger-outline" data-testid="remove-player" @click=${() => askRemove(p.id)}>${t("Remove")}</button>`;
  }
  return html`<span class="confirm-inline" role="group" aria-label=${t("Remove {name} from the game?", { name: p.name })}>
    <button type="button" class="button small danger" data-testid="remove-player-confirm"
      @click=${() => page.send("remove_player", { player_id: p.id }, { error: $("#players-error"), intention: removing.intention })}>${t("Yes, remove")}</button>
    <button type="button" class="button small" @click=${() => keepPlayer(p.id)}>${t("No")}</button></span>`;
}

// Players the facilitator took out: their device may come back only when let back in.
const readmitted = new Set(); // ids let back in from this console

async function readmit(player, button) {
  showError($("#removed-error"), "");
  try {
    await whileBusy(button, () => api(`/api/rooms/${encodeURIComponent(room)}/readmit?lang=${lang}`,
      { token, body: { player_id: player.id } }));
  } catch (problem) {
    showError($("#removed-error"), problemText(problem, t("That did not work. Try again.")));
    return;
  }
  readmitted.add(player.id);
  refresh();
  announce(t("{name} can join again.", { name: player.name }));
}

function renderRemoved() {
  const removed = (fac.players || []).filter((p) => !p.active && p.left_reason === "removed");
  show($("#removed"), removed.length > 0);
  render(repeat(removed, (p) => p.id, (p) => html`<li data-player-id=${p.id}><span>${p.name}</span>
    ${readmitted.has(p.id)
      ? html`<span class="hint">${t("Can join again")}</span>`
      : html`<button type="button" class="button small" data-testid="readmit"
          @click=${(e) => readmit(p, e.currentTarget)}>${t("Let back in")}</button>`}</li>`), $("#removed-list"));
}

// What the current step asks of a player, and whether they did it (never how they voted).
function progress(row) {
  if (!row) return null;
  const ballot = currentBallot(pub);
  if (pub.phase === "decision" && ballot) return { done: row.voted, text: row.voted ? t("Voted") : t("Not voted yet") };
  if (pub.phase === "reflection") return { done: row.reflected, text: row.reflected ? t("Reflection saved") : t("No reflection yet") };
  if (pub.phase === "scoring") {
    const options = (pub.scenario.options || []).length;
    return { done: row.scored >= options, text: t("Scored {n} of {total}", { n: row.scored, total: options }) };
  }
  if (pub.phase === "play") return { done: row.cards > 0, text: cardCount(row.cards) };
  return null;
}

// "Not voted yet: Anna, Bram": who has not done what this step asks, by name.
function waitingText(rows) {
  const names = rows.filter((row) => { const p = progress(row); return p && !p.done; }).map((row) => row.name);
  if (!names.length) return "";
  const list = names.join(", ");
  if (pub.phase === "decision") return t("Not voted yet: {names}", { names: list });
  if (pub.phase === "reflection") return t("No reflection yet: {names}", { names: list });
  if (pub.phase === "scoring") return t("Not scored yet: {names}", { names: list });
  return t("No card yet: {names}", { names: list });
}

function renderPlayers() {
  renderRemoved();
  const players = (fac.players || []).filter((p) => p.active);
  const overview = Object.fromEntries((fac.overview || []).map((row) => [row.player_id, row]));
  const ballot = currentBallot(pub);
  // During a vote the line "Not voted yet" is about the open vote only.
  const counting = pub.phase === "decision" ? Boolean(ballot && ballot.open) : ["play", "reflection", "scoring"].includes(pub.phase);
  const waiting = counting ? waitingText(fac.overview || []) : "";
  show($("#waiting-for"), Boolean(waiting));
  setText($("#waiting-for"), waiting);
  const presence = page.live.presence;
  setText($("#players-count"), `(${players.length})`);
  show($("#players-empty"), players.length === 0);
  const canSetHome = pub.round <= 3 && pub.phase !== "closed";
  render(repeat(players, (p) => p.id, (p) => {
    const online = Boolean(presence[p.id]);
    return html`<tr data-testid="player-row" data-player-id=${p.id}>
      <th scope="row" class="player-name">${p.name}</th>
      <td class="presence"><span class="dot ${online ? "dot-on" : "dot-off"}" aria-hidden="true"></span><span>${online ? t("online") : t("offline")}</span></td>
      <td class="home">${canSetHome
        ? html`<select class="home-select" data-testid="home-role-select" aria-label=${t("In real life: {name}", { name: p.name })}
            @change=${(e) => setHome(p, e.currentTarget.value)}>${ROLES.map((role) =>
              html`<option value=${role} .selected=${live(role === p.home_role)}>${roleName(role)}</option>`)}</select>`
        : html`<span class="home-badge">${roleBadge(p.home_role)}</span>`}</td>
      <td class="role-now">${pub.round >= 1 ? roleBadge(p.role) : html`<span class="hint">–</span>`}</td>
      <td class="step-progress" data-testid="player-progress">${progressCell(progress(overview[p.id]))}</td>
      <td class="row-actions">${playerActions(p)}</td></tr>`;
  }), $("#players-body"));
}

function progressCell(state) {
  if (!state) return html`<span class="hint">–</span>`;
  return html`<span class="progress ${state.done ? "done" : "not-done"}"><span class="progress-mark" aria-hidden="true">${state.done ? "✓" : "…"}</span>${state.text}</span>`;
}

// ---------------------------------------------------------------- role spread

function issueText(issue) {
  if (issue.kind === "too_few_players") return t("Fewer than three players: not every role can be played.");
  if (issue.kind === "unbalanced") {
    return t("Round {n} is not balanced: {counts}.", { n: issue.round,
      counts: Object.entries(issue.counts || {}).map(([role, n]) => `${roleName(role)} ${n}`).join(", ") });
  }
  if (issue.kind === "missed_role") {
    return t("{name} does not play every role: {roles} is missing.", { name: playerName(issue.player_id),
      roles: (issue.roles || []).map(roleName).join(", ") });
  }
  return issue.kind;
}

$("#rebalance").addEventListener("click", steer("rebalance_roles", "#spread-error"));
render(ROLES.map((role) => html`<th scope="col">${roleBadge(role)}</th>`), $("#spread-head"));

function renderSpread() {
  render([1, 2, 3].map((r) => html`<tr class=${pub.round === r ? "current" : ""}><th scope="row">${r}</th>${
    spreadCounts(pub, r).map(([, n]) => html`<td>${n}</td>`)}</tr>`), $("#spread-body"));
  const issues = fac.rotation_issues || [];
  render(issues.map((issue) => html`<li>${issueText(issue)}${issue.fixable ? nothing
    : html` <span class="hint">${t("Spreading the roles again cannot solve this.")}</span>`}</li>`), $("#rotation-issues"));
  // Offered only when spreading again solves a problem (the engine says which can be solved).
  show($("#rebalance"), Boolean(fac.can_rebalance) && pub.round >= 1 && pub.round <= 3 && pub.phase !== "closed");
  $("#rebalance").classList.add("primary");
}

// ---------------------------------------------------------------- settings and closing

const settingIntention = new Intention();
$("#show-names").addEventListener("change", (e) =>
  page.send("set_setting", { name: "show_author_names", value: e.currentTarget.checked },
    { error: $("#settings-error"), intention: settingIntention }));
const chimeIntention = new Intention();
$("#chime").addEventListener("change", (e) =>
  page.send("set_setting", { name: "chime", value: e.currentTarget.checked },
    { error: $("#settings-error"), intention: chimeIntention }));

$("#close-game").addEventListener("click", () => {
  show($("#close-confirm"), true);
  $("#close-no").focus();
});
$("#close-no").addEventListener("click", () => {
  show($("#close-confirm"), false);
  $("#close-game").focus();
});
$("#close-yes").addEventListener("click", async (e) => {
  const reply = await steer("close_game", "#close-error")(e);
  if (reply.ok) show($("#close-confirm"), false);
});

$("#delete-game").addEventListener("click", () => {
  show($("#delete-confirm"), true);
  $("#delete-no").focus();
});
$("#delete-no").addEventListener("click", () => {
  show($("#delete-confirm"), false);
  $("#delete-game").focus();
});
$("#delete-yes").addEventListener("click", async (e) => {
  showError($("#delete-error"), "");
  try {
    await whileBusy(e.currentTarget, () => api(`/api/rooms/${encodeURIComponent(room)}?lang=${lang}`,
      { token, method: "DELETE", body: { confirm: true } }));
  } catch (problem) {
    showError($("#delete-error"), problemText(problem, t("The game could not be deleted. Try again.")));
    return;
  }
  gameDeleted();
});

// The game is gone (deleted here, in another console, or by the retention).
function gameDeleted() {
  myGames.forget("room", room);
  facilitator.set(room, null);
  roomInfo.set(room, {});
  if (page) page.stop(t("This game has been deleted. Nothing of it is kept."));
  else showError($("#page-error"), t("This game has been deleted. Nothing of it is kept."));
}

function renderSettingsAndClose() {
  const box = $("#show-names");
  if (document.activeElement !== box) box.checked = Boolean(pub.settings && pub.settings.show_author_names);
  const chimeBox = $("#chime");
  if (document.activeElement !== chimeBox) chimeBox.checked = !pub.settings || pub.settings.chime !== false;
  const closed = pub.phase === "closed";
  show($("#close-game"), !closed && pub.phase !== "lobby");
  show($("#closed-link"), closed);
  if (closed) {
    show($("#close-confirm"), false);
    $("#summary-link").href = summaryUrl(room);
  }
}

// ---------------------------------------------------------------- the board with moderation

function shortText(text, n = 48) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function moderate(type, fields) {
  return (event) => page.send(type, fields, { error: event.currentTarget.closest(".card").querySelector(".card-error"),
                                               button: event.currentTarget });
}

function merge(card) {
  return (event) => {
    const select = event.currentTarget.closest(".merge-row").querySelector("select");
    if (!select.value) {
      showError(event.currentTarget.closest(".card").querySelector(".card-error"), t("Choose the card to merge into first."));
      return;
    }
    moderate("merge_cards", { card_id: card.id, into_id: select.value })(event);
  };
}

function hostCard(card, all) {
  const targets = topLevel(all).filter((c) => c.id !== card.id);
  const closed = pub.phase === "closed";
  return cardView(card, { all, hiddenFlag: true,
    mergedActions: (merged) => html`<button type="button" class="button small" data-testid="card-unmerge" ?disabled=${closed}
      aria-label=${t("Undo the merge: {text}", { text: shortText(merged.text) })}
      @click=${moderate("unmerge_card", { card_id: merged.id })}>${t("Undo the merge")}</button>`,
    actions: html`
    <p class="reaction-summary">${reactionSummary(card) || t("No reactions yet")}</p>
    <div class="button-row">
      <button type="button" class="button small" data-testid="card-highlight" aria-pressed=${String(Boolean(card.highlighted))}
        ?disabled=${closed} @click=${moderate("highlight_card", { card_id: card.id, on: !card.highlighted })}>${card.highlighted ? t("Highlighted") : t("Highlight")}</button>
      <button type="button" class="button small" data-testid="card-hide" aria-pressed=${String(Boolean(card.hidden))}
        ?disabled=${closed} @click=${moderate("hide_card", { card_id: card.id, hidden: !card.hidden })}>${card.hidden ? t("Hidden: show again") : t("Hide")}</button>
    </div>
    <div class="merge-row" ?hidden=${!targets.length || Boolean(card.merged_into)}>
      <select class="merge-select" data-testid="merge-target" aria-label=${t("Merge this card into")} ?disabled=${closed}>
        <option value="">${t("Merge into…")}</option>
        ${repeat(targets, (c) => c.id, (c) => html`<option value=${c.id}>${roleName(c.role)}: ${shortText(c.text)}</option>`)}
      </select>
      <button type="button" class="button small" data-testid="card-merge" ?disabled=${closed} @click=${merge(card)}>${t("Merge")}</button>
    </div>
    <p class="error card-error" role="alert" hidden></p>` });
}

const board = new Board($("#board-list"), { card: hostCard, empty: $("#board-empty") });

function shownRound() {
  return boardRound || pub.round;
}

function showRound(r) {
  boardRound = r === pub.round ? null : r;
  board.reset();
  refresh();
}

function renderBoard() {
  if (boardRound !== null && boardRound > pub.round) boardRound = null;
  const rounds = [1, 2, 3, 4].filter((r) => r <= Math.max(pub.round, 1));
  render(rounds.map((r) => html`<button type="button" class="button small tab" data-testid="board-round-${r}"
    aria-pressed=${String(r === shownRound())} @click=${() => showRound(r)}>${t("Round {n}", { n: r })}</button>`), $("#round-tabs"));
  const all = (fac.cards || []).filter((c) => c.round === shownRound());
  board.render(all);
  setText($("#board-count"), `(${cardCount(all.filter((c) => !c.merged_into && !c.hidden).length)})`);
}

// ---------------------------------------------------------------- round 4: proposal and vote

let conditions = []; // [{text, source_card_id}] as the form shows them

function cardById(id) {
  return (fac.cards || []).find((c) => c.id === id) || null;
}

function canDraft() {
  const ballot = currentBallot(pub);
  return pub.round === 4 && (pub.phase === "play" || pub.phase === "decision") && !(ballot && ballot.open);
}

function draftFromView() {
  return { text: pub.draft.text || "",
           conditions: (pub.draft.conditions || []).map((c) => ({ text: c.text, source_card_id: c.source_card_id })) };
}

// The conditions changed by a button (the form sees typing itself).
function conditionsChanged(focus = null) {
  proposalForm.changed();
  setText($("#proposal-status"), t("Not saved yet."));
  refresh();
  if (focus) focus();
}

function addCondition(text = "", source = null) {
  conditions.push(source ? { text, source_card_id: source } : { text, source_card_id: null });
}

$("#add-condition").addEventListener("click", () => {
  addCondition();
  conditionsChanged(() => $("#conditions li:last-child textarea").focus());
});

function conditionsView(editable) {
  return conditions.map((condition, index) => {
    const source = condition.source_card_id ? cardById(condition.source_card_id) : null;
    return html`<li class="condition">
      <textarea rows="2" maxlength=${LIMITS.condition} .value=${live(condition.text)} ?readonly=${!editable}
        data-testid="condition-text" aria-label=${t("Condition {n}", { n: index + 1 })}
        @input=${(e) => { conditions[index].text = e.currentTarget.value; }}></textarea>
      ${source ? html`<span class="condition-source">${t("From a card by")} ${roleBadge(source.role)}</span>` : nothing}
      <button type="button" class="button small" data-testid="condition-remove" ?disabled=${!editable}
        aria-label=${t("Remove condition {n}", { n: index + 1 })}
        @click=${() => { conditions.splice(index, 1); conditionsChanged(() => $("#add-condition").focus()); }}>${t("Remove")}</button>
    </li>`;
  });
}

function sourceCardsView(editable) {
  const used = new Set(conditions.map((c) => c.source_card_id).filter(Boolean));
  const candidates = (fac.cards || []).filter((c) => (c.round === 2 || c.round === 3) && !c.hidden && !c.merged_into);
  // Common ground first, then the strongest cards.
  candidates.sort((a, b) => (Number(b.common_ground) - Number(a.common_ground)) ||
    ((b.strength || 0) - (a.strength || 0)) || (a.created_at - b.created_at));
  return repeat(candidates, (c) => c.id, (card) => html`<li class="source-card ${card.common_ground ? "common-ground" : ""}" data-testid="source-card">
    <span class="source-role">${roleBadge(card.role)}</span>
    <span class="source-flags">${card.common_ground ? t("Common ground") : ""}</span>
    <span class="source-text">${card.text}</span>
    <button type="button" class="button small" data-testid="add-card-condition" ?disabled=${used.has(card.id) || !editable}
      @click=${() => {
        addCondition(card.text, card.id);
        conditionsChanged();
        announce(t("Added as condition {n}.", { n: conditions.length }));
      }}>${used.has(card.id) ? t("Added") : t("Add as condition")}</button></li>`);
}

// 2.7 in English, 2,7 in Dutch.
function decimal(value) {
  return value.toLocaleString(lang === "nl" ? "nl-NL" : "en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function renderRanking() {
  const options = pub.scenario.options || [];
  show($("#ranking"), options.length > 0);
  if (!options.length) return;
  setText($("#scored-count"), t("{n} of {total} players have scored.", { n: pub.options_scored || 0, total: (pub.players || []).length }));
  const byId = Object.fromEntries(options.map((o) => [o.id, o]));
  render((fac.ranking || []).map((r) => {
    const title = byId[r.option_id] ? pick(byId[r.option_id].title) : r.option_id;
    return html`<li>${r.mean_float === null || r.mean_float === undefined
      ? t("{title}: no scores yet", { title })
      : t("{title}: average {mean} ({n} scores)", { title, mean: decimal(r.mean_float), n: r.count })}</li>`;
  }), $("#ranking-list"));
}

$("#open-vote").addEventListener("click", (e) => {
  if (proposalForm.dirty) return showError($("#vote-error"), t("Save the proposal first."));
  return steer("open_vote", "#vote-error")(e);
});
$("#close-vote").addEventListener("click", steer("close_vote", "#vote-error"));
$("#show-tally").addEventListener("click", steer("show_tally", "#vote-error"));

function renderDecision() {
  renderRanking();
  // The draft on the page follows the view until the facilitator changes it here.
  proposalForm.open("proposal", draftFromView);
  const active = document.activeElement;
  if (!proposalForm.dirty && active !== $("#proposal-text") && !active.closest("#conditions")) {
    proposalForm.fill(draftFromView());
  }
  const editable = canDraft();
  $("#proposal-text").readOnly = !editable;
  for (const b of [$("#add-condition"), $("#save-proposal")]) b.disabled = !editable;
  render(conditionsView(editable), $("#conditions"));
  show($("#from-cards"), editable);
  render(sourceCardsView(editable), $("#source-cards"));

  const ballot = currentBallot(pub);
  // Once there is a vote, its state and results come before the proposal form.
  $("#decision").classList.toggle("has-ballot", Boolean(ballot));
  const open = Boolean(ballot && ballot.open);
  const warnings = open ? [] : (fac.group_warnings || []);
  show($("#group-warnings"), warnings.length > 0);
  render(warnings.map((w) => html`<li>${groupWarningText(w)}</li>`), $("#group-warnings"));
  const tallyNext = Boolean(ballot && !ballot.open && !ballot.tally_shown);
  show($("#open-vote"), pub.phase === "decision" && !open);
  setText($("#open-vote"), ballot ? t("Open a new vote") : t("Open the vote"));
  // After "Close the vote" the main button is "Show the result".
  $("#open-vote").classList.toggle("primary", !tallyNext);
  $("#show-tally").classList.toggle("primary", tallyNext);
  show($("#close-vote"), open);
  show($("#show-tally"), tallyNext);
  const notVoted = open ? (fac.overview || []).filter((row) => !row.voted).map((row) => row.name) : [];
  show($("#not-voted"), notVoted.length > 0);
  setText($("#not-voted"), t("Not voted yet: {names}", { names: notVoted.join(", ") }));
  let status;
  if (!ballot) status = pub.phase === "decision" ? t("No vote yet. Save the proposal, then open the vote.") : t("The vote comes in the decision step.");
  else if (open) status = t("Vote {n} is open: {cast} of {eligible} have voted. The result stays hidden until you show it.",
    { n: ballot.number, cast: ballot.votes_cast, eligible: ballot.eligible });
  else status = t("Vote {n} is closed: {cast} of {eligible} voted.", { n: ballot.number, cast: ballot.votes_cast, eligible: ballot.eligible });
  setText($("#vote-status"), status);
  render(resultsView(), $("#results"));
}

// A home-role group with nobody, or one person, in it: the vote counts differently then.
function groupWarningText(warning) {
  const role = roleName(warning.role);
  if (warning.kind === "absent") return t("Nobody here is a {role} in real life: that group does not count in the vote.", { role });
  return t("Only one person here is a {role} in real life: that one vote decides for the whole group.", { role });
}

// Every closed vote, newest first: the version voted on, the result, the objections and
// reservations (without names).
function resultsView() {
  const results = fac.results || [];
  return (pub.ballots || []).map((ballot, i) => [ballot, results[i]]).filter(([ballot]) => !ballot.open).reverse()
    .map(([ballot, result]) => {
      const version = proposalVersion(pub, ballot.proposal_version);
      const objections = (fac.objections || []).filter((v) => v.ballot === ballot.number);
      const reservations = (fac.reservations || []).filter((v) => v.ballot === ballot.number);
      return html`<div class="ballot" data-testid="ballot">
        <h4>${t("Vote {n} on version {v}", { n: ballot.number, v: ballot.proposal_version })}</h4>
        ${ballot.tally_shown ? nothing : html`<p class="hint">${t("Only you see this result. Show it to the room when you are ready.")}</p>`}
        ${version ? proposalBlock(version) : nothing}
        ${result ? resultBlock(result, { testid: "host-result" }) : nothing}
        ${objections.length ? html`<div class="objections"><h5>${t("Objections")}</h5><ul>${objections.map((v) => html`<li>
          <p><strong>${t("Why:")}</strong> ${v.reason}</p>
          ${v.needed ? html`<p><strong>${t("Needed to agree:")}</strong> ${v.needed}</p>` : nothing}</li>`)}</ul></div>` : nothing}
        ${reservations.length ? html`<div class="reservations" data-testid="reservations"><h5>${t("Reservations")}</h5><ul>${
          reservations.map((r) => html`<li>${r.text}</li>`)}</ul></div>` : nothing}
      </div>`;
    });
}

// ---------------------------------------------------------------- reflections

function renderReflections() {
  const counts = fac.reflections_count || {};
  const shared = fac.reflections_shared || [];
  setText($("#reflections-count"), t("Round {n}: {count} reflections written, {shared} shared.",
    { n: pub.round, count: counts[String(pub.round)] || 0, shared: shared.filter((r) => r.round === pub.round).length }));
  render(shared.map((r) => html`<li><span class="refl-role">${roleBadge(r.role)}</span><p class="refl-text">${r.text}</p>
    <p class="refl-meta">${t("{name}, round {n}", { name: r.name || "", n: r.round })}</p></li>`), $("#reflections-list"));
}

// ---------------------------------------------------------------- the case, to read aloud

let caseInLobby = null; // whether the case was last laid out for the lobby

function renderCase({ public: p }) {
  setText($("#case-name"), pick(p.scenario.title));
  setText($("#case-situation"), pick(p.scenario.situation));
  // Open in the lobby, where it is read aloud to the room; folded when the game starts, so
  // who is done comes into view. In between it stays as the leader left it.
  const lobby = p.phase === "lobby";
  if (lobby !== caseInLobby) {
    caseInLobby = lobby;
    $("#case-details").open = lobby;
  }
}

// The case, and in a round its question, for the browser's voice.
readAloud($("#read-case"), $("#read-case-status"), () => {
  const spec = pub && pub.round >= 1 ? roundSpec(pub) : null;
  return [caseText(pub), spec ? `${roundLabel(pub)}. ${pick(spec.question)}` : ""].filter(Boolean).join("\n");
});

// ---------------------------------------------------------------- the whole page

const played = (v) => v.public.round >= 1;

const sections = [
  { id: "case", render: renderCase },
  { id: "steer", render: renderSteer },
  { id: "timer-panel", render: renderTimer },
  { id: "spread", render: renderSpread },
  { id: "close", render: renderSettingsAndClose },
  questionSection,
  { id: "players", render: renderPlayers },
  { id: "decision", when: (v) => v.public.round === 4, render: renderDecision },
  { id: "host-board", when: played, render: renderBoard },
  { id: "reflections", when: played, render: renderReflections },
  // The paper seats and the table kit (static/js/paper.js, issue 10).
  paperSection({ room, token, page: () => page }),
];

// Without a (valid) key there is nothing to steer: only what went wrong and how to get back in.
function noKey(why) {
  if (page) page.stop(why);
  show($("#page-error"), false);
  show($("#room-bar"), false);
  show($(".host-grid"), false);
  setText($("#no-key-why"), why);
  show($("#no-key"), true);
}

// "Your games" on the start page: this console, with its title (once per page).
let remembered = false;

function remember(view) {
  if (remembered) return;
  remembered = true;
  const event = roomInfo.get(room).event_id;
  if (event && myGames.has("event", event)) return; // listed as its event
  const title = view.public.scenario ? view.public.scenario.title : null;
  const known = myGames.list().find((g) => g.kind === "room" && g.id === room);
  if (known && JSON.stringify(known.title) === JSON.stringify(title)) return;
  myGames.add({ kind: "room", id: room, title, created_at: known ? known.created_at : Date.now(), tables: 1 });
}

renderRoomBar();
renderHostKey();
if (!token) {
  noKey(t("This browser has no key to lead this game."));
} else {
  page = startPage({
    room,
    token,
    sections,
    onView: (view) => {
      pub = view.public;
      fac = view.facilitator || {};
      remember(view);
    },
    onLinks: renderRoomBar,
    onNotice: (notice) => { if (notice.code === "game_deleted") gameDeleted(); },
    onRefused: (code, message) => noKey(message || t("This game cannot be found.")),
    timerOptions: { overtime: true },
  });
  proposalForm = page.form({
    form: $("#proposal-form"),
    fields: { text: $("#proposal-text"),
              conditions: { get: () => conditions.map((c) => ({ ...c })), set: (value) => { conditions = value.map((c) => ({ ...c })); } } },
    check: filled("text", t("Write the decision text first.")),
    action: ({ text, conditions: given }) => ["draft_proposal", {
      text: text.trim(),
      conditions: given.filter((c) => c.text.trim() || c.source_card_id)
        .map((c) => (c.source_card_id ? { text: c.text.trim(), source_card_id: c.source_card_id } : { text: c.text.trim() })),
    }],
    sent: () => setText($("#proposal-status"), t("Saved. Everyone sees this draft.")),
  });
  $("#proposal-form").addEventListener("input", () => setText($("#proposal-status"), t("Not saved yet.")));
}
