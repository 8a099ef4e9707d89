// The participant's page (phone first): lobby, the case, role card, what you know, cards,
// reflection, scoring, vote.
import { Board, cardCount, cardView, REACTIONS, reactionIcon, reactionName } from "./board.js";
import { chime, listenForTouch, vibrate } from "./chime.js";
import { $, copyText, setText, show, showError } from "./dom.js";
import { filled, Intention, Pending, radioField } from "./forms.js";
import { currentBallot, phaseName, proposalBlock, proposalVersion, questionSection, resultBlock,
         roundLabel, roundSpec, summaryUrl, voteName } from "./game.js";
import { html, live, nothing, render, repeat } from "./html.js";
import { pick, t, tn } from "./i18n.js";
import { LIMITS } from "./limits.js";
import { announce } from "./live.js";
import { Outbox } from "./outbox.js";
import { roleBadge, roleName, ROLES } from "./roles.js";
import { startPage } from "./shell.js";
import { readAloud, stopReading } from "./speech.js";
import { seat, takeSeatFromFragment } from "./store.js";

const room = document.body.dataset.roomId;
// Normally kept since joining; a personal link (#s=...) from another device brings it here.
const mySeat = takeSeatFromFragment(room);

let page = null;
// The forms (forms.js): each keeps its draft, counter and intention; made in makeForms().
let renameForm, composeForm, reflectionForm, voteForm;
let pub = null; // the public part of the last view
let me = null; // this player's own part
let lastStep = null;

const refresh = () => page.live.notify();
const step = () => `${pub.round}:${pub.phase}`;

// A fold (<details>) that opens or closes by itself when `moment()` changes (a new step),
// as `openByDefault()` says, unless the person opened or closed it at this moment (kept in
// sessionStorage, so a reload keeps it). Returns the function to call on every render.
function fold(details, name, openByDefault, moment = step) {
  const key = () => `rw:fold:${room}:${name}:${moment()}`;
  details.addEventListener("toggle", () => {
    if (!pub || details.dataset.moment !== moment()) return;
    try { sessionStorage.setItem(key(), details.open ? "open" : "closed"); } catch { /* the fold opens again next time */ }
  });
  return () => {
    if (details.dataset.moment === moment()) return;
    details.dataset.moment = moment();
    let kept = null;
    try { kept = sessionStorage.getItem(key()); } catch { kept = null; }
    details.open = kept ? kept === "open" : openByDefault();
  };
}

// ---------------------------------------------------------------- status bar

function renderStatus() {
  // Round and lens in two parts, so a phone can leave out the lens (the question shows it).
  const spec = pub.round >= 1 ? roundSpec(pub) : null;
  setText($("#round-number"), pub.round ? t("Round {n} of 4", { n: pub.round }) : t("Before the start"));
  setText($("#round-lens"), spec ? ` · ${pick(spec.lens)}` : "");
  setText($("#phase-label"), phaseName(pub.phase));
  if (lastStep !== null && lastStep !== step()) {
    stopReading(); // what was read belongs to the step before
    announce(t("Next step: {step}", { step: `${roundLabel(pub)} · ${phaseName(pub.phase)}` }));
  }
  lastStep = step();
}

// ---------------------------------------------------------------- lobby

const homeIntention = new Intention();
const pendingHome = new Pending();

async function chooseHome(role) {
  pendingHome.set("home", role);
  refresh();
  const reply = await page.send("set_home_role", { role }, { error: $("#home-error"), intention: homeIntention });
  pendingHome.answered("home", role, reply);
  refresh();
}

function renderLobby() {
  setText($("#lobby-name"), me.name);
  renameForm.open("rename", () => ({ name: me.name }));
  const home = pendingHome.get("home", pub.version) || me.home_role;
  render(ROLES.map((role) => html`<label class="role-option role-${role}">
    <input type="radio" name="home-role" value=${role} data-testid="home-${role}" .checked=${live(role === home)}
           @change=${(e) => { if (e.currentTarget.checked) chooseHome(role); }}>${roleBadge(role)}</label>`), $("#home-options"));
  const players = pub.players || [];
  setText($("#lobby-count"), tn("{n} player is in the room.", "{n} players are in the room.", players.length));
  render(repeat(players, (p) => p.id, (p) => html`<li>
    <span class="person-name">${p.id === me.id ? t("{name} (you)", { name: p.name }) : p.name}</span>
    <span class="person-role">${roleBadge(p.home_role)}</span></li>`), $("#lobby-players"));
}

