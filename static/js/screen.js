// The big screen (projector): join code and QR, round and lens, timer, the board and the
// result, in type large enough to read from the back of the room, never scrolled: a board
// with more cards than fit turns its pages by itself. Its link carries the big screen's key
// (#k=...); the code and QR come over the socket, only to that key.
import { Board, cardView, reactionSummary } from "./board.js";
import { chime, listenForTouch } from "./chime.js";
import { $, $$, setText, show, showError } from "./dom.js";
import { caseText, currentBallot, loopbackHost, loopbackText, phaseName, proposalBlock, proposalVersion,
         resultSentence, roundLabel, roundSpec } from "./game.js";
import { html, nothing, repeat } from "./html.js";
import { pick, t, tn } from "./i18n.js";
import { roleBadge } from "./roles.js";
import { startPage } from "./shell.js";
import { takeScreenKeyFromFragment } from "./store.js";

const room = document.body.dataset.roomId;
const key = takeScreenKeyFromFragment(room);

// How long one page of cards stays before the next turns up.
export const PAGE_MS = 12000;

let page = null;

// The code, its address and QR code, sent to this key when it connects (`links`).
function renderCode({ code, join_url: joinUrl, qr_url: qrUrl }) {
  setText($("#screen-code"), code || "…");
  if (joinUrl) setText($("#screen-host"), `${joinUrl.replace(/^https?:\/\//, "").split("/j/")[0]}/join`);
  const qr = $("#screen-qr");
  qr.hidden = !qrUrl;
  if (qrUrl) qr.src = qrUrl;
  const loopback = joinUrl ? loopbackHost(joinUrl) : "";
  show($("#loopback-warning"), Boolean(loopback));
  if (loopback) setText($("#loopback-warning"), loopbackText(loopback));
}

function renderRound({ public: pub }) {
  const round = pub.phase === "lobby" ? "" : roundLabel(pub);
  const phase = phaseName(pub.phase);
  setText($("#round-label"), round);
  // "Round 4 of 4 · Decision" already names the step: no second "Decision" under it.
  setText($("#phase-label"), round.endsWith(` · ${phase}`) ? "" : phase);
}

// The case at the largest size that fits the projector without scrolling (a long case gets
// smaller type, never a scroll bar).
const CASE_SIZES = [1.05, 0.95, 0.85, 0.78, 0.7, 0.62, 0.55];

function fitCase() {
  const situation = $("#scenario-situation");
  const fits = () => document.documentElement.scrollHeight <= window.innerHeight;
  situation.style.fontSize = "";
  if (window.innerWidth <= 900) return; // a narrow window scrolls like any page (rolwissel.css)
  for (const size of CASE_SIZES) {
    situation.style.fontSize = `${size}em`;
    if (fits()) return;
  }
}

function lobbyView({ public: pub }) {
  const players = pub.players || [];
  setText($("#scenario-title"), pick(pub.scenario.title));
  setText($("#scenario-situation"), pick(pub.scenario.situation) || caseText(pub));
  setText($("#lobby-count"), tn("{n} player has joined.", "{n} players have joined.", players.length));
  requestAnimationFrame(fitCase);
  return repeat(players, (p) => p.id, (p) => html`<li><span class="person-role">${roleBadge(p.home_role)}</span><span class="person-name">${p.name}</span></li>`);
}

function renderQuestion({ public: pub }) {
  setText($("#question-text"), pick(roundSpec(pub).question));
  setText($("#question-prompt"), pub.phase === "scoring"
    ? t("Score the options on your phone.")
    : t("On your card: {prompt}", { prompt: pick(roundSpec(pub).card_prompt) }));
}

// ---------------------------------------------------------------- the board, in pages

const board = new Board($("#board-list"), {
  card: (card, all) => cardView(card, { all, actions: html`<p class="reaction-summary">${reactionSummary(card)}</p>` }),
  empty: $("#board-empty"),
});

// Highlighted cards first, then common ground, then in the order they came.
export function boardOrder(cards) {
  const rank = (c) => (c.highlighted ? 0 : 2) + (c.common_ground ? 0 : 1);
  return cards.map((c, i) => [c, i]).sort(([a, i], [b, j]) => (rank(a) - rank(b)) || (i - j)).map(([c]) => c);
}

