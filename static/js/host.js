// The facilitator console (laptop): who is there, steering, timer, board moderation, the
// role spread, the round-4 proposal and vote, and closing the game.
import { Board, createCard, updateCard, cardCount, reactionSummary, topLevel } from "./board.js";
import { $, charCounter, h, keyed, setText, show, whileBusy } from "./dom.js";
import { currentBallot, neighbourStep, phaseName, proposalBlock, proposalVersion, resultBlock,
         renderQuestion, roundLabel, roundSpec, spreadCounts, stepLabel, summaryUrl, TIMER_PRESETS } from "./game.js";
import { lang, pick, t, tn } from "./i18n.js";
import { announce, CardAnnouncer } from "./live.js";
import { connect, Intention } from "./net.js";
import { roleBadge, roleName, ROLES } from "./roles.js";
import { drafts, roomInfo, takeTokenFromFragment } from "./store.js";
import { TimerView } from "./timer.js";

const room = document.body.dataset.roomId;
const token = takeTokenFromFragment(room);

let pub = null;
let fac = null;
let version = 0;
let presence = {};
let conn = null;
let boardRound = null; // the round whose cards are shown; follows the game unless chosen

function showError(el, text) {
  setText(el, text || "");
  show(el, Boolean(text));
}

// Steering buttons send the version they were pressed on, so a double click moves once.
async function steer(type, fields, errorEl, { button = null, steering = true } = {}) {
  showError(errorEl, "");
  const reply = await whileBusy(button, () => conn.send(type, fields, steering ? { version } : {}));
  if (!reply.ok) showError(errorEl, reply.message);
  return reply;
}

// ---------------------------------------------------------------- the room bar

// The code and join link come with the page; a browser that created the game also kept them.
function renderRoomBar() {
  const info = roomInfo.get(room);
  const code = document.body.dataset.code || info.code || "";
  setText($("#room-code"), code || "…");
  const joinUrl = document.body.dataset.joinUrl || info.join_url || `${location.origin}/join`;
  const link = $("#join-link");
  link.href = joinUrl;
  setText(link, joinUrl.replace(/^https?:\/\//, ""));
}

$("#copy-link").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("#join-link").href);
    setText($("#copy-status"), t("Copied."));
  } catch {
    setText($("#copy-status"), t("Copying did not work. Select the link and copy it yourself."));
  }
});

// ---------------------------------------------------------------- steering

$("#start").addEventListener("click", (e) => steer("start", {}, $("#steer-error"), { button: e.currentTarget }));
$("#next").addEventListener("click", (e) => steer("next_phase", {}, $("#steer-error"), { button: e.currentTarget }));
$("#previous").addEventListener("click", (e) => steer("previous_phase", {}, $("#steer-error"), { button: e.currentTarget }));
$("#pause").addEventListener("click", (e) => steer("pause_game", {}, $("#steer-error"), { button: e.currentTarget }));
$("#resume").addEventListener("click", (e) => steer("resume_game", {}, $("#steer-error"), { button: e.currentTarget }));

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
  show($("#pause-banner"), pub.paused && !closed);
  $("#start").disabled = (pub.players || []).length === 0;
}

// ---------------------------------------------------------------- timer

const timer = new TimerView($("#timer"), {
  serverNow: () => (conn ? conn.serverNow() : Date.now()),
  alert: $("#time-up"),
  label: $("#timer-label"),
});

for (const minutes of TIMER_PRESETS) {
  const button = h("button", { type: "button", class: "button small preset", "data-testid": `timer-${minutes}`,
                               dataset: { minutes: String(minutes) } },
    tn("{n} min", "{n} min", minutes));
  button.addEventListener("click", () => steer("set_timer", { seconds: minutes * 60 }, $("#timer-error"), { button, steering: false }));
  $("#timer-presets").append(button);
}
$("#timer-extend").addEventListener("click", (e) => steer("extend_timer", { seconds: 60 }, $("#timer-error"), { button: e.currentTarget, steering: false }));
$("#timer-pause").addEventListener("click", (e) => steer("pause_timer", {}, $("#timer-error"), { button: e.currentTarget, steering: false }));
$("#timer-resume").addEventListener("click", (e) => steer("resume_timer", {}, $("#timer-error"), { button: e.currentTarget, steering: false }));

