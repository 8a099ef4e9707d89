// The participant's page (phone first): lobby, role card, cards, reflection, scoring, vote.
import { Board, createCard, describeCard, REACTIONS, reactionIcon, reactionName, updateCard,
         cardCount } from "./board.js";
import { $, charCounter, h, keyed, setText, show, whileBusy } from "./dom.js";
import { currentBallot, phaseName, proposalBlock, proposalVersion, resultBlock, roundLabel,
         renderQuestion, roundSpec, summaryUrl, voteName } from "./game.js";
import { lang, pick, t, tn } from "./i18n.js";
import { announce, CardAnnouncer } from "./live.js";
import { connect, Intention, Pending } from "./net.js";
import { roleBadge, ROLES } from "./roles.js";
import { drafts, seat, takeSeatFromFragment } from "./store.js";
import { TimerView } from "./timer.js";

const MAX_CARD = 280;
const room = document.body.dataset.roomId;
// Normally kept since joining; a personal link (#s=...) from another device brings it here.
const mySeat = takeSeatFromFragment(room);

let pub = null; // the public part of the last view
let me = null; // this player's own part
let conn = null;
let lastStep = null;

function showError(el, text) {
  setText(el, text || "");
  show(el, Boolean(text));
}

// Send an intention from a form: keeps the user's text on failure, shows the message next
// to the control, and keeps the key until the server answered so a retry is applied once.
async function submit(intention, type, fields, errorEl, button) {
  showError(errorEl, "");
  const reply = await whileBusy(button, () => conn.send(type, fields, { key: intention.key }));
  if (reply.ok) intention.done();
  else {
    if (!reply.retry) intention.done();
    showError(errorEl, reply.message);
  }
  return reply;
}

// ---------------------------------------------------------------- status bar and timer

const timer = new TimerView($("#timer"), {
  serverNow: () => (conn ? conn.serverNow() : Date.now()),
  alert: $("#time-up"),
  label: $("#timer-label"),
});

function renderStatus() {
  // Round and lens in two parts, so a phone can leave out the lens (the question shows it).
  const spec = pub.round >= 1 ? roundSpec(pub) : null;
  setText($("#round-number"), pub.round ? t("Round {n} of 4", { n: pub.round }) : t("Before the start"));
  setText($("#round-lens"), spec ? ` · ${pick(spec.lens)}` : "");
  setText($("#phase-label"), phaseName(pub.phase));
  timer.set(pub.phase === "closed" ? null : pub.timer);
  show($("#pause-banner"), pub.paused && pub.phase !== "closed");
  show($("#paused-flag"), pub.paused && pub.phase !== "closed");
  document.body.classList.toggle("is-paused", Boolean(pub.paused));
  const step = `${pub.round}:${pub.phase}`;
  if (lastStep !== null && lastStep !== step) {
    announce(t("Next step: {step}", { step: `${roundLabel(pub)} · ${phaseName(pub.phase)}` }));
  }
  lastStep = step;
}

// ---------------------------------------------------------------- lobby

const renameIntention = new Intention();
const homeIntention = new Intention();
const pendingHome = new Pending();
let homeBuilt = false;

function buildHomeOptions() {
  const box = $("#home-options");
  for (const role of ROLES) {
    const input = h("input", { type: "radio", name: "home-role", value: role,
                               "data-testid": `home-${role}` });
    input.addEventListener("change", async () => {
      if (!input.checked) return;
      pendingHome.set("home", role);
      const reply = await submit(homeIntention, "set_home_role", { role }, $("#home-error"));
      pendingHome.answered("home", role, reply);
      if (pub) renderLobby();
    });
    box.append(h("label", { class: `role-option role-${role}` }, input, roleBadge(role)));
  }
  homeBuilt = true;
}

$("#rename-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("#rename").value.trim();
  if (!name) return showError($("#rename-error"), t("Write a name first."));
  const reply = await submit(renameIntention, "rename", { name }, $("#rename-error"));
  if (reply.ok) announce(t("Your name is saved."));
});