// ---------------------------------------------------------------- the case

// In full in the lobby; folded in the rounds, to be opened at any moment.
const foldCase = fold($("#case"), "case", () => pub.phase === "lobby");

function renderCase() {
  foldCase();
  const scenario = pub.scenario;
  setText($("#case-title"), pick(scenario.title));
  const paragraphs = pick(scenario.situation).split(/\n+/).filter((p) => p.trim());
  render(paragraphs.map((p) => html`<p>${p}</p>`), $("#case-text"));
}

readAloud($("#read-case"), $("[data-testid=read-case-status]"),
  () => `${pick(pub.scenario.title)}\n${pick(pub.scenario.situation)}`);

// ---------------------------------------------------------------- role card

// Open at the start of each step in which cards are written; closed in the others, so the
// task comes first.
const foldRoleCard = fold($("#rolecard-details"), "rolecard", () => pub.phase === "play");
let roleNow = null; // the role view of the last render, for reading it aloud

function renderRoleCard({ role: roleView }) {
  roleNow = roleView;
  const card = roleView.card;
  setText($("#rolecard-heading"), pub.round === 4
    ? t("Round 4: you play yourself")
    : t("Your role in round {n}:", { n: pub.round }));
  const badge = $("#rolecard-badge");
  badge.dataset.role = roleView.role;
  render(roleBadge(roleView.role, { big: true }), badge);
  $("#rolecard").className = `panel rolecard role-${roleView.role}`;
  foldRoleCard();
  setText($("#role-title"), pick(card.title));
  setText($("#role-who"), pick(card.who));
  setText($("#role-values"), pick(card.values));
  setText($("#role-wants"), pick(card.wants));
  setText($("#role-fears"), pick(card.fears));
  // Only the secrets dealt to this player for this round and this role (the engine's view).
  const secrets = card.secrets || [];
  show($("#secret"), secrets.length > 0);
  render(repeat(secrets, (s) => s.id, (s) => html`<li data-testid="secret-item" data-secret-id=${s.id}>${pick(s.text)}</li>`), $("#role-secrets"));
  let none = "";
  if (!secrets.length && pub.round === 4) {
    none = (me.known_secrets || []).length
      ? t("In round 4 you play yourself: there is no new secret. What you were given before is under \"What you know\".")
      : t("In round 4 you play yourself: there is no new secret.");
  } else if (!secrets.length) {
    none = t("This round you were given no secret in this role.");
  }
  setText($("#no-secret"), none);
  show($("#no-secret"), Boolean(none));
}

function roleCardText() {
  const card = roleNow.card;
  return [
    `${$("#rolecard-heading").textContent} ${roleName(roleNow.role)}.`,
    pick(card.title), pick(card.who),
    `${t("What you find important")}: ${pick(card.values)}`,
    `${t("What you want")}: ${pick(card.wants)}`,
    `${t("What you fear")}: ${pick(card.fears)}`,
  ].join("\n");
}

readAloud($("#read-rolecard"), $("[data-testid=read-rolecard-status]"), roleCardText);
readAloud($("#read-secret"), $("[data-testid=read-secret-status]"),
  () => [t("Only whoever plays this role this round"), ...(roleNow.card.secrets || []).map((s) => pick(s.text))].join("\n"));

// ---------------------------------------------------------------- what you know

// Every secret dealt to this player so far, with the round and the role it came with. Open
// by itself in round 4, when the table puts it all together.
const foldKnown = fold($("#known"), "known", () => pub.round === 4);
const whereFrom = (s) => t("Round {n}, {role}", { n: s.round, role: roleName(s.role) });