function renderTimer() {
  const tm = pub.phase === "closed" ? null : pub.timer;
  timer.set(tm);
  show($("#timer-none"), !tm);
  show($("#timer-extend"), Boolean(tm));
  show($("#timer-pause"), Boolean(tm && tm.running && timer.remaining() > 0));
  show($("#timer-resume"), Boolean(tm && !tm.running));
  const spec = pub.round >= 1 ? roundSpec(pub) : null;
  for (const button of document.querySelectorAll("#timer-presets button")) {
    const suggested = spec && Number(button.dataset.minutes) === spec.minutes;
    button.classList.toggle("suggested", Boolean(suggested));
    button.title = suggested ? t("Suggested for this round") : "";
  }
}

// ---------------------------------------------------------------- players

function playerName(id) {
  const p = (fac.players || []).find((x) => x.id === id);
  return p ? p.name : "?";
}

function renderPlayers() {
  const players = (fac.players || []).filter((p) => p.active);
  setText($("#players-count"), `(${players.length})`);
  show($("#players-empty"), players.length === 0);
  const canSetHome = pub.round <= 3 && pub.phase !== "closed";
  keyed($("#players-body"), players, (p) => p.id, (p) => {
    const select = h("select", { class: "home-select", "data-testid": "home-role-select",
                                 "aria-label": t("In real life: {name}", { name: p.name }) },
      ROLES.map((role) => h("option", { value: role, text: roleName(role) })));
    const homeIntention = new Intention();
    select.addEventListener("change", async () => {
      const reply = await conn.send("set_player_home_role", { player_id: p.id, role: select.value }, { key: homeIntention.key });
      homeIntention.done();
      if (!reply.ok) showError($("#players-error"), reply.message);
    });
    const remove = h("button", { type: "button", class: "button small danger-outline", "data-testid": "remove-player" }, t("Remove"));
    remove.addEventListener("click", () => confirmRemove(tr, p.id));
    const tr = h("tr", { "data-testid": "player-row", dataset: { playerId: p.id } },
      h("th", { scope: "row", class: "player-name" }),
      h("td", { class: "presence" }),
      h("td", { class: "home" }, h("span", { class: "home-badge" }), select),
      h("td", { class: "role-now" }),
      h("td", { class: "row-actions" }, remove));
    return tr;
  }, (tr, p) => {
    setText(tr.querySelector(".player-name"), p.name);
    const online = Boolean(presence[p.id]);
    const cell = tr.querySelector(".presence");
    const sig = online ? "on" : "off";
    if (cell.dataset.sig !== sig) {
      cell.dataset.sig = sig;
      cell.replaceChildren(h("span", { class: `dot ${online ? "dot-on" : "dot-off"}`, "aria-hidden": "true" }),
        h("span", { text: online ? t("online") : t("offline") }));
    }
    const select = tr.querySelector("select");
    if (document.activeElement !== select) select.value = p.home_role;
    show(select, canSetHome);
    const homeBadge = tr.querySelector(".home-badge");
    show(homeBadge, !canSetHome);
    if (!canSetHome && homeBadge.dataset.role !== p.home_role) {
      homeBadge.dataset.role = p.home_role;
      homeBadge.replaceChildren(roleBadge(p.home_role));
    }
    const roleCell = tr.querySelector(".role-now");
    const role = p.role || "";
    if (roleCell.dataset.role !== role) {
      roleCell.dataset.role = role;
      roleCell.replaceChildren(pub.round >= 1 ? roleBadge(p.role) : h("span", { class: "hint", text: "–" }));
    }
  });
}