function renderLobby() {
  const inLobby = pub.phase === "lobby";
  show($("#lobby"), inLobby);
  if (!inLobby) return;
  if (!homeBuilt) buildHomeOptions();
  setText($("#lobby-name"), me.name);
  const rename = $("#rename");
  if (document.activeElement !== rename && !rename.value) rename.value = me.name;
  const home = pendingHome.get("home", pub.version) || me.home_role;
  for (const input of document.querySelectorAll("#home-options input")) {
    input.checked = input.value === home;
  }
  const players = pub.players || [];
  setText($("#lobby-count"), tn("{n} player is in the room.", "{n} players are in the room.", players.length));
  keyed($("#lobby-players"), players, (p) => p.id,
    () => h("li", {}, h("span", { class: "person-name" }), h("span", { class: "person-role" })),
    (li, p) => {
      setText(li.querySelector(".person-name"), p.id === me.id ? t("{name} (you)", { name: p.name }) : p.name);
      const roleBox = li.querySelector(".person-role");
      if (roleBox.dataset.role !== p.home_role) {
        roleBox.dataset.role = p.home_role;
        roleBox.replaceChildren(roleBadge(p.home_role));
      }
    });
}

// ---------------------------------------------------------------- role card and question

function renderRoleCard(roleView) {
  const visible = Boolean(roleView) && pub.round >= 1 && pub.phase !== "closed";
  show($("#rolecard"), visible);
  if (!visible) return;
  const card = roleView.card;
  setText($("#rolecard-heading"), pub.round === 4
    ? t("Round 4: you play yourself")
    : t("Your role in round {n}:", { n: pub.round }));
  const badgeBox = $("#rolecard-badge");
  if (badgeBox.dataset.role !== roleView.role) {
    badgeBox.dataset.role = roleView.role;
    badgeBox.replaceChildren(roleBadge(roleView.role, { big: true }));
    $("#rolecard").className = `panel rolecard role-${roleView.role}`;
  }
  // Each step opens the card again while cards are written (unless the player closed it
  // in this step); in the other steps it starts closed, so the task comes first.
  const step = `${pub.round}:${pub.phase}`;
  if ($("#rolecard").dataset.step !== step) {
    $("#rolecard").dataset.step = step;
    let kept = null;
    try { kept = sessionStorage.getItem(`rw:rolecard:${room}:${step}`); } catch { kept = null; }
    $("#rolecard-details").open = kept ? kept === "open" : pub.phase === "play";
  }
  setText($("#role-title"), pick(card.title));
  setText($("#role-who"), pick(card.who));
  setText($("#role-values"), pick(card.values));
  setText($("#role-wants"), pick(card.wants));
  setText($("#role-fears"), pick(card.fears));
  keyed($("#role-secrets"), card.secrets || [], (s) => s.id, () => h("li"),
    (li, s) => setText(li, pick(s.text)));
}

$("#rolecard-details").addEventListener("toggle", () => {
  if (!pub) return;
  const key = `rw:rolecard:${room}:${pub.round}:${pub.phase}`;
  try {
    sessionStorage.setItem(key, $("#rolecard-details").open ? "open" : "closed");
  } catch {
    // No storage: the card simply opens again next time.
  }
});

// ---------------------------------------------------------------- writing a card

const composeIntention = new Intention();
const composeText = $("#compose-text");
const updateComposeCount = charCounter(composeText, $("#compose-count"), MAX_CARD);
let composeRound = null;

composeText.addEventListener("input", () => {
  if (composeRound !== null) drafts.set(room, `card:${composeRound}`, composeText.value);
});

$("#compose-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = composeText.value.trim();
  if (!text) return showError($("#compose-error"), t("Write something first."));
  const reply = await submit(composeIntention, "post_card", { text }, $("#compose-error"),
    $("#compose-form button[type=submit]"));
  if (reply.ok) {
    composeText.value = "";
    drafts.set(room, `card:${composeRound}`, null);
    updateComposeCount();
    announce(t("Your card is on the board."));
  }
});

