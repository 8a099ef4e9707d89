// The big screen (projector): join code and QR, round and lens, timer, the board and the
// result, in type large enough to read from the back of the room.
import { Board, createCard, describeCard, reactionSummary, updateCard } from "./board.js";
import { $, h, keyed, setText, show } from "./dom.js";
import { currentBallot, phaseName, proposalBlock, proposalVersion, resultBlock, roundLabel,
         roundSpec } from "./game.js";
import { pick, t, tn } from "./i18n.js";
import { CardAnnouncer } from "./live.js";
import { connect } from "./net.js";
import { roleBadge } from "./roles.js";
import { roomInfo } from "./store.js";
import { TimerView } from "./timer.js";

const room = document.body.dataset.roomId;
const params = new URLSearchParams(location.search);
let pub = null;
let conn = null;
let shownCode = null;

// The code comes with the page (or, without a room service, from this browser or ?code=).
function renderCode() {
  const code = document.body.dataset.code || roomInfo.get(room).code || params.get("code") || "";
  if (code === shownCode) return;
  shownCode = code;
  setText($("#screen-code"), code || "…");
  const qr = $("#screen-qr");
  if (code) {
    qr.src = `/qr/${encodeURIComponent(code)}.svg`;
    qr.hidden = false;
  } else qr.hidden = true;
}

const timer = new TimerView($("#timer"), {
  serverNow: () => (conn ? conn.serverNow() : Date.now()),
  alert: $("#time-up"),
  label: $("#timer-label"),
});

const board = new Board($("#board-list"), {
  announcer: new CardAnnouncer({ describe: describeCard }),
  create: (card) => {
    const el = createCard(card);
    el.querySelector(".card-actions").append(h("p", { class: "reaction-summary" }));
    return el;
  },
  update: (el, card, all) => {
    updateCard(el, card, { allCards: all });
    setText(el.querySelector(".reaction-summary"), reactionSummary(card));
  },
  empty: $("#board-empty"),
});

function renderLobby() {
  const lobby = pub.phase === "lobby";
  show($("#lobby"), lobby);
  if (!lobby) return;
  setText($("#scenario-title"), pick(pub.scenario.title));
  setText($("#scenario-summary"), pick(pub.scenario.summary));
  const players = pub.players || [];
  setText($("#lobby-count"), tn("{n} player has joined.", "{n} players have joined.", players.length));
  keyed($("#lobby-players"), players, (p) => p.id,
    () => h("li", {}, h("span", { class: "person-role" }), h("span", { class: "person-name" })),
    (li, p) => {
      setText(li.querySelector(".person-name"), p.name);
      const box = li.querySelector(".person-role");
      if (box.dataset.role !== p.home_role) {
        box.dataset.role = p.home_role;
        box.replaceChildren(roleBadge(p.home_role));
      }
    });
}

function renderRound() {
  const round = pub.phase === "lobby" ? "" : roundLabel(pub);
  const phase = phaseName(pub.phase);
  setText($("#round-label"), round);
  // "Round 4 of 4 · Decision" already names the step: no second "Decision" under it.
  setText($("#phase-label"), round.endsWith(` · ${phase}`) ? "" : phase);
  timer.set(pub.phase === "closed" ? null : pub.timer);
  show($("#pause-banner"), pub.paused && pub.phase !== "closed");
  const spec = pub.round >= 1 ? roundSpec(pub) : null;
  const asking = Boolean(spec) && (pub.phase === "play" || pub.phase === "scoring");
  show($("#question"), asking);
  if (asking) {
    setText($("#question-text"), pick(spec.question));
    setText($("#question-prompt"), pub.phase === "scoring"
      ? t("Score the options on your phone.")
      : t("On your card: {prompt}", { prompt: pick(spec.card_prompt) }));
  }
  const reflecting = pub.phase === "reflection";
  show($("#reflection-note"), reflecting);
  if (reflecting) setText($("#reflection-progress"), t("Write your reflection on your phone. You decide whether to share it."));
}

function renderBoard() {
  const visible = pub.round >= 1 && (pub.phase === "play" || pub.phase === "reflection");
  show($("#board"), visible);
  if (!visible) return;
  const cards = (pub.cards || []).filter((c) => c.round === pub.round);
  const shown = cards.filter((c) => !c.merged_into).length;
  $("#board-list").classList.toggle("dense", shown > 8 && shown <= 16);
  $("#board-list").classList.toggle("denser", shown > 16);
  board.render(cards);
}

function decisionParts() {
  const ballot = currentBallot(pub);
  const parts = [];
  const version = ballot ? proposalVersion(pub, ballot.proposal_version) : null;
  if (version) parts.push(proposalBlock(version, { title: t("Proposal, version {n}", { n: version.number }) }));
  else if (pub.draft && pub.draft.text) parts.push(proposalBlock(pub.draft, { title: t("Draft proposal") }));
  else parts.push(h("p", { class: "screen-prompt", text: t("The proposal is being written.") }));
  if (ballot) {
    if (ballot.open) {
      parts.push(h("p", { class: "screen-count", "data-testid": "vote-progress",
        text: t("Vote on your phone: {cast} of {eligible} have voted.", { cast: ballot.votes_cast, eligible: ballot.eligible }) }));
    } else if (ballot.tally_shown && ballot.result) {
      parts.push(resultBlock(ballot.result, { testid: "screen-result" }));
    } else {
      parts.push(h("p", { class: "screen-count", text: t("The vote is closed. The result follows.") }));
    }
  }
  return parts;
}

function renderDecision() {
  const visible = pub.round === 4 && (pub.phase === "decision" || (pub.phase === "play" && pub.draft && pub.draft.text));
  show($("#decision"), Boolean(visible));
  if (!visible) return;
  const body = $("#decision-body");
  const sig = JSON.stringify([pub.draft, pub.versions, pub.ballots]);
  if (body.dataset.sig !== sig) {
    body.dataset.sig = sig;
    body.replaceChildren(...decisionParts());
  }
}

function renderClosed() {
  const closed = pub.phase === "closed";
  show($("#closed"), closed);
  if (!closed) return;
  const body = $("#closed-body");
  const sig = JSON.stringify([pub.versions, pub.ballots]);
  if (body.dataset.sig !== sig) {
    body.dataset.sig = sig;
    const ballot = currentBallot(pub);
    body.replaceChildren(...(ballot ? decisionParts() : []));
  }
}

function render(view) {
  pub = view.public;
  // The lobby's layout has a QR code big enough to scan from the back of the room.
  document.body.dataset.phase = pub.phase;
  renderRound();
  renderLobby();
  renderBoard();
  renderDecision();
  renderClosed();
}

renderCode();
conn = connect({
  room,
  token: null,
  onState: render,
  onRefused: (code, message) => {
    setText($("#page-error"), message || t("This game cannot be found."));
    show($("#page-error"), true);
  },
});