const pages = { count: 1, at: 0, timer: null };

// Split the rendered cards into pages of whole grid rows that fit the board's height, and
// show the current page. The rows keep their cards, so a page looks as it was measured.
function paginate() {
  const list = $("#board-list");
  const cards = $$(":scope > .card", list);
  for (const el of cards) el.hidden = false;
  const height = list.clientHeight;
  const breaks = [0]; // index of the first card of each page
  let pageTop = null;
  cards.forEach((el, i) => {
    const box = el.getBoundingClientRect();
    if (pageTop === null) pageTop = box.top;
    if (box.bottom - pageTop > height + 1 && box.top > pageTop) {
      // This card's row starts the next page.
      let first = i;
      while (first > breaks[breaks.length - 1] && Math.abs(cards[first - 1].getBoundingClientRect().top - box.top) < 1) first -= 1;
      breaks.push(first);
      pageTop = cards[first].getBoundingClientRect().top;
    }
  });
  pages.count = breaks.length;
  if (pages.at >= pages.count) pages.at = 0;
  const from = breaks[pages.at];
  const to = pages.at + 1 < breaks.length ? breaks[pages.at + 1] : cards.length;
  cards.forEach((el, i) => { el.hidden = i < from || i >= to; });
  const indicator = $("#board-pages");
  show(indicator, pages.count > 1);
  setText(indicator, t("Page {n} of {total}: the next page comes by itself.", { n: pages.at + 1, total: pages.count }));
  indicator.dataset.page = String(pages.at + 1);
  indicator.dataset.pages = String(pages.count);
  if (pages.count > 1 && !pages.timer) {
    pages.timer = setInterval(() => turnPage(1), PAGE_MS);
  } else if (pages.count <= 1 && pages.timer) {
    clearInterval(pages.timer);
    pages.timer = null;
  }
}

function turnPage(by) {
  pages.at = (pages.at + by + pages.count) % pages.count;
  paginate();
}

// The leader at the projector's keyboard can turn the pages too (the clock starts again).
window.addEventListener("keydown", (event) => {
  const by = { PageDown: 1, ArrowRight: 1, PageUp: -1, ArrowLeft: -1 }[event.key];
  if (!by || !page || $("#board").hidden || pages.count < 2) return;
  event.preventDefault();
  clearInterval(pages.timer);
  pages.timer = null;
  turnPage(by);
});

function renderBoard({ public: pub }) {
  const cards = boardOrder((pub.cards || []).filter((c) => c.round === pub.round));
  const shown = cards.filter((c) => !c.merged_into).length;
  $("#board-list").classList.toggle("dense", shown > 6 && shown <= 12);
  $("#board-list").classList.toggle("denser", shown > 12);
  board.render(cards);
  paginate();
}

window.addEventListener("resize", () => {
  if (page && !$("#board").hidden) paginate();
  if (page && !$("#lobby").hidden) fitCase();
});

// ---------------------------------------------------------------- the decision

// The result as a moment: GEDRAGEN or NIET GEDRAGEN, large, the sentence, and a bar per group.
function resultMoment(result) {
  return html`<div class="screen-moment ${result.gedragen ? "result-yes" : "result-no"}" data-testid="screen-result">
    <p class="moment-word">${result.gedragen ? t("CARRIED") : t("NOT CARRIED")}</p>
    <p class="moment-sentence">${resultSentence(result)}</p>
    <ul class="moment-groups">${result.groups.map((g) => html`<li class=${g.passes ? "passes" : "fails"}>
      <span class="moment-role">${roleBadge(g.role)}</span>
      <span class="moment-bar" role="img" aria-label=${t("{support} of {members} agree", { support: g.support, members: g.members })}>
        <span class="seg seg-eens" data-n=${g.eens}></span><span class="seg seg-bedenkingen" data-n=${g.bedenkingen}></span><span
          class="seg seg-bezwaar" data-n=${g.bezwaar}></span><span class="seg seg-none" data-n=${g.not_voted}></span></span>
      <span class="moment-count">${t("{support} of {members} agree", { support: g.support, members: g.members })}${
        g.bezwaar ? html` · ${tn("{n} objection", "{n} objections", g.bezwaar)}` : nothing}</span></li>`)}</ul>
    <p class="moment-key" aria-hidden="true"><span class="seg seg-eens"></span>${t("Agree")} <span class="seg seg-bedenkingen"></span>${
      t("Agree with reservations")} <span class="seg seg-bezwaar"></span>${t("Objection")} <span class="seg seg-none"></span>${t("Did not vote")}</p>
  </div>`;
}