function renderCompose() {
  const visible = pub.phase === "play";
  show($("#compose"), visible);
  if (!visible) return;
  if (composeRound !== pub.round) {
    composeRound = pub.round;
    const kept = drafts.get(room, `card:${pub.round}`);
    if (typeof kept === "string" && !composeText.value) composeText.value = kept;
    updateComposeCount();
  }
  const spec = roundSpec(pub);
  setText($("#compose-prompt"), spec ? pick(spec.card_prompt) : t("Your card"));
  setText($("#compose-hint"), t("Short, and in the voice of your role. You can edit or withdraw your card during this round."));
  $("#compose-form button[type=submit]").disabled = Boolean(pub.paused);
}

// ---------------------------------------------------------------- the board

const announcer = new CardAnnouncer({ describe: describeCard });
const editing = new Map(); // card id -> true while its editor is open

function isMine(card) {
  return Boolean(me && me.card_ids && me.card_ids.includes(card.id));
}

const pendingReactions = new Pending(); // "card:kind" -> on, sent, until the state has it

function reacted(cardId, kind) {
  const pending = pendingReactions.get(`${cardId}:${kind}`, pub.version);
  if (pending !== undefined) return pending;
  return Boolean(me && (me.reactions || []).some(([id, k]) => id === cardId && k === kind));
}

function createPlayCard(card) {
  const el = createCard(card);
  const actions = el.querySelector(".card-actions");
  const reactions = h("div", { class: "reactions", role: "group", "aria-label": t("React to this card") });
  for (const kind of REACTIONS) {
    const intention = new Intention();
    const button = h("button", { type: "button", class: `reaction reaction-${kind}`,
                                 "data-testid": `react-${kind}`, dataset: { kind } },
      reactionIcon(kind), h("span", { class: "reaction-word", text: reactionName(kind) }),
      h("span", { class: "reaction-count" }));
    button.addEventListener("click", async () => {
      const id = el.dataset.cardId;
      const on = button.getAttribute("aria-pressed") !== "true";
      // Show the new state at once and keep it until the server has answered.
      pendingReactions.set(`${id}:${kind}`, on);
      button.setAttribute("aria-pressed", String(on));
      const reply = await submit(intention, "react", { card_id: id, kind, on }, el.querySelector(".card-error"));
      pendingReactions.answered(`${id}:${kind}`, on, reply);
      if (pub) renderBoard();
    });
    reactions.append(button);
  }
  const own = h("div", { class: "own-actions", hidden: true },
    h("span", { class: "mine-label", text: t("Your card") }),
    h("button", { type: "button", class: "button small", "data-testid": "card-edit",
                  onclick: () => openEditor(el) }, t("Edit")),
    h("button", { type: "button", class: "button small", "data-testid": "card-withdraw",
                  onclick: () => askWithdraw(el) }, t("Withdraw")));
  actions.append(reactions, own, h("div", { class: "card-editor-slot" }),
    h("p", { class: "error card-error", role: "alert", hidden: true }));
  return el;
}

function updatePlayCard(el, card, all) {
  updateCard(el, card, { allCards: all });
  const mine = isMine(card);
  el.classList.toggle("mine", mine);
  const canReact = (pub.phase === "play" || pub.phase === "decision") && !pub.paused &&
    card.round === pub.round;
  const reactions = el.querySelector(".reactions");
  show(reactions, card.round === pub.round || Object.values(card.reactions || {}).some(Boolean));
  for (const button of reactions.querySelectorAll("button")) {
    const kind = button.dataset.kind;
    const count = (card.reactions && card.reactions[kind]) || 0;
    // A count of 0 says nothing; leaving it out keeps the three buttons on one line.
    setText(button.querySelector(".reaction-count"), count ? String(count) : "");
    button.setAttribute("aria-pressed", String(reacted(card.id, kind)));
    button.disabled = !canReact;
  }
  const canChange = mine && pub.phase === "play" && card.round === pub.round && !pub.paused;
  show(el.querySelector(".own-actions"), mine);
  for (const button of el.querySelectorAll(".own-actions button")) {
    button.hidden = !canChange;
  }
  if (!canChange && editing.has(card.id)) closeEditor(el, { keepDraft: true });
}

