// The case editor (/scenarios/new, /scenarios/<id>/edit): a form for every field of the
// scenario schema, checked as the leader types by the server (the same schema and sentences
// as `rolwissel scenarios check`), a preview of a phone's role card and of the big screen,
// saving in the database, and YAML export and import. The case is one object, `data`, in the
// shape of a YAML file of scenarios/; the form reads and writes it by field path.
import { api, problemText } from "./api.js";
import { $, setText, show, showError } from "./dom.js";
import { html, nothing, render } from "./html.js";
import { lang, pick, t } from "./i18n.js";
import { roleBadge, roleName, ROLES } from "./roles.js";

const caseId = document.body.dataset.caseId || "";
const LENSES = [
  { nl: "Waarden", en: "Values" },
  { nl: "Haalbaarheid", en: "Feasibility" },
  { nl: "Afweging", en: "Weighing up" },
  { nl: "Besluit", en: "Decision" },
];

function emptyText() {
  return { nl: "" };
}

function emptyCase() {
  const card = (role) => ({
    title: emptyText(), who: emptyText(), values: emptyText(), wants: emptyText(), fears: emptyText(),
    secrets: [1, 2, 3].map((round) => ({ id: `${role}-geheim-${round}`, round, text: emptyText(), revealed_at_debrief: true })),
  });
  return {
    id: "", title: emptyText(), summary: emptyText(), situation: emptyText(),
    roles: Object.fromEntries(ROLES.map((r) => [r, card(r)])),
    rounds: LENSES.map((lens) => ({ lens: { ...lens }, question: emptyText(), card_prompt: emptyText(), minutes: 15 })),
    options: [], threshold: "2/3", debrief_questions: [emptyText()],
  };
}

let data = emptyCase();
let key = null; // the edit key of a stored case
let problems = [];
let exported = null; // the YAML of the case as last checked (null while it has problems)
let timer = null;

// ---------------------------------------------------------------- the edit key

const keyStore = {
  get: (id) => { try { return JSON.parse(localStorage.getItem(`rw:case:${id}`)); } catch { return null; } },
  set: (id, value) => { try { localStorage.setItem(`rw:case:${id}`, JSON.stringify(value)); } catch { /* private mode */ } },
};