// The bars' parts get their widths through the CSSOM (the CSP allows no style attributes).
function sizeBars() {
  for (const seg of $$(".moment-bar .seg[data-n]")) {
    seg.style.flexGrow = seg.dataset.n;
    seg.hidden = seg.dataset.n === "0";
  }
}

// The proposal (or its draft) and, once there is a vote, its progress or its result.
function decisionView({ public: pub }) {
  const ballot = currentBallot(pub);
  const version = ballot ? proposalVersion(pub, ballot.proposal_version) : null;
  if (ballot && ballot.tally_shown && ballot.result) {
    // The moment first; below it, smaller, what was voted on.
    queueMicrotask(sizeBars);
    return html`${resultMoment(ballot.result)}${
      version ? proposalBlock(version, { title: t("Proposal, version {n}", { n: version.number }) }) : nothing}`;
  }
  let proposal;
  if (version) proposal = proposalBlock(version, { title: t("Proposal, version {n}", { n: version.number }) });
  else if (pub.draft && pub.draft.text) proposal = proposalBlock(pub.draft, { title: t("Draft proposal") });
  else proposal = html`<p class="screen-prompt">${t("The proposal is being written.")}</p>`;
  let vote = nothing;
  if (ballot && ballot.open) {
    vote = html`<p class="screen-count screen-vote-count" data-testid="vote-progress">${
      t("{cast} of {eligible} have voted", { cast: ballot.votes_cast, eligible: ballot.eligible })}</p>
      <p class="screen-prompt">${t("Vote on your phone.")}</p>`;
  } else if (ballot) vote = html`<p class="screen-count">${t("The vote is closed. The result follows.")}</p>`;
  return html`${vote}${proposal}`;
}

// ---------------------------------------------------------------- the whole page

const phase = (...names) => ({ public: p }) => names.includes(p.phase);

const sections = [
  { id: "lobby", when: phase("lobby"), render: lobbyView },
  { id: "question", when: (v) => v.public.round >= 1 && Boolean(roundSpec(v.public)) && phase("play", "scoring")(v), render: renderQuestion },
  { id: "reflection-note", when: phase("reflection"),
    render: () => setText($("#reflection-progress"), t("Write your reflection on your phone. You decide whether to share it.")) },
  { id: "board", when: (v) => v.public.round >= 1 && phase("play", "reflection")(v), render: renderBoard },
  { id: "decision", when: (v) => v.public.round === 4 && (v.public.phase === "decision" || (v.public.phase === "play" && Boolean(v.public.draft && v.public.draft.text))),
    render: decisionView },
  { id: "closed", when: phase("closed"), render: (v) => (currentBallot(v.public) ? decisionView(v) : nothing) },
];

// At time-up a soft chime, unless the console muted it (browsers allow sound only after
// someone clicked or typed on this page once).
let chimeOn = true;
let touched = false;

// Until someone clicks or types here, say how to let the chime sound.
function showSoundHint() {
  show($("#sound-hint"), chimeOn && !touched);
}

for (const type of ["pointerdown", "keydown"]) {
  window.addEventListener(type, () => {
    touched = true;
    showSoundHint();
  }, { capture: true, passive: true });
}

function timeUp() {
  const sounded = chimeOn && chime();
  $("#time-up").dataset.chimed = String(sounded);
}

if (!key) {
  showError($("#page-error"), t("This big screen has no key. Open the big screen link from the workshop leader's console."));
} else {
  listenForTouch();
  page = startPage({
    room, token: key, sections, onLinks: renderCode,
    onView: (view) => {
      chimeOn = !view.public.settings || view.public.settings.chime !== false;
      showSoundHint();
      renderRound(view);
    },
    onNotice: (notice) => { if (notice.code === "game_deleted") showError($("#page-error"), t("This game has been deleted. Nothing of it is kept.")); },
    onRefused: (code, message) => showError($("#page-error"), message || t("This game cannot be found.")),
    onTimeUp: timeUp,
    timerOptions: { overtime: true },
  });
}