function renderKnown() {
  foldKnown();
  const known = me.known_secrets || [];
  setText($("#known-count"), `(${known.length})`);
  render(repeat(known, (s) => s.id, (s) => html`<li data-testid="known-secret" data-secret-id=${s.id}>
    <span class="known-where">${t("Round {n}", { n: s.round })} ${roleBadge(s.role)}</span>
    <span class="known-text">${pick(s.text)}</span></li>`), $("#known-list"));
}

readAloud($("#read-known"), $("[data-testid=read-known-status]"),
  () => [t("What you know"), ...(me.known_secrets || []).map((s) => `${whereFrom(s)}: ${pick(s.text)}`)].join("\n"));

// ---------------------------------------------------------------- the question

readAloud($("#read-question"), $("[data-testid=read-question-status]"), () => {
  const spec = roundSpec(pub);
  const prompt = pub.phase === "play" ? t("Card: {prompt}", { prompt: pick(spec.card_prompt) }) : "";
  return [roundLabel(pub), pick(spec.question), prompt].join("\n");
});

// ---------------------------------------------------------------- writing a card

function renderCompose() {
  composeForm.open(`card:${pub.round}`);
  const spec = roundSpec(pub);
  setText($("#compose-prompt"), spec ? pick(spec.card_prompt) : t("Your card"));
  setText($("#compose-hint"), t("Short, and in the voice of your role. You can edit or withdraw your card during this round."));
  composeForm.button.disabled = Boolean(pub.paused);
}

// ---------------------------------------------------------------- offline: what waits

// A card posted while the connection is gone waits in the outbox (outbox.js) with its key,
// shown as "not on the board yet", and is sent once the page is connected again.
let outbox = null;

function keep(type, fields, { intention, error }) {
  outbox.add(type, fields, { key: intention.key, step: step() });
  intention.done();
  showError(error, "");
  return { ok: true, queued: true };
}

// The compose form's way to send: straight away when connected; otherwise (or when the
// server did not answer in time) into the outbox.
async function sendOrKeep(type, fields, options) {
  if (!page.conn.connected()) return keep(type, fields, options);
  const reply = await page.send(type, fields, options);
  return !reply.ok && reply.retry ? keep(type, fields, options) : reply;
}

// A card that waited is sent only in the step it was written in.
function stillFits(item) {
  return item.step === step() ? null : t("The step changed before the connection came back.");
}

function flushOutbox() {
  if (!outbox || !pub || pub.paused || !page.conn.connected() || !outbox.waiting().length) return;
  outbox.flush(stillFits).then(() => {
    if (!outbox.items.length) announce(t("Your card is on the board."));
  });
}

// A card that could not be sent is closed: its text goes back into the field when that is
// empty (so nothing typed is lost), and the focus goes there rather than to the page's start.
function dismissWaiting(item) {
  outbox.dismiss(item.key);
  const field = $("#compose-text");
  if ($("#compose").hidden) {
    $("#board-title").focus();
    return;
  }
  if (!field.value.trim()) composeForm.fill({ text: item.fields.text });
  field.focus();
}

function renderOutbox() {
  const items = outbox.items;
  show($("#outbox"), items.length > 0);
  const state = (item) => {
    if (item.error) return t("Not posted: {reason}", { reason: item.error });
    return item.sending ? t("Being sent…") : t("Will be sent when the connection is back.");
  };
  render(repeat(items, (i) => i.key, (item) => html`<li class="outbox-item${item.error ? " failed" : ""}" data-testid="outbox-card">
    <p class="card-text">${item.fields.text}</p>
    <p class="outbox-state" data-testid="outbox-state">${state(item)}</p>
    ${item.error ? html`<button type="button" class="button small" data-testid="outbox-dismiss"
      @click=${() => dismissWaiting(item)}>${t("Close")}</button>` : nothing}</li>`), $("#outbox-list"));
}

// ---------------------------------------------------------------- the board

const editing = new Set(); // ids of own cards whose editor is open
let withdrawing = null; // {id, intention} while "Withdraw this card?" is asked
const pendingReactions = new Pending(); // "card:kind" -> on, sent, until the view has it
const reactIntentions = new Map(); // "card:kind" -> Intention