function confirmRemove(tr, playerId) {
  const cell = tr.querySelector(".row-actions");
  const original = Array.from(cell.childNodes);
  const intention = new Intention();
  const yes = h("button", { type: "button", class: "button small danger", "data-testid": "remove-player-confirm" }, t("Yes, remove"));
  const no = h("button", { type: "button", class: "button small" }, t("No"));
  no.addEventListener("click", () => { cell.replaceChildren(...original); original[0].focus(); });
  yes.addEventListener("click", async () => {
    const reply = await conn.send("remove_player", { player_id: playerId }, { key: intention.key });
    intention.done();
    if (!reply.ok) showError($("#players-error"), reply.message);
  });
  cell.replaceChildren(h("span", { class: "confirm-inline", role: "group",
    "aria-label": t("Remove {name} from the game?", { name: playerName(playerId) }) }, yes, no));
  yes.focus();
}

// ---------------------------------------------------------------- role spread

function buildSpreadHead() {
  const head = $("#spread-head");
  if (head.children.length > 1) return;
  for (const role of ROLES) head.append(h("th", { scope: "col" }, roleBadge(role)));
}

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

$("#rebalance").addEventListener("click", (e) => steer("rebalance_roles", {}, $("#spread-error"), { button: e.currentTarget }));

function renderSpread() {
  buildSpreadHead();
  keyed($("#spread-body"), [1, 2, 3], (r) => r,
    (r) => h("tr", {}, h("th", { scope: "row", text: String(r) }), ROLES.map(() => h("td"))),
    (tr, r) => {
      const counts = spreadCounts(pub, r);
      tr.classList.toggle("current", pub.round === r);
      counts.forEach(([, n], i) => setText(tr.children[i + 1], String(n)));
    });
  const issues = fac.rotation_issues || [];
  keyed($("#rotation-issues"), issues, (i) => `${i.kind}:${i.round}:${i.player_id}`, () => h("li"),
    (li, issue) => setText(li, issueText(issue)));
  const canRebalance = pub.round >= 1 && pub.round <= 3 && pub.phase !== "closed";
  show($("#rebalance"), canRebalance);
  $("#rebalance").classList.toggle("primary", issues.some((i) => i.kind !== "too_few_players"));
}

// ---------------------------------------------------------------- settings and closing

const settingIntention = new Intention();
$("#show-names").addEventListener("change", async (e) => {
  const reply = await conn.send("set_setting", { name: "show_author_names", value: e.currentTarget.checked },
    { key: settingIntention.key });
  settingIntention.done();
  showError($("#settings-error"), reply.ok ? "" : reply.message);
});

$("#close-game").addEventListener("click", () => {
  show($("#close-confirm"), true);
  $("#close-no").focus();
});
$("#close-no").addEventListener("click", () => {
  show($("#close-confirm"), false);
  $("#close-game").focus();
});
$("#close-yes").addEventListener("click", async (e) => {
  const reply = await steer("close_game", {}, $("#close-error"), { button: e.currentTarget });
  if (reply.ok) show($("#close-confirm"), false);
});

function renderSettingsAndClose() {
  const box = $("#show-names");
  if (document.activeElement !== box) box.checked = Boolean(pub.settings && pub.settings.show_author_names);
  const closed = pub.phase === "closed";
  show($("#close-game"), !closed && pub.phase !== "lobby");
  show($("#closed-link"), closed);
  if (closed) {
    show($("#close-confirm"), false);
    $("#summary-link").href = `${summaryUrl(room)}?lang=${lang}`;
  }
}

// ---------------------------------------------------------------- question

// ---------------------------------------------------------------- the board with moderation