function openEditor(el) {
  const id = el.dataset.cardId;
  if (editing.has(id)) return;
  editing.set(id, true);
  const card = (pub.cards || []).find((c) => c.id === id);
  const field = `edit:${id}`;
  const intention = new Intention();
  const area = h("textarea", { rows: 3, maxlength: MAX_CARD, "data-testid": "card-edit-input",
                               "aria-label": t("Change your card") });
  area.value = drafts.get(room, field) || (card ? card.text : "");
  const counter = h("p", { class: "counter" });
  const error = h("p", { class: "error", role: "alert", hidden: true });
  charCounter(area, counter, MAX_CARD);
  area.addEventListener("input", () => drafts.set(room, field, area.value));
  const save = h("button", { type: "submit", class: "button primary small", "data-testid": "card-edit-save" }, t("Save"));
  const cancel = h("button", { type: "button", class: "button small", "data-testid": "card-edit-cancel",
                               onclick: () => closeEditor(el) }, t("Cancel"));
  const form = h("form", { class: "card-editor stack", novalidate: true }, area, counter, error,
    h("div", { class: "button-row" }, save, cancel));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) return showError(error, t("Write something first."));
    const reply = await submit(intention, "edit_card", { card_id: id, text }, error, save);
    if (reply.ok) {
      closeEditor(el);
      announce(t("Your card is changed."));
    }
  });
  el.querySelector(".card-editor-slot").replaceChildren(form);
  el.querySelector(".card-text").hidden = true;
  area.focus();
}

function closeEditor(el, { keepDraft: keep = false } = {}) {
  const id = el.dataset.cardId;
  editing.delete(id);
  if (!keep) drafts.set(room, `edit:${id}`, null);
  el.querySelector(".card-editor-slot").replaceChildren();
  el.querySelector(".card-text").hidden = false;
  const edit = el.querySelector("[data-testid=card-edit]");
  if (edit && !edit.hidden) edit.focus();
}

function askWithdraw(el) {
  const id = el.dataset.cardId;
  const slot = el.querySelector(".card-editor-slot");
  const intention = new Intention();
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const yes = h("button", { type: "button", class: "button danger small", "data-testid": "card-withdraw-confirm" },
    t("Yes, withdraw"));
  const no = h("button", { type: "button", class: "button small", onclick: () => {
    slot.replaceChildren();
    el.querySelector("[data-testid=card-withdraw]").focus();
  } }, t("No, keep it"));
  yes.addEventListener("click", async () => {
    const reply = await submit(intention, "withdraw_card", { card_id: id }, error, yes);
    if (reply.ok) announce(t("Your card is withdrawn."));
  });
  slot.replaceChildren(h("div", { class: "confirm", role: "group", "aria-label": t("Withdraw this card?") },
    h("p", { text: t("Withdraw this card? It disappears from the board.") }),
    h("div", { class: "button-row" }, yes, no), error));
  no.focus();
}

const board = new Board($("#board-list"), {
  announcer,
  mine: isMine,
  create: createPlayCard,
  update: updatePlayCard,
  empty: $("#board-empty"),
});

function renderBoard() {
  const visible = pub.round >= 1;
  show($("#board"), visible);
  if (!visible) return;
  const cards = pub.cards || [];
  const current = cards.filter((c) => c.round === pub.round);
  board.render(current);
  setText($("#board-count"), `(${cardCount(current.filter((c) => !c.merged_into).length)})`);
  const earlier = cards.filter((c) => c.round < pub.round && !c.merged_into);
  show($("#earlier"), earlier.length > 0);
  if (earlier.length && $("#earlier").open) renderEarlier(earlier);
}