function isMine(card) {
  return Boolean(me && me.card_ids && me.card_ids.includes(card.id));
}

function reacted(cardId, kind) {
  const pending = pendingReactions.get(`${cardId}:${kind}`, pub.version);
  if (pending !== undefined) return pending;
  return Boolean((me.reactions || []).some(([id, k]) => id === cardId && k === kind));
}

async function react(card, kind, button) {
  const key = `${card.id}:${kind}`;
  const on = !reacted(card.id, kind);
  if (!reactIntentions.has(key)) reactIntentions.set(key, new Intention());
  // Show the new state at once and keep it until the server has answered.
  pendingReactions.set(key, on);
  refresh();
  const error = button.closest(".card").querySelector(".card-error");
  const reply = await page.send("react", { card_id: card.id, kind, on }, { error, intention: reactIntentions.get(key) });
  pendingReactions.answered(key, on, reply);
  refresh();
}

function cardEl(id) {
  return $(`#board-list [data-card-id="${CSS.escape(id)}"]`);
}

function openEditor(card) {
  if (editing.has(card.id)) return;
  editing.add(card.id);
  refresh();
  const form = cardEl(card.id).querySelector("form.card-editor");
  const field = form.querySelector("textarea");
  page.form({
    form,
    fields: { text: field },
    check: filled("text", t("Write something first.")),
    action: ({ text }) => ["edit_card", { card_id: card.id, text: text.trim() }],
    sent: () => {
      closeEditor(card.id);
      announce(t("Your card is changed."));
    },
  }).open(`edit:${card.id}`, () => ({ text: card.text }));
  field.focus();
}

function closeEditor(id, { focus = true } = {}) {
  editing.delete(id);
  refresh();
  const edit = cardEl(id) && cardEl(id).querySelector("[data-testid=card-edit]");
  if (focus && edit && !edit.hidden) edit.focus();
}

function askWithdraw(card) {
  withdrawing = { id: card.id, intention: new Intention() };
  refresh();
  cardEl(card.id).querySelector("[data-testid=card-withdraw-keep]").focus();
}

function keepCard(id) {
  withdrawing = null;
  refresh();
  cardEl(id).querySelector("[data-testid=card-withdraw]").focus();
}

async function withdraw(card, button) {
  const error = button.closest(".confirm").querySelector(".error");
  const reply = await page.send("withdraw_card", { card_id: card.id }, { error, button, intention: withdrawing.intention });
  if (!reply.ok) return;
  withdrawing = null;
  announce(t("Your card is withdrawn."));
}

const editorView = (card) => html`<form class="card-editor stack" novalidate>
  <textarea rows="3" data-limit=${LIMITS.card} data-testid="card-edit-input" aria-label=${t("Change your card")}></textarea>
  <p class="counter" data-counts="text"></p>
  <p class="error" role="alert" hidden></p>
  <div class="button-row">
    <button type="submit" class="button primary small" data-testid="card-edit-save">${t("Save")}</button>
    <button type="button" class="button small" data-testid="card-edit-cancel" @click=${() => closeEditor(card.id)}>${t("Cancel")}</button>
  </div></form>`;

const withdrawView = (card) => html`<div class="confirm" role="group" aria-label=${t("Withdraw this card?")}>
  <p>${t("Withdraw this card? It disappears from the board.")}</p>
  <div class="button-row">
    <button type="button" class="button danger small" data-testid="card-withdraw-confirm" @click=${(e) => withdraw(card, e.currentTarget)}>${t("Yes, withdraw")}</button>
    <button type="button" class="button small" data-testid="card-withdraw-keep" @click=${() => keepCard(card.id)}>${t("No, keep it")}</button>
  </div>
  <p class="error" role="alert" hidden></p></div>`;