function createHostCard(card) {
  const el = createCard(card);
  const highlight = h("button", { type: "button", class: "button small", "data-testid": "card-highlight" }, t("Highlight"));
  const hide = h("button", { type: "button", class: "button small", "data-testid": "card-hide" }, t("Hide"));
  const mergeSelect = h("select", { class: "merge-select", "data-testid": "merge-target",
                                    "aria-label": t("Merge this card into") });
  const merge = h("button", { type: "button", class: "button small", "data-testid": "card-merge" }, t("Merge"));
  const error = el.querySelector(".card-actions");
  const errorEl = h("p", { class: "error", role: "alert", hidden: true });
  highlight.addEventListener("click", () => {
    const on = highlight.getAttribute("aria-pressed") !== "true";
    steer("highlight_card", { card_id: el.dataset.cardId, on }, errorEl, { button: highlight, steering: false });
  });
  hide.addEventListener("click", () => {
    const hidden = hide.getAttribute("aria-pressed") !== "true";
    steer("hide_card", { card_id: el.dataset.cardId, hidden }, errorEl, { button: hide, steering: false });
  });
  merge.addEventListener("click", () => {
    if (!mergeSelect.value) return showError(errorEl, t("Choose the card to merge into first."));
    steer("merge_cards", { card_id: el.dataset.cardId, into_id: mergeSelect.value }, errorEl, { button: merge, steering: false });
  });
  error.append(h("p", { class: "reaction-summary" }),
    h("div", { class: "button-row" }, highlight, hide),
    h("div", { class: "merge-row" }, mergeSelect, merge), errorEl);
  return el;
}

function shortText(text, n = 48) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function updateHostCard(el, card, all) {
  updateCard(el, card, { allCards: all, hiddenFlag: true });
  setText(el.querySelector(".reaction-summary"), reactionSummary(card) || t("No reactions yet"));
  const highlight = el.querySelector("[data-testid=card-highlight]");
  highlight.setAttribute("aria-pressed", String(Boolean(card.highlighted)));
  setText(highlight, card.highlighted ? t("Highlighted") : t("Highlight"));
  const hide = el.querySelector("[data-testid=card-hide]");
  hide.setAttribute("aria-pressed", String(Boolean(card.hidden)));
  setText(hide, card.hidden ? t("Hidden: show again") : t("Hide"));
  const targets = topLevel(all).filter((c) => c.id !== card.id);
  const select = el.querySelector("select");
  const signature = targets.map((c) => `${c.id}:${c.text}`).join("|");
  if (select.dataset.sig !== signature) {
    select.dataset.sig = signature;
    const keep = select.value;
    select.replaceChildren(h("option", { value: "", text: t("Merge into…") }),
      ...targets.map((c) => h("option", { value: c.id, text: `${roleName(c.role)}: ${shortText(c.text)}` })));
    select.value = targets.some((c) => c.id === keep) ? keep : "";
  }
  show(el.querySelector(".merge-row"), targets.length > 0 && !card.merged_into);
  const closed = pub.phase === "closed";
  for (const control of el.querySelectorAll(".card-actions button, .card-actions select")) control.disabled = closed;
}

const board = new Board($("#board-list"), {
  announcer: new CardAnnouncer({ describe: (c) => `${roleName(c.role)}: ${c.text}` }),
  create: createHostCard,
  update: updateHostCard,
  empty: $("#board-empty"),
});

function renderRoundTabs() {
  const rounds = [1, 2, 3, 4].filter((r) => r <= Math.max(pub.round, 1));
  keyed($("#round-tabs"), rounds, (r) => r, (r) => {
    const b = h("button", { type: "button", class: "button small tab", "data-testid": `board-round-${r}` },
      t("Round {n}", { n: r }));
    b.addEventListener("click", () => {
      boardRound = r === pub.round ? null : r;
      board.reset();
      renderBoard();
    });
    return b;
  }, (b, r) => b.setAttribute("aria-pressed", String(r === shownRound())));
}

function shownRound() {
  return boardRound || pub.round;
}

function renderBoard() {
  show($("#host-board"), pub.round >= 1);
  if (pub.round < 1) return;
  renderRoundTabs();
  const all = (fac.cards || []).filter((c) => c.round === shownRound());
  board.render(all);
  const visible = all.filter((c) => !c.merged_into && !c.hidden).length;
  setText($("#board-count"), `(${cardCount(visible)})`);
}

// ---------------------------------------------------------------- round 4: proposal and vote