function keyFromFragment(id) {
  const match = /(?:^#|&)k=([^&]+)/.exec(location.hash);
  if (match) {
    keyStore.set(id, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return keyStore.get(id);
}

// ---------------------------------------------------------------- reading and writing by path

function getAt(path) {
  return path.split(".").reduce((obj, part) => (obj == null ? undefined : obj[part]), data);
}

function setAt(path, value) {
  const parts = path.split(".");
  const last = parts.pop();
  const parent = parts.reduce((obj, part) => obj[part], data);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

// "roles.inwoner.secrets.0.text.nl" -> "roles.inwoner.secrets[0].text.nl" (the loader's way)
function dotted(path) {
  return path.replace(/\.(\d+)(?=\.|$)/g, "[$1]");
}

function problemAt(path) {
  const at = dotted(path);
  return problems.find((p) => p.path === at || (p.path && at.startsWith(`${p.path}.`)));
}

// ---------------------------------------------------------------- the fields

function changed(path, value) {
  setAt(path, value);
  setText($("#case-status"), t("Not saved yet."));
  clearTimeout(timer);
  timer = setTimeout(check, 400);
}

function fieldId(path) {
  return `f-${path.replace(/\./g, "-")}`;
}

function errorOf(path) {
  const found = problemAt(path);
  return found ? html`<p class="error field-error" id="${fieldId(path)}-error" data-testid="field-error">${found.message}</p>` : nothing;
}

function textInput(path, label, { hint = "", area = true } = {}) {
  const id = fieldId(path);
  const bad = Boolean(problemAt(path));
  const value = getAt(path) ?? "";
  const input = area
    ? html`<textarea id=${id} rows="3" .value=${value} aria-invalid=${bad ? "true" : "false"}
        aria-describedby="${id}-error" data-path=${path} data-testid="field-${path}"
        @input=${(e) => changed(path, e.target.value)}></textarea>`
    : html`<input id=${id} .value=${value} aria-invalid=${bad ? "true" : "false"}
        aria-describedby="${id}-error" data-path=${path} data-testid="field-${path}"
        @input=${(e) => changed(path, e.target.value)}>`;
  return html`<div class="field"><label for=${id}>${label}</label>
    ${hint ? html`<p class="hint">${hint}</p>` : nothing}${input}${errorOf(path)}</div>`;
}

// A text in Dutch, with English optional beside it.
function twoLanguages(path, label, options = {}) {
  const en = getAt(`${path}.en`);
  return html`<div class="two-languages">
    ${textInput(`${path}.nl`, label, options)}
    <details ?open=${Boolean(en)}><summary>${t("In English (optional)")}</summary>
      ${textInput(`${path}.en`, t("{label} in English", { label }), { area: options.area !== false })}
    </details>${errorOf(path)}</div>`;
}

function numberInput(path, label, min, max) {
  const id = fieldId(path);
  return html`<div class="field"><label for=${id}>${label}</label>
    <input id=${id} type="number" min=${min} max=${max} inputmode="numeric" .value=${String(getAt(path) ?? "")}
      data-path=${path} data-testid="field-${path}"
      @input=${(e) => changed(path, e.target.value === "" ? "" : Number(e.target.value))}>${errorOf(path)}</div>`;
}

function roleCard(role) {
  const base = `roles.${role}`;
  return html`<fieldset class="panel-inner"><legend>${roleBadge(role)} ${t("Role card: {role}", { role: roleName(role) })}</legend>
    ${twoLanguages(`${base}.title`, t("Title of the role"), { area: false })}
    ${twoLanguages(`${base}.who`, t("Who you are"))}
    ${twoLanguages(`${base}.values`, t("What you value"))}
    ${twoLanguages(`${base}.wants`, t("What you want"))}
    ${twoLanguages(`${base}.fears`, t("What you fear"))}
    ${data.roles[role].secrets.map((secret, i) => html`<div class="secret-field">
      ${twoLanguages(`${base}.secrets.${i}.text`, t("Secret for round {n}: only who plays this role in round {n} gets it", { n: secret.round }))}
      <label class="check"><input type="checkbox" .checked=${Boolean(secret.revealed_at_debrief)} data-testid="field-${base}.secrets.${i}.revealed_at_debrief"
        @change=${(e) => changed(`${base}.secrets.${i}.revealed_at_debrief`, e.target.checked)}> ${t("Reveal this secret at the debrief")}</label>
    </div>`)}
    ${errorOf(`${base}.secrets`)}
  </fieldset>`;
}

function roundFields(i) {
  const base = `rounds.${i}`;
  return html`<fieldset class="panel-inner"><legend>${t("Round {n}: {lens}", { n: i + 1, lens: pick(data.rounds[i].lens) })}</legend>
    ${twoLanguages(`${base}.question`, t("The question of this round"))}
    ${twoLanguages(`${base}.card_prompt`, t("What goes on a card"), { area: false })}
    ${numberInput(`${base}.minutes`, t("Minutes for this round"), 1, 120)}
  </fieldset>`;
}

function listOf(path, itemView, makeItem, addLabel, removeLabel, min = 0) {
  const items = getAt(path) || [];
  return html`${items.map((_, i) => html`<div class="list-item">${itemView(i)}
      ${items.length > min ? html`<button type="button" class="button small" data-testid="remove-${path}"
        @click=${() => { items.splice(i, 1); changed(path, items); draw(); }}>${removeLabel}</button>` : nothing}</div>`)}
    <button type="button" class="button small" data-testid="add-${path}"
      @click=${() => { items.push(makeItem(items.length)); changed(path, items); draw(); }}>${addLabel}</button>${errorOf(path)}`;
}

function fields() {
  return html`
    ${textInput("id", t("Short name for the address (id)"), { hint: t("Small letters a-z, digits and hyphens, for example 'speeltuin-dorpsstraat'."), area: false })}
    ${twoLanguages("title", t("Title"), { area: false })}
    ${twoLanguages("summary", t("The case in one sentence"))}
    ${twoLanguages("situation", t("The situation: what is going on, and what must be decided"))}
    <h3>${t("The three role cards")}</h3>
    <p class="hint">${t("Each role gets one secret per round (rounds 1, 2 and 3). Who plays that role in that round gets it; the others only learn it by talking.")}</p>
    ${ROLES.map(roleCard)}
    <h3>${t("The four rounds")}</h3>
    ${[0, 1, 2, 3].map(roundFields)}
    <h3>${t("The decision")}</h3>
    ${textInput("threshold", t("Threshold: how much of each group must agree"), { hint: t("A fraction, for example 2/3 (two out of three) or 1/2."), area: false })}
    <h4>${t("Fixed options to score (optional)")}</h4>
    ${listOf("options", (i) => html`${textInput(`options.${i}.id`, t("Short name of the option (id)"), { area: false })}
        ${twoLanguages(`options.${i}.title`, t("Option"), { area: false })}
        ${twoLanguages(`options.${i}.description`, t("What the option means"))}`,
      (n) => ({ id: `optie-${n + 1}`, title: emptyText(), description: emptyText() }), t("Add an option"), t("Remove this option"))}
    <h3>${t("The debrief")}</h3>
    ${listOf("debrief_questions", (i) => twoLanguages(`debrief_questions.${i}`, t("Question {n}", { n: i + 1 })),
      emptyText, t("Add a question"), t("Remove this question"), 1)}`;
}

// ---------------------------------------------------------------- preview and problems

function preview(scenario) {
  if (!scenario) return html`<p class="hint">${t("The preview appears when the case has no problems left.")}</p>`;
  const role = ROLES[0];
  const card = scenario.roles[role];
  const secret = data.roles[role].secrets[0];
  return html`<h3>${t("A phone in round 1")}</h3>
    <div class="preview-phone" data-testid="preview-phone">
      <p>${roleBadge(role, { big: true })}</p>
      <p><strong>${pick(card.title)}</strong></p>
      <p>${pick(card.who)}</p>
      <p class="secret" data-testid="preview-secret"><strong>${t("Only you know")}:</strong> ${pick(secret.text)}</p>
      <p class="hint">${pick(scenario.rounds[0].question)}</p>
    </div>
    <h3>${t("The big screen")}</h3>
    <div class="preview-screen" data-testid="preview-screen">
      <p class="big">${pick(scenario.title)}</p>
      <p>${pick(scenario.summary)}</p>
      <p>${t("Round 1: {lens}", { lens: pick(scenario.rounds[0].lens) })} — ${pick(scenario.rounds[0].question)}</p>
    </div>
    ${scenario.languages.includes("en") ? nothing : html`<p class="hint" data-testid="dutch-only">${t("This case has no English: it plays in Dutch.")}</p>`}`;
}

function showProblems(list) {
  render(list.length
    ? html`<p>${t("Still to fix:")}</p><ul class="problems">${list.map((p) => html`<li data-testid="case-problem">
        ${p.path ? html`<code>${p.path}</code>: ` : nothing}${p.line ? t("line {n}: ", { n: p.line }) : ""}${p.message}</li>`)}</ul>`
    : html`<p data-testid="case-ok">${t("No problems: this case can be played.")}</p>`, $("#case-problems"));
}

function draw() {
  render(fields(), $("#case-fields"));
}

async function check() {
  let reply;
  try {
    reply = await api("/api/scenarios/check", { body: { data, lang } });
  } catch (problem) {
    return showError($("#case-error"), problemText(problem, t("The case could not be checked. Try again.")));
  }
  problems = reply.problems || [];
  exported = reply.yaml || null;
  showProblems(problems);
  render(preview(reply.preview), $("#case-preview"));
  draw();
  return reply.ok;
}

// ---------------------------------------------------------------- save, export, import

async function save(event) {
  const button = event.currentTarget;
  showError($("#case-error"), "");
  clearTimeout(timer);
  if (!(await check())) return showError($("#case-error"), t("Fix the problems first."));
  button.disabled = true;
  try {
    const id = caseId || (key && data.id);
    if (id && key) {
      await api(`/api/scenarios/${encodeURIComponent(id)}`, { body: { data, lang }, token: key, method: "PUT" });
      setText($("#case-status"), t("Saved. New games use this version; a game that is running keeps its own."));
    } else {
      const reply = await api("/api/scenarios", { body: { data, lang } });
      key = reply.edit_key;
      keyStore.set(reply.id, key);
      const link = new URL(reply.edit_url, location.origin).href;
      const box = $("#case-edit-link");
      render(html`${t("Saved. It is on the start page under 'Own cases'. Keep this edit link: only with it can you change the case.")}
        <a href=${link} data-testid="case-edit-url">${link}</a>`, box);
      show(box, true);
      setText($("#case-status"), t("Saved."));
      history.replaceState(null, "", `/scenarios/${encodeURIComponent(reply.id)}/edit`);
    }
  } catch (problem) {
    if (problem && Array.isArray(problem.problems)) {
      problems = problem.problems;
      showProblems(problems);
      draw();
    }
    showError($("#case-error"), problemText(problem, t("The case could not be saved. Try again.")));
  } finally {
    button.disabled = false;
  }
}

async function exportYaml() {
  showError($("#case-error"), "");
  clearTimeout(timer);
  if (!(await check()) || !exported) return showError($("#case-error"), t("Fix the problems first."));
  const url = URL.createObjectURL(new Blob([exported], { type: "application/yaml" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `${data.id || "casus"}.yaml`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function importYaml(event) {
  const file = event.currentTarget.files[0];
  if (!file) return;
  showError($("#case-error"), "");
  let reply;
  try {
    reply = await api("/api/scenarios/check", { body: { yaml: await file.text(), lang } });
  } catch (problem) {
    return showError($("#case-error"), problemText(problem, t("The file could not be read.")));
  }
  if (reply.data) data = { ...emptyCase(), ...reply.data };
  problems = reply.problems || [];
  exported = reply.yaml || null;
  showProblems(problems);
  render(preview(reply.preview), $("#case-preview"));
  draw();
  setText($("#case-status"), reply.data ? t("Imported. Check the fields, then save.") : "");
}

async function load() {
  const from = caseId || new URLSearchParams(location.search).get("from");
  if (caseId) key = keyFromFragment(caseId);
  if (from) {
    try {
      const reply = await api(`/api/scenarios/${encodeURIComponent(from)}/copy?lang=${lang}`, { token: key || undefined });
      data = reply.data;
      if (!caseId) data.id = `${data.id}-kopie`.slice(0, 63);
      if (caseId && !reply.own) key = null;
      if (!reply.own) setText($("#case-status"), t("A copy: the secrets are left empty. Write your own."));
    } catch (problem) {
      showError($("#case-error"), problemText(problem, t("This case cannot be found.")));
    }
  }
  if (caseId && !key) showError($("#case-error"), t("This browser has no edit key for this case. Open the edit link you got when you saved it."));
  $("#case-fields").replaceChildren(); // the "Loading…" line
  draw();
  check();
}

$("#case-save").addEventListener("click", save);
$("#case-export").addEventListener("click", exportYaml);
$("#case-import").addEventListener("change", importYaml);
$("#case-form").addEventListener("submit", (event) => event.preventDefault());
load();