function playCard(card, all) {
  const mine = isMine(card);
  const current = card.round === pub.round;
  const canReact = (pub.phase === "play" || pub.phase === "decision") && !pub.paused && current;
  const canChange = mine && pub.phase === "play" && current && !pub.paused;
  // The step moved on or the game paused: the editor closes, its draft stays.
  if (!canChange) editing.delete(card.id);
  if (!canChange && withdrawing && withdrawing.id === card.id) withdrawing = null;
  let slot = nothing;
  if (editing.has(card.id)) slot = editorView(card);
  else if (withdrawing && withdrawing.id === card.id) slot = withdrawView(card);
  return cardView(card, { all, mine, editing: editing.has(card.id), actions: html`
    <div class="reactions" role="group" aria-label=${t("React to this card")}
         ?hidden=${!current && !Object.values(card.reactions || {}).some(Boolean)}>${REACTIONS.map((kind) => {
      const count = (card.reactions && card.reactions[kind]) || 0;
      return html`<button type="button" class="reaction reaction-${kind}" data-testid="react-${kind}"
        aria-pressed=${String(reacted(card.id, kind))} ?disabled=${!canReact}
        @click=${(e) => react(card, kind, e.currentTarget)}>${reactionIcon(kind)}<span class="reaction-word">${reactionName(kind)}</span><span class="reaction-count">${count || nothing}</span></button>`;
    })}</div>
    <div class="own-actions" ?hidden=${!mine}>
      <span class="mine-label">${t("Your card")}</span>
      <button type="button" class="button small" data-testid="card-edit" ?hidden=${!canChange} @click=${() => openEditor(card)}>${t("Edit")}</button>
      <button type="button" class="button small" data-testid="card-withdraw" ?hidden=${!canChange} @click=${() => askWithdraw(card)}>${t("Withdraw")}</button>
    </div>
    <div class="card-editor-slot">${slot}</div>
    <p class="error card-error" role="alert" hidden></p>` });
}

// A phone shows about four cards at once: the first render of a long board draws eight.
const board = new Board($("#board-list"), { mine: isMine, card: playCard, empty: $("#board-empty"), firstScreen: 8 });

// Own cards the workshop leader hid: the author is told, and can still read them.
let hiddenSeen = null;

function renderHidden() {
  const hidden = (me.hidden_cards || []).filter((c) => c.round === pub.round);
  show($("#hidden-cards"), hidden.length > 0);
  render(repeat(hidden, (c) => c.id, (c) => html`<li data-testid="hidden-card" data-card-id=${c.id}>
    <span class="hidden-round">${t("Round {n}", { n: c.round })}:</span> <span class="card-text">${c.text}</span></li>`), $("#hidden-list"));
  if (hiddenSeen && hidden.some((c) => !hiddenSeen.has(c.id))) {
    announce(t("The workshop leader hid one of your cards. The others no longer see it."));
  }
  hiddenSeen = new Set(hidden.map((c) => c.id));
}

function renderBoard() {
  renderHidden();
  renderOutbox();
  const cards = pub.cards || [];
  const current = cards.filter((c) => c.round === pub.round);
  board.render(current);
  setText($("#board-count"), `(${cardCount(current.filter((c) => !c.merged_into).length)})`);
  const earlier = cards.filter((c) => c.round < pub.round && !c.merged_into);
  show($("#earlier"), earlier.length > 0);
  if (!$("#earlier").open) return;
  const rounds = [...new Set(earlier.map((c) => c.round))].sort();
  render(repeat(rounds, (r) => r, (r) => html`<div class="earlier-round"><h3>${roundLabel(pub, r)}</h3><div class="cards">${
    repeat(earlier.filter((c) => c.round === r), (c) => c.id, (c) => cardView(c, { all: cards, testid: "earlier-card" }))}</div></div>`),
  $("#earlier-list"));
}

$("#earlier").addEventListener("toggle", () => { if (pub) refresh(); });

// ---------------------------------------------------------------- reflection

// The question fits the round: another role than one's own (swap), one's own role (own), or
// the decision in round 4. Without a role this round (joined late): a plain question.
function reflectionQuestion(kind, role) {
  if (kind === "swap") {
    return [t("This round you played a role that is not yours in real life: {role}.", { role: roleName(role) }),
      t("What did you notice in this role that you do not see from your own role?")];
  }
  if (kind === "own") {
    return [t("This round you played your own role, the one you have in real life."),
      t("How did the others look at your role? What did you notice about that?")];
  }
  if (kind === "decision") {
    return [t("This last reflection is about the decision."),
      t("Can you carry the decision? What do you take home from this game?")];
  }
  return ["", t("What did you notice in this round?")];
}