const proposalIntention = new Intention();
const proposalText = $("#proposal-text");
const updateProposalCount = charCounter(proposalText, $("#proposal-count"), 1500);
let conditions = []; // [{text, source_card_id}]
let proposalDirty = false;
let proposalLoaded = false;

function loadDraftFromView() {
  const kept = drafts.get(room, "proposal");
  if (kept && typeof kept === "object") {
    proposalText.value = kept.text || "";
    conditions = kept.conditions || [];
    proposalDirty = true;
  } else {
    proposalText.value = pub.draft.text || "";
    conditions = (pub.draft.conditions || []).map((c) => ({ text: c.text, source_card_id: c.source_card_id }));
    proposalDirty = false;
  }
  updateProposalCount();
  renderConditions();
}

function markDirty() {
  proposalDirty = true;
  drafts.set(room, "proposal", { text: proposalText.value, conditions });
  setText($("#proposal-status"), t("Not saved yet."));
}

proposalText.addEventListener("input", markDirty);

function cardById(id) {
  return (fac.cards || []).find((c) => c.id === id) || null;
}

function renderConditions() {
  const list = $("#conditions");
  list.replaceChildren(...conditions.map((condition, index) => {
    const input = h("input", { type: "text", maxlength: 280, value: condition.text,
                               "data-testid": "condition-text",
                               "aria-label": t("Condition {n}", { n: index + 1 }) });
    input.addEventListener("input", () => { conditions[index].text = input.value; markDirty(); });
    const source = condition.source_card_id ? cardById(condition.source_card_id) : null;
    const remove = h("button", { type: "button", class: "button small", "data-testid": "condition-remove",
                                 "aria-label": t("Remove condition {n}", { n: index + 1 }) }, t("Remove"));
    remove.addEventListener("click", () => {
      conditions.splice(index, 1);
      markDirty();
      renderConditions();
      renderSourceCards();
      $("#add-condition").focus();
    });
    return h("li", { class: "condition" }, input,
      source ? h("span", { class: "condition-source" }, t("From a card by"), " ", roleBadge(source.role)) : null,
      remove);
  }));
}

$("#add-condition").addEventListener("click", () => {
  conditions.push({ text: "", source_card_id: null });
  markDirty();
  renderConditions();
  const inputs = document.querySelectorAll("#conditions input");
  inputs[inputs.length - 1].focus();
});

$("#proposal-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = proposalText.value.trim();
  if (!text) return showError($("#proposal-error"), t("Write the decision text first."));
  const given = conditions
    .filter((c) => c.text.trim() || c.source_card_id)
    .map((c) => (c.source_card_id ? { text: c.text.trim(), source_card_id: c.source_card_id } : { text: c.text.trim() }));
  showError($("#proposal-error"), "");
  const reply = await whileBusy($("#save-proposal"),
    () => conn.send("draft_proposal", { text, conditions: given }, { key: proposalIntention.key }));
  if (reply.ok || !reply.retry) proposalIntention.done();
  if (reply.ok) {
    proposalDirty = false;
    drafts.set(room, "proposal", null);
    setText($("#proposal-status"), t("Saved. Everyone sees this draft."));
  } else showError($("#proposal-error"), reply.message);
});