$("#earlier").addEventListener("toggle", () => {
  if ($("#earlier").open && pub) renderEarlier((pub.cards || []).filter((c) => c.round < pub.round && !c.merged_into));
});

function renderEarlier(cards) {
  const rounds = [...new Set(cards.map((c) => c.round))].sort();
  keyed($("#earlier-list"), rounds, (r) => r,
    (r) => h("div", { class: "earlier-round" }, h("h3", { text: roundLabel(pub, r) }), h("div", { class: "cards" })),
    (box, r) => keyed(box.querySelector(".cards"), cards.filter((c) => c.round === r), (c) => c.id,
      (c) => createCard(c, { testid: "earlier-card" }), (el, c) => updateCard(el, c, { allCards: pub.cards })));
}

// ---------------------------------------------------------------- reflection

const reflectionIntention = new Intention();
const reflectionText = $("#reflection-text");
const updateReflectionCount = charCounter(reflectionText, $("#reflection-count"), 1000);
let reflectionRound = null;

reflectionText.addEventListener("input", () => {
  if (reflectionRound !== null) drafts.set(room, `reflection:${reflectionRound}`, reflectionText.value);
});

$("#reflection-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = reflectionText.value.trim();
  if (!text) return showError($("#reflection-error"), t("Write something first."));
  const shared = $("#reflection-shared").checked;
  const reply = await submit(reflectionIntention, "save_reflection", { text, shared },
    $("#reflection-error"), $("#reflection-form button[type=submit]"));
  if (reply.ok) drafts.set(room, `reflection:${reflectionRound}`, null);
});

function renderReflection() {
  const visible = pub.phase === "reflection";
  show($("#reflection"), visible);
  if (!visible) return;
  const saved = (me.reflections || []).find((r) => r.round === pub.round) || null;
  if (reflectionRound !== pub.round) {
    reflectionRound = pub.round;
    const kept = drafts.get(room, `reflection:${pub.round}`);
    reflectionText.value = typeof kept === "string" ? kept : (saved ? saved.text : "");
    $("#reflection-shared").checked = saved ? saved.shared : false;
    updateReflectionCount();
  }
  setText($("#reflection-prompt"), pub.round === 4
    ? t("What do you take home from this game? What will you do differently?")
    : t("What did you notice in this role that you do not see from your own role?"));
  setText($("#reflection-status"), saved
    ? (saved.shared ? t("Saved and shared with the group.") : t("Saved. Only you can read it."))
    : "");
  $("#reflection-form button[type=submit]").disabled = Boolean(pub.paused);
}

// ---------------------------------------------------------------- scoring the options

const pendingScores = new Pending(); // option id -> score sent, until the state has it

function renderScoring() {
  const options = (pub.scenario && pub.scenario.options) || [];
  const visible = pub.phase === "scoring" && options.length > 0;
  show($("#scoring"), visible);
  if (!visible) return;
  keyed($("#options"), options, (o) => o.id, (option) => {
    const intention = new Intention();
    const error = h("p", { class: "error", role: "alert", hidden: true });
    const scale = h("div", { class: "scale" });
    for (let n = 1; n <= 5; n += 1) {
      const input = h("input", { type: "radio", name: `score-${option.id}`, value: String(n),
                                 "data-testid": `score-${option.id}-${n}` });
      input.addEventListener("change", async () => {
        if (!input.checked) return;
        // Until the server answers, the page shows this choice, not an older state.
        pendingScores.set(option.id, n);
        const reply = await submit(intention, "score_option", { option_id: option.id, score: n }, error);
        pendingScores.answered(option.id, n, reply);
        if (pub) renderScoring();
      });
      scale.append(h("label", { class: "scale-point" }, input, h("span", { text: String(n) })));
    }
    return h("fieldset", { class: "option", "data-testid": `option-${option.id}` },
      h("legend", { class: "option-title" }),
      h("p", { class: "option-description" }),
      h("p", { class: "scale-ends", "aria-hidden": "true" },
        h("span", { text: t("1 = not good") }), h("span", { text: t("5 = very good") })),
      scale, error);
  }, (box, option) => {
    setText(box.querySelector(".option-title"), pick(option.title));
    setText(box.querySelector(".option-description"), pick(option.description));
    const pending = pendingScores.get(option.id, pub.version);
    const mine = pending !== undefined ? pending : (me.scores ? me.scores[option.id] : undefined);
    for (const input of box.querySelectorAll("input")) {
      input.checked = Number(input.value) === mine;
      input.disabled = Boolean(pub.paused);
    }
  });
}