function renderReflection(view) {
  const saved = (me.reflections || []).find((r) => r.round === pub.round) || null;
  reflectionForm.open(`reflection:${pub.round}`, () => ({ text: saved ? saved.text : "", shared: saved ? saved.shared : false }));
  const [why, question] = reflectionQuestion(me.reflection_kind, view.role && view.role.role);
  $("#reflection-form").dataset.kind = me.reflection_kind || "";
  setText($("#reflection-why"), why);
  show($("#reflection-why"), Boolean(why));
  setText($("#reflection-prompt"), question);
  setText($("#reflection-status"), saved
    ? (saved.shared ? t("Saved and shared with the group.") : t("Saved. Only you can read it."))
    : "");
  reflectionForm.button.disabled = Boolean(pub.paused);
}

// ---------------------------------------------------------------- scoring the options

const pendingScores = new Pending(); // option id -> score sent, until the view has it
const scoreIntentions = new Map(); // option id -> Intention

async function score(option, n, input) {
  if (!scoreIntentions.has(option.id)) scoreIntentions.set(option.id, new Intention());
  // Until the server answers, the page shows this choice, not an older view.
  pendingScores.set(option.id, n);
  refresh();
  const error = input.closest(".option").querySelector(".error");
  const reply = await page.send("score_option", { option_id: option.id, score: n }, { error, intention: scoreIntentions.get(option.id) });
  pendingScores.answered(option.id, n, reply);
  refresh();
}

function scoringView() {
  return repeat(pub.scenario.options, (o) => o.id, (option) => {
    const pending = pendingScores.get(option.id, pub.version);
    const mine = pending !== undefined ? pending : (me.scores ? me.scores[option.id] : undefined);
    return html`<fieldset class="option" data-testid="option-${option.id}">
      <legend class="option-title">${pick(option.title)}</legend>
      <p class="option-description">${pick(option.description)}</p>
      <p class="scale-ends" aria-hidden="true"><span>${t("1 = not good")}</span><span>${t("5 = very good")}</span></p>
      <div class="scale">${[1, 2, 3, 4, 5].map((n) => html`<label class="scale-point">
        <input type="radio" name="score-${option.id}" value=${n} data-testid="score-${option.id}-${n}"
               .checked=${live(mine === n)} ?disabled=${pub.paused}
               @change=${(e) => { if (e.currentTarget.checked) score(option, n, e.currentTarget); }}><span>${n}</span></label>`)}</div>
      <p class="error" role="alert" hidden></p>
    </fieldset>`;
  });
}

// ---------------------------------------------------------------- proposal and vote

function proposalView() {
  const ballot = currentBallot(pub);
  const version = ballot ? proposalVersion(pub, ballot.proposal_version) : null;
  let proposal;
  if (version) proposal = proposalBlock(version, { title: t("Version {n}", { n: version.number }) });
  else if (pub.draft && pub.draft.text) {
    proposal = html`<p class="hint">${t("Draft: the workshop leader is still writing it with you.")}</p>
      ${proposalBlock(pub.draft, { testid: "proposal-draft" })}`;
  } else proposal = html`<p class="hint">${t("The workshop leader writes the proposal with the group. It appears here.")}</p>`;
  return html`${proposal}${ballot && ballot.tally_shown && ballot.result ? resultBlock(ballot.result) : nothing}`;
}

// An objection asks why (needed) and what would help; a reservation may carry a short text.
function syncVoteFields() {
  const choice = radioField($("#vote-form"), "choice").get();
  show($("#objection-fields"), choice === "bezwaar");
  $("#vote-reason").required = choice === "bezwaar";
  show($("#reservation-fields"), choice === "eens_met_bedenkingen");
}

$("#vote-form").addEventListener("change", syncVoteFields);