function renderSourceCards() {
  const used = new Set(conditions.map((c) => c.source_card_id).filter(Boolean));
  const candidates = (fac.cards || []).filter((c) => (c.round === 2 || c.round === 3) && !c.hidden && !c.merged_into);
  // Common ground first, then the strongest cards.
  candidates.sort((a, b) => (Number(b.common_ground) - Number(a.common_ground)) ||
    ((b.strength || 0) - (a.strength || 0)) || (a.created_at - b.created_at));
  keyed($("#source-cards"), candidates, (c) => c.id, (card) => {
    const add = h("button", { type: "button", class: "button small", "data-testid": "add-card-condition" }, t("Add as condition"));
    add.addEventListener("click", () => {
      const current = cardById(card.id);
      conditions.push({ text: current ? current.text : "", source_card_id: card.id });
      markDirty();
      renderConditions();
      renderSourceCards();
      announce(t("Added as condition {n}.", { n: conditions.length }));
    });
    return h("li", { class: "source-card", "data-testid": "source-card" },
      h("span", { class: "source-role" }), h("span", { class: "source-flags" }),
      h("span", { class: "source-text" }), add);
  }, (li, card) => {
    const roleBox = li.querySelector(".source-role");
    if (roleBox.dataset.role !== card.role) {
      roleBox.dataset.role = card.role;
      roleBox.replaceChildren(roleBadge(card.role));
    }
    li.classList.toggle("common-ground", Boolean(card.common_ground));
    setText(li.querySelector(".source-flags"), card.common_ground ? t("Common ground") : "");
    setText(li.querySelector(".source-text"), card.text);
    const button = li.querySelector("button");
    button.disabled = used.has(card.id) || !canDraft();
    setText(button, used.has(card.id) ? t("Added") : t("Add as condition"));
  });
}