// ---------------------------------------------------------------- proposal and vote

const voteIntention = new Intention();
let voteBallot = null;
const reasonField = $("#vote-reason");
const neededField = $("#vote-needed");

function chosen() {
  const input = document.querySelector("#vote-form input[name=choice]:checked");
  return input ? input.value : null;
}

function syncObjection() {
  show($("#objection-fields"), chosen() === "bezwaar");
  reasonField.required = chosen() === "bezwaar";
}

for (const input of document.querySelectorAll("#vote-form input[name=choice]")) {
  input.addEventListener("change", () => {
    syncObjection();
    if (voteBallot !== null) drafts.set(room, `vote-choice:${voteBallot}`, chosen());
  });
}
reasonField.addEventListener("input", () => showError($("#vote-error"), ""));
reasonField.addEventListener("input", () => { if (voteBallot !== null) drafts.set(room, `vote-reason:${voteBallot}`, reasonField.value); });
neededField.addEventListener("input", () => { if (voteBallot !== null) drafts.set(room, `vote-needed:${voteBallot}`, neededField.value); });

$("#vote-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const choice = chosen();
  if (!choice) return showError($("#vote-error"), t("Choose one of the three answers."));
  const reason = choice === "bezwaar" ? reasonField.value.trim() : "";
  const needed = choice === "bezwaar" ? neededField.value.trim() : "";
  if (choice === "bezwaar" && !reason) {
    showError($("#vote-error"), t("Write why you object."));
    reasonField.focus();
    return;
  }
  const reply = await submit(voteIntention, "cast_vote", { choice, reason, needed }, $("#vote-error"), $("#vote-submit"));
  if (reply.ok) {
    for (const name of ["vote-choice", "vote-reason", "vote-needed"]) drafts.set(room, `${name}:${voteBallot}`, null);
    announce(t("Your vote is saved."));
  }
});

function renderProposal() {
  const ballot = currentBallot(pub);
  const inRoundFour = pub.round === 4 && ["play", "decision", "reflection", "closed"].includes(pub.phase);
  show($("#proposal"), inRoundFour);
  if (!inRoundFour) return;
  const body = $("#proposal-body");
  const parts = [];
  const version = ballot ? proposalVersion(pub, ballot.proposal_version) : null;
  if (version) {
    parts.push(proposalBlock(version, { title: t("Version {n}", { n: version.number }) }));
  } else if (pub.draft && pub.draft.text) {
    parts.push(h("p", { class: "hint", text: t("Draft: the workshop leader is still writing it with you.") }),
      proposalBlock(pub.draft, { testid: "proposal-draft" }));
  } else {
    parts.push(h("p", { class: "hint", text: t("The workshop leader writes the proposal with the group. It appears here.") }));
  }
  if (ballot && ballot.tally_shown && ballot.result) parts.push(resultBlock(ballot.result));
  // Rebuild only when something changed, so a screen reader is not sent back to the top.
  const signature = JSON.stringify([version, pub.draft, ballot && ballot.result]);
  if (body.dataset.sig !== signature) {
    body.dataset.sig = signature;
    body.replaceChildren(...parts);
  }
}