// The explanation is open when a ballot first shows; the person may fold it.
const foldExplain = fold($("#vote-explain"), "vote-explain", () => true,
  () => `${step()}:${(currentBallot(pub) || { number: 0 }).number}`);

function renderVote() {
  foldExplain();
  setText($("#vote-threshold"), t("In every group at least {threshold} carry the proposal: they vote agree, or agree with reservations.",
    { threshold: pick(pub.scenario.threshold_text) }));
  const ballot = currentBallot(pub);
  show($("#vote-form"), Boolean(ballot && ballot.open));
  if (!ballot) {
    setText($("#vote-current"), t("The vote is not open yet. The workshop leader opens it."));
    return;
  }
  const mine = me.vote || {};
  voteForm.open(`vote:${ballot.number}`, () => ({
    choice: mine.choice || null,
    reason: mine.choice === "bezwaar" ? mine.reason || "" : "",
    needed: mine.needed || "",
    reservation: mine.choice === "eens_met_bedenkingen" ? mine.reason || "" : "",
  }));
  syncVoteFields();
  const progress = t("{cast} of {eligible} have voted.", { cast: ballot.votes_cast, eligible: ballot.eligible });
  let line;
  if (!ballot.open) line = ballot.tally_shown ? t("The vote is closed.") : t("The vote is closed. Wait for the result.");
  else if (me.vote) line = t("You voted: {choice}. You can change your vote until the vote closes.", { choice: voteName(me.vote.choice) });
  else line = t("You have not voted yet.");
  setText($("#vote-current"), `${line} ${progress}`);
  setText(voteForm.button, me.vote ? t("Change my vote") : t("Cast my vote"));
  voteForm.button.disabled = Boolean(pub.paused);
}

// ---------------------------------------------------------------- another device

// The personal link that takes this seat to another device (the token never leaves the
// fragment, so it is not sent to a server or kept in its logs).
function renderOtherDevice() {
  const link = `${location.origin}/room/${encodeURIComponent(room)}/play#s=${encodeURIComponent(mySeat.token)}`;
  if ($("#device-link").value !== link) $("#device-link").value = link;
  // The join page offers "Continue as <name>" from what is kept here.
  if (me.id && (mySeat.player_id !== me.id || mySeat.name !== me.name)) {
    Object.assign(mySeat, { player_id: me.id, name: me.name });
    seat.set(room, mySeat);
  }
}

$("#device-link").addEventListener("focus", (event) => event.currentTarget.select());
$("#copy-device-link").addEventListener("click", () =>
  copyText($("#device-link").value, $("#device-copy-status"), $("#device-link")));
$("#take-back").addEventListener("click", () => location.reload());

// Another device opened the personal link: this page stops and says so.
function takenOver(message) {
  page.stopped = true;
  page.hideAll();
  show($("#conn-banner"), false);
  setText($("#taken-over-text"), message || t("You opened this game somewhere else."));
  show($("#taken-over"), true);
  $("#take-back").focus();
}

// ---------------------------------------------------------------- the whole page

const phase = (...names) => ({ public: p }) => names.includes(p.phase);

const sections = [
  { id: "closed", when: phase("closed"), render: () => { $("#summary-link").href = summaryUrl(room); } },
  { id: "lobby", when: phase("lobby"), render: renderLobby },
  { id: "case", when: (v) => v.public.phase !== "closed", render: renderCase },
  { id: "rolecard", when: (v) => Boolean(v.role) && v.public.round >= 1 && v.public.phase !== "closed", render: renderRoleCard },
  { id: "known", when: (v) => v.public.round >= 1 && v.public.phase !== "closed" && ((v.me || {}).known_secrets || []).length > 0,
    render: renderKnown },
  questionSection,
  { id: "scoring", when: (v) => v.public.phase === "scoring" && (v.public.scenario.options || []).length > 0, render: scoringView },
  { id: "proposal", when: (v) => v.public.round === 4 && v.public.phase !== "scoring", render: proposalView },
  { id: "vote", when: phase("decision"), render: renderVote },
  { id: "compose", when: phase("play"), render: renderCompose },
  { id: "reflection", when: phase("reflection"), render: renderReflection },
  { id: "board", when: (v) => v.public.round >= 1, render: renderBoard },
  { id: "other-device", when: (v) => v.public.phase !== "closed", render: renderOtherDevice },
];

