// The big screen (projector): join code and QR, round and lens, timer, the board and the
// result, in type large enough to read from the back of the room. Its link carries the big
// screen's key (#k=...); the code and QR come over the socket, only to that key.
import { Board, cardView, reactionSummary } from "./board.js";
import { $, setText, showError } from "./dom.js";
import { currentBallot, phaseName, proposalBlock, proposalVersion, resultBlock, roundLabel,
         roundSpec } from "./game.js";
import { html, nothing, repeat } from "./html.js";
import { pick, t, tn } from "./i18n.js";
import { roleBadge } from "./roles.js";
import { startPage } from "./shell.js";
import { takeScreenKeyFromFragment } from "./store.js";

const room = document.body.dataset.roomId;
const key = takeScreenKeyFromFragment(room);

// The code, its address and QR code, sent to this key when it connects (`links`).
function renderCode({ code, join_url: joinUrl, qr_url: qrUrl }) {
  setText($("#screen-code"), code || "…");
  if (joinUrl) setText($("#screen-host"), `${joinUrl.replace(/^https?:\/\//, "").split("/j/")[0]}/join`);
  const qr = $("#screen-qr");
  qr.hidden = !qrUrl;
  if (qrUrl) qr.src = qrUrl;
}

function renderRound({ public: pub }) {
  const round = pub.phase === "lobby" ? "" : roundLabel(pub);
  const phase = phaseName(pub.phase);
  setText($("#round-label"), round);
  // "Round 4 of 4 · Decision" already names the step: no second "Decision" under it.
  setText($("#phase-label"), round.endsWith(` · ${phase}`) ? "" : phase);
}

function lobbyView({ public: pub }) {
  const players = pub.players || [];
  setText($("#scenario-title"), pick(pub.scenario.title));
  setText($("#scenario-summary"), pick(pub.scenario.summary));
  setText($("#lobby-count"), tn("{n} player has joined.", "{n} players have joined.", players.length));
  return repeat(players, (p) => p.id, (p) => html`<li><span class="person-role">${roleBadge(p.home_role)}</span><span class="person-name">${p.name}</span></li>`);
}

function renderQuestion({ public: pub }) {
  setText($("#question-text"), pick(roundSpec(pub).question));
  setText($("#question-prompt"), pub.phase === "scoring"
    ? t("Score the options on your phone.")
    : t("On your card: {prompt}", { prompt: pick(roundSpec(pub).card_prompt) }));
}

const board = new Board($("#board-list"), {
  card: (card, all) => cardView(card, { all, actions: html`<p class="reaction-summary">${reactionSummary(card)}</p>` }),
  empty: $("#board-empty"),
});

function renderBoard({ public: pub }) {
  const cards = (pub.cards || []).filter((c) => c.round === pub.round);
  const shown = cards.filter((c) => !c.merged_into).length;
  $("#board-list").classList.toggle("dense", shown > 8 && shown <= 16);
  $("#board-list").classList.toggle("denser", shown > 16);
  board.render(cards);
}

// The proposal (or its draft) and, once there is a vote, its progress or its result.
function decisionView({ public: pub }) {
  const ballot = currentBallot(pub);
  const version = ballot ? proposalVersion(pub, ballot.proposal_version) : null;
  let proposal;
  if (version) proposal = proposalBlock(version, { title: t("Proposal, version {n}", { n: version.number }) });
  else if (pub.draft && pub.draft.text) proposal = proposalBlock(pub.draft, { title: t("Draft proposal") });
  else proposal = html`<p class="screen-prompt">${t("The proposal is being written.")}</p>`;
  let vote = nothing;
  if (ballot && ballot.open) {
    vote = html`<p class="screen-count" data-testid="vote-progress">${
      t("Vote on your phone: {cast} of {eligible} have voted.", { cast: ballot.votes_cast, eligible: ballot.eligible })}</p>`;
  } else if (ballot && ballot.tally_shown && ballot.result) vote = resultBlock(ballot.result, { testid: "screen-result" });
  else if (ballot) vote = html`<p class="screen-count">${t("The vote is closed. The result follows.")}</p>`;
  return html`${proposal}${vote}`;
}

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

if (!key) {
  showError($("#page-error"), t("This big screen has no key. Open the big screen link from the workshop leader's console."));
} else {
  startPage({ room, token: key, sections, onView: renderRound, onLinks: renderCode,
              onNotice: (notice) => { if (notice.code === "game_deleted") showError($("#page-error"), t("This game has been deleted. Nothing of it is kept.")); },
              onRefused: (code, message) => showError($("#page-error"), message || t("This game cannot be found.")) });
}