// 2.7 in English, 2,7 in Dutch.
function decimal(value) {
  return value.toLocaleString(lang === "nl" ? "nl-NL" : "en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function canDraft() {
  const ballot = currentBallot(pub);
  return pub.round === 4 && (pub.phase === "play" || pub.phase === "decision") && !(ballot && ballot.open);
}

$("#open-vote").addEventListener("click", async (e) => {
  if (proposalDirty) return showError($("#vote-error"), t("Save the proposal first."));
  steer("open_vote", {}, $("#vote-error"), { button: e.currentTarget });
});
$("#close-vote").addEventListener("click", (e) => steer("close_vote", {}, $("#vote-error"), { button: e.currentTarget }));
$("#show-tally").addEventListener("click", (e) => steer("show_tally", {}, $("#vote-error"), { button: e.currentTarget }));

function renderDecision() {
  const visible = pub.round === 4;
  show($("#decision"), visible);
  if (!visible) return;
  // Ranking of options (the facilitator sees it even while scoring).
  const options = (pub.scenario.options || []);
  show($("#ranking"), options.length > 0);
  if (options.length) {
    setText($("#scored-count"), t("{n} of {total} players have scored.", { n: pub.options_scored || 0, total: (pub.players || []).length }));
    const byId = Object.fromEntries(options.map((o) => [o.id, o]));
    keyed($("#ranking-list"), fac.ranking || [], (r) => r.option_id, () => h("li"), (li, r) => {
      const title = byId[r.option_id] ? pick(byId[r.option_id].title) : r.option_id;
      setText(li, r.mean_float === null || r.mean_float === undefined
        ? t("{title}: no scores yet", { title })
        : t("{title}: average {mean} ({n} scores)", { title, mean: decimal(r.mean_float), n: r.count }));
    });
  }
  if (!proposalLoaded || (!proposalDirty && document.activeElement !== proposalText &&
      !document.activeElement.closest("#conditions"))) {
    loadDraftFromView();
    proposalLoaded = true;
  }
  const editable = canDraft();
  proposalText.readOnly = !editable;
  for (const b of document.querySelectorAll("#proposal-form button")) b.disabled = !editable;
  for (const i of document.querySelectorAll("#conditions input")) i.readOnly = !editable;
  show($("#from-cards"), editable);
  renderSourceCards();

  const ballot = currentBallot(pub);
  // Once there is a vote, its state and results come before the proposal form.
  $("#decision").classList.toggle("has-ballot", Boolean(ballot));
  const open = Boolean(ballot && ballot.open);
  show($("#open-vote"), pub.phase === "decision" && !open);
  setText($("#open-vote"), ballot ? t("Open a new vote") : t("Open the vote"));
  show($("#close-vote"), open);
  show($("#show-tally"), Boolean(ballot && !ballot.open && !ballot.tally_shown));
  let status;
  if (!ballot) status = pub.phase === "decision" ? t("No vote yet. Save the proposal, then open the vote.") : t("The vote comes in the decision step.");
  else if (open) status = t("Vote {n} is open: {cast} of {eligible} have voted. The result stays hidden until you show it.",
    { n: ballot.number, cast: ballot.votes_cast, eligible: ballot.eligible });
  else status = t("Vote {n} is closed: {cast} of {eligible} voted.", { n: ballot.number, cast: ballot.votes_cast, eligible: ballot.eligible });
  setText($("#vote-status"), status);
  renderResults();
}

function renderResults() {
  const results = fac.results || [];
  const ballots = pub.ballots || [];
  const parts = [];
  ballots.forEach((ballot, i) => {
    if (ballot.open) return;
    const version = proposalVersion(pub, ballot.proposal_version);
    const result = results[i];
    const objections = (fac.votes || []).filter((v) => v.ballot === ballot.number && v.choice === "bezwaar");
    parts.push(h("div", { class: "ballot", "data-testid": "ballot" },
      h("h4", { text: t("Vote {n} on version {v}", { n: ballot.number, v: ballot.proposal_version }) }),
      ballot.tally_shown ? null : h("p", { class: "hint", text: t("Only you see this result. Show it to the room when you are ready.") }),
      version ? proposalBlock(version) : null,
      result ? resultBlock(result, { testid: "host-result" }) : null,
      objections.length ? h("div", { class: "objections" },
        h("h5", { text: t("Objections") }),
        h("ul", {}, objections.map((v) => h("li", {},
          h("p", {}, h("strong", { text: t("Why:") }), " ", v.reason),
          v.needed ? h("p", {}, h("strong", { text: t("Needed to agree:") }), " ", v.needed) : null)))) : null));
  });
  const box = $("#results");
  const signature = JSON.stringify([results, ballots, fac.votes && fac.votes.length]);
  if (box.dataset.sig !== signature) {
    box.dataset.sig = signature;
    box.replaceChildren(...parts.reverse());
  }
}

// ---------------------------------------------------------------- reflections

function renderReflections() {
  const counts = fac.reflections_count || {};
  const shared = fac.reflections_shared || [];
  show($("#reflections"), pub.round >= 1);
  const round = pub.round;
  setText($("#reflections-count"), round >= 1
    ? t("Round {n}: {count} reflections written, {shared} shared.", { n: round, count: counts[String(round)] || 0,
        shared: shared.filter((r) => r.round === round).length })
    : "");
  keyed($("#reflections-list"), shared, (r) => `${r.round}:${r.name}:${r.text.length}`,
    () => h("li", {}, h("span", { class: "refl-role" }), h("p", { class: "refl-text" }), h("p", { class: "refl-meta" })),
    (li, r) => {
      const roleBox = li.querySelector(".refl-role");
      if (roleBox.dataset.role !== (r.role || "")) {
        roleBox.dataset.role = r.role || "";
        roleBox.replaceChildren(roleBadge(r.role));
      }
      setText(li.querySelector(".refl-text"), r.text);
      setText(li.querySelector(".refl-meta"), t("{name}, round {n}", { name: r.name || "", n: r.round }));
    });
}

// ---------------------------------------------------------------- the whole page

function render(view, message) {
  pub = view.public;
  fac = view.facilitator || {};
  version = message && typeof message.version === "number" ? message.version : pub.version;
  if (message && message.presence) presence = message.presence;
  if (view.presence) presence = view.presence;
  renderSteer();
  renderTimer();
  renderPlayers();
  renderSpread();
  renderSettingsAndClose();
  renderQuestion(pub);
  renderDecision();
  renderBoard();
  renderReflections();
  if (boardRound !== null && boardRound > pub.round) boardRound = null;
}

renderRoomBar();
if (!token) {
  showError($("#page-error"), t("This browser has no key to lead this game. Open the link you got when you created the game."));
} else {
  conn = connect({
    room,
    token,
    onState: render,
    onPresence: (update) => {
      presence = { ...presence, ...update };
      if (pub) renderPlayers();
    },
    onRefused: (code, message) => showError($("#page-error"), message || t("This game cannot be found.")),
  });
}