// `gone`: the seat is closed for good (left, removed, deleted), so the join page no longer
// offers to go on with it.
function leave(message, { gone = true } = {}) {
  page.stop(message);
  show($("#no-seat"), true);
  if (gone) seat.set(room, null);
}

function onView(view) {
  pub = view.public;
  me = view.me || {};
  if (me.active === false) {
    leave(me.left_reason === "removed"
      ? t("The workshop leader has taken you out of this game.")
      : t("You have left this game."));
    return false;
  }
  renderStatus();
  flushOutbox();
  return true;
}

function makeForms() {
  renameForm = page.form({
    form: $("#rename-form"),
    fields: { name: $("#rename") },
    check: filled("name", t("Write a name first.")),
    action: ({ name }) => ["rename", { name: name.trim() }],
    sent: () => announce(t("Your name is saved.")),
  });

  composeForm = page.form({
    form: $("#compose-form"),
    fields: { text: $("#compose-text") },
    check: filled("text", t("Write something first.")),
    action: ({ text }) => ["post_card", { text: text.trim() }],
    send: sendOrKeep,
    sent: (reply) => {
      composeForm.fill({ text: "" });
      announce(reply.queued
        ? t("There is no connection. Your card will be sent when the connection is back.")
        : t("Your card is on the board."));
    },
  });

  reflectionForm = page.form({
    form: $("#reflection-form"),
    fields: { text: $("#reflection-text"), shared: $("#reflection-shared") },
    check: filled("text", t("Write something first.")),
    action: ({ text, shared }) => ["save_reflection", { text: text.trim(), shared }],
  });

  voteForm = page.form({
    form: $("#vote-form"),
    fields: { choice: radioField($("#vote-form"), "choice"), reason: $("#vote-reason"), needed: $("#vote-needed"),
              reservation: $("#vote-reservation") },
    check: ({ choice, reason }) => {
      if (!choice) return t("Choose one of the three answers.");
      if (choice === "bezwaar" && !reason.trim()) return { message: t("Write why you object."), focus: $("#vote-reason") };
      return null;
    },
    action: ({ choice, reason, needed, reservation }) => {
      if (choice === "bezwaar") return ["cast_vote", { choice, reason: reason.trim(), needed: needed.trim() }];
      if (choice === "eens_met_bedenkingen") return ["cast_vote", { choice, reason: reservation.trim(), needed: "" }];
      return ["cast_vote", { choice, reason: "", needed: "" }];
    },
    sent: () => announce(t("Your vote is saved.")),
  });
}

if (!mySeat || !mySeat.token) {
  show($("#no-seat"), true);
} else {
  page = startPage({
    room,
    token: mySeat.token,
    sections,
    onView,
    onNotice: (notice) => {
      if (notice.code === "seat_taken_over") takenOver(notice.message);
      else if (notice.code === "removed_from_game") leave(t("The workshop leader has taken you out of this game."));
      else if (notice.code === "left_game") leave(t("You have left this game."));
      else if (notice.code === "game_deleted") leave(t("This game has been deleted. Nothing of it is kept."));
    },
    onRefused: (code, message) => leave(message, { gone: false }),
    // A soft chime (unless the workshop leader turned it off) and a short buzz.
    onTimeUp: () => {
      const settings = (pub && pub.settings) || {};
      if (settings.chime !== false) chime();
      vibrate();
    },
    firstView: window.rwFirstView, // asked for by first_view.js while the page loaded
  });
  outbox = new Outbox({
    room,
    send: (type, fields, key) => page.conn.send(type, fields, { key }),
    onChange: () => { if (pub) renderOutbox(); },
  });
  page.conn.whenConnected(() => setTimeout(flushOutbox, 1000)); // after the first view, if one comes
  listenForTouch();
  makeForms();
}