function renderVote() {
  const ballot = currentBallot(pub);
  const visible = pub.phase === "decision" && Boolean(ballot);
  show($("#vote"), visible);
  if (!visible) return;
  const open = ballot.open;
  show($("#vote-form"), open);
  if (voteBallot !== ballot.number) {
    voteBallot = ballot.number;
    const mine = me.vote || {};
    const choice = drafts.get(room, `vote-choice:${ballot.number}`) || mine.choice || null;
    for (const input of document.querySelectorAll("#vote-form input[name=choice]")) input.checked = input.value === choice;
    reasonField.value = drafts.get(room, `vote-reason:${ballot.number}`) || mine.reason || "";
    neededField.value = drafts.get(room, `vote-needed:${ballot.number}`) || mine.needed || "";
    syncObjection();
  }
  const progress = t("{cast} of {eligible} have voted.", { cast: ballot.votes_cast, eligible: ballot.eligible });
  let line;
  if (!open) line = ballot.tally_shown ? t("The vote is closed.") : t("The vote is closed. Wait for the result.");
  else if (me.vote) line = t("You voted: {choice}. You can change your vote until the vote closes.", { choice: voteName(me.vote.choice) });
  else line = t("You have not voted yet.");
  setText($("#vote-current"), `${line} ${progress}`);
  setText($("#vote-submit"), me.vote ? t("Change my vote") : t("Cast my vote"));
  $("#vote-submit").disabled = Boolean(pub.paused);
}

// ---------------------------------------------------------------- closed

function renderClosed() {
  const closed = pub.phase === "closed";
  show($("#closed"), closed);
  if (closed) $("#summary-link").href = `${summaryUrl(room)}?lang=${lang}`;
}

// ---------------------------------------------------------------- another device

// The personal link that takes this seat to another device (the token never leaves the
// fragment, so it is not sent to a server or kept in its logs).
function renderOtherDevice() {
  const box = $("#other-device");
  show(box, pub.phase !== "closed");
  const link = `${location.origin}/room/${encodeURIComponent(room)}/play#s=${encodeURIComponent(mySeat.token)}`;
  if ($("#device-link").value !== link) $("#device-link").value = link;
  if (me.id && mySeat.player_id !== me.id) {
    mySeat.player_id = me.id;
    seat.set(room, { token: mySeat.token, player_id: me.id });
  }
}

$("#device-link").addEventListener("focus", (event) => event.currentTarget.select());
$("#copy-device-link").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("#device-link").value);
    setText($("#device-copy-status"), t("Copied."));
  } catch {
    $("#device-link").select();
    setText($("#device-copy-status"), t("Copying did not work. Select the link and copy it yourself."));
  }
});

// Another device opened the personal link: this page stops and says so.
let handedOver = false;

function takenOver(message) {
  handedOver = true;
  for (const section of document.querySelectorAll("main > section, main > details")) section.hidden = true;
  show($("#conn-banner"), false);
  setText($("#taken-over-text"), message || t("You opened this game somewhere else."));
  show($("#taken-over"), true);
  $("#take-back").focus();
}

$("#take-back").addEventListener("click", () => location.reload());

// ---------------------------------------------------------------- the whole page

function render(view) {
  if (handedOver) return;
  pub = view.public;
  me = view.me || {};
  if (me.active === false) {
    stop(me.left_reason === "removed"
      ? t("The workshop leader has taken you out of this game.")
      : t("You have left this game."));
    return;
  }
  renderStatus();
  renderLobby();
  renderRoleCard(view.role);
  renderQuestion(pub);
  renderScoring();
  renderProposal();
  renderVote();
  renderCompose();
  renderReflection();
  renderBoard();
  renderClosed();
  renderOtherDevice();
}

function stop(message) {
  for (const section of document.querySelectorAll("main > section, main > details")) section.hidden = true;
  showError($("#page-error"), message);
  show($("#no-seat"), true);
  if (conn) conn.stop();
}

if (!mySeat || !mySeat.token) {
  show($("#no-seat"), true);
} else {
  conn = connect({
    room,
    token: mySeat.token,
    onState: render,
    onNotice: (notice) => { if (notice.code === "seat_taken_over") takenOver(notice.message); },
    onRefused: (code, message) => stop(message || t("This game cannot be found.")),
  });
}
