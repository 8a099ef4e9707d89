// Words for the state of a game, shared by the pages.
import { $, setText } from "./dom.js";
import { html, nothing } from "./html.js";
import { lang, pick, t } from "./i18n.js";
import { roleBadge, ROLES } from "./roles.js";

export const TIMER_PRESETS = [1, 3, 5, 10, 15, 20, 30, 45, 60];

export function roundSpec(pub, round = pub.round) {
  return (pub.scenario && pub.scenario.rounds && pub.scenario.rounds[round - 1]) || null;
}

export function phaseName(phase) {
  switch (phase) {
    case "lobby": return t("Waiting room");
    case "play": return t("Cards");
    case "reflection": return t("Reflection");
    case "scoring": return t("Scoring the options");
    case "decision": return t("Decision");
    case "closed": return t("Closed");
    default: return phase || "";
  }
}

// "Round 2 of 4 · Feasibility"
export function roundLabel(pub, round = pub.round) {
  if (!round) return t("Before the start");
  const spec = roundSpec(pub, round);
  const lens = spec ? pick(spec.lens) : "";
  return lens ? t("Round {n} of 4 · {lens}", { n: round, lens }) : t("Round {n} of 4", { n: round });
}

// The step after (or before) the current one, as the engine orders them.
export function steps(pub) {
  const list = [[0, "lobby"]];
  for (const r of [1, 2, 3]) list.push([r, "play"], [r, "reflection"]);
  if (pub.scenario && pub.scenario.options && pub.scenario.options.length) list.push([4, "scoring"]);
  list.push([4, "play"], [4, "decision"], [4, "reflection"]);
  return list;
}

export function neighbourStep(pub, offset) {
  if (pub.phase === "closed") return null;
  const list = steps(pub);
  const index = list.findIndex(([r, p]) => r === pub.round && p === pub.phase);
  const next = index + offset;
  if (index < 0 || next < 1 || next >= list.length) return null;
  return list[next];
}

export function stepLabel(pub, step) {
  const [round, phase] = step;
  return round ? t("Round {n} · {phase}", { n: round, phase: phaseName(phase) }) : phaseName(phase);
}

export function currentBallot(pub) {
  return pub.ballots && pub.ballots.length ? pub.ballots[pub.ballots.length - 1] : null;
}

export function proposalVersion(pub, number) {
  return (pub.versions || []).find((v) => v.number === number) || null;
}

export function voteName(choice) {
  if (choice === "eens") return t("Agree");
  if (choice === "eens_met_bedenkingen") return t("Agree with reservations");
  if (choice === "bezwaar") return t("Objection");
  return "";
}

// "Gedragen: geen bezwaar; inwoners 3 van 3, ... (drempel 2/3)." The server words it
// (game/engine/wording.py), so the page, the big screen and the summary say the same.
export function resultSentence(result) {
  return pick(result.sentence);
}

// The result as a block: the sentence, and a row per home-role group.
export function resultBlock(result, { testid = "result" } = {}) {
  return html`<div class="result ${result.gedragen ? "result-yes" : "result-no"}" data-testid=${testid}>
    <p class="result-head"><span class="result-mark" aria-hidden="true">${result.gedragen ? "✓" : "✗"}</span><strong class="result-sentence">${resultSentence(result)}</strong></p>
    <ul class="result-groups">${result.groups.map((g) => html`<li class=${g.passes ? "passes" : "fails"}>${roleBadge(g.role)}<span>${
      t("{support} of {members} agree ({eens} agree, {bedenkingen} with reservations, {bezwaar} objection, {not_voted} did not vote)",
        { support: g.support, members: g.members, eens: g.eens, bedenkingen: g.bedenkingen, bezwaar: g.bezwaar, not_voted: g.not_voted })}</span></li>`)}</ul>
  </div>`;
}

export function proposalBlock(version, { title = null, testid = "proposal" } = {}) {
  const conditions = version.conditions || [];
  return html`<div class="proposal" data-testid=${testid}>
    ${title ? html`<h3>${title}</h3>` : nothing}
    <p class="proposal-text">${version.text || ""}</p>
    ${conditions.length ? html`<p class="proposal-mits">${t("Yes, provided that:")}</p>
      <ol class="proposal-conditions">${conditions.map((c) => html`<li>${c.text}</li>`)}</ol>` : nothing}
  </div>`;
}

export function spreadCounts(pub, round) {
  const counts = (pub.spread && pub.spread[String(round)]) || {};
  return ROLES.map((role) => [role, counts[role] || 0]);
}

// The summary of a room, in the page's language.
export function summaryUrl(room) {
  return `/room/${encodeURIComponent(room)}/summary?lang=${lang}`;
}

// The round's question on the participant page and the console (a section for the shell):
// lens, question and, where the page has a place for it, what a card should hold.
export const questionSection = {
  id: "question",
  when: ({ public: pub }) => pub.round >= 1 && pub.phase !== "closed" && Boolean(roundSpec(pub)),
  render({ public: pub }) {
    const spec = roundSpec(pub);
    setText($("#question-lens"), roundLabel(pub));
    setText($("#question-text"), pick(spec.question));
    const prompt = $("#question-prompt");
    if (prompt) setText(prompt, t("Card: {prompt}", { prompt: pick(spec.card_prompt) }));
  },
};

// The case as one text: its title and situation (for reading aloud).
export function caseText(pub) {
  const scenario = (pub && pub.scenario) || {};
  return [pick(scenario.title || ""), pick(scenario.situation || "")].filter(Boolean).join(".\n");
}

// The host of a join address that phones cannot reach (127.0.0.1, localhost, ::1), or "".
export function loopbackHost(url) {
  let host;
  try {
    host = new URL(url, location.origin).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return "";
  }
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host) ? host : "";
}

// Phones cannot reach a loopback address: say so, and how to fix it (console and big screen).
export function loopbackText(host) {
  return t("Phones cannot reach {host}: that address is only this computer. Start the server with HOST=0.0.0.0 (make run then prints the address phones can use), or set PUBLIC_URL.", { host });
}
