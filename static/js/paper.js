// The console's paper seats (issue 10): add a player without a phone ("speelt op papier"),
// print their sheet (only the secrets dealt to them so far), type their cards, reflection,
// scores and vote for them (`for_player`: the game marks these "via de spelleider"), and
// download the table kit. One section for host.js: `paperSection({room, token, page})`.
import { $, showError, whileBusy } from "./dom.js";
import { currentBallot, voteName } from "./game.js";
import { html, nothing } from "./html.js";
import { lang, pick, t } from "./i18n.js";
import { LIMITS } from "./limits.js";
import { announce } from "./live.js";
import { roleBadge, roleName, ROLES } from "./roles.js";

const CHOICES = ["eens", "eens_met_bedenkingen", "bezwaar"];

// Fetch a PDF with the facilitator's key and hand it to the browser as a download (the key
// never goes into an address).
export async function downloadPdf(path, token, filename, error) {
  showError(error, "");
  const response = await fetch(`${path}?lang=${lang}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    let message = t("The file could not be made. Try again.");
    try { message = (await response.json()).message || message; } catch { /* not JSON */ }
    showError(error, message);
    return false;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return true;
}

function field(li, name) {
  return li.querySelector(`[data-field=${name}]`);
}

export function paperSection({ room, token, page }) {
  const send = async (event, type, fields, after) => {
    const li = event.currentTarget.closest("[data-player-id]") || event.currentTarget.closest("section");
    const reply = await page().send(type, fields, { error: li.querySelector("[role=alert]"), button: event.currentTarget });
    if (reply.ok && after) after(li);
    return reply;
  };

  const add = (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = $("#paper-name").value.trim();
    if (!name) {
      showError($("#paper-error"), t("Fill in a name."));
      return $("#paper-name").focus();
    }
    const home = $("#paper-role").value;
    return page().send("add_paper_player", { name, home_role: home }, { error: $("#paper-error"), button: form.querySelector("button") })
      .then((reply) => {
        if (!reply.ok) return;
        $("#paper-name").value = "";
        announce(t("{name} plays on paper.", { name }));
      });
  };

  const sheet = (player) => (event) => whileBusy(event.currentTarget, () => downloadPdf(
    `/api/rooms/${room}/paper/${encodeURIComponent(player.id)}.pdf`, token,
    `${t("sheet")}-${player.name}.pdf`, event.currentTarget.closest("[data-player-id]").querySelector("[role=alert]")));

  const kit = (event) => whileBusy(event.currentTarget, () => downloadPdf(
    `/api/rooms/${room}/kit.pdf`, token, `${t("table-kit")}.pdf`, $("#paper-error")));

  const card = (player) => (event) => {
    const input = field(event.currentTarget.closest("li"), "card");
    const text = input.value.trim();
    if (!text) return showError(event.currentTarget.closest("li").querySelector("[role=alert]"), t("Write something first."));
    return send(event, "post_card", { text, for_player: player.id }, () => { input.value = ""; announce(t("Card posted for {name}.", { name: player.name })); });
  };

  const reflection = (player) => (event) => {
    const li = event.currentTarget.closest("li");
    const text = field(li, "reflection").value.trim();
    if (!text) return showError(li.querySelector("[role=alert]"), t("Write something first."));
    const shared = field(li, "share").checked;
    return send(event, "save_reflection", { text, shared, for_player: player.id }, () => announce(t("Reflection saved for {name}.", { name: player.name })));
  };

  const score = (player, option) => (event) => {
    const li = event.currentTarget.closest("li");
    const value = Number(field(li, `score-${option.id}`).value);
    return send(event, "score_option", { option_id: option.id, score: value, for_player: player.id });
  };

  const vote = (player) => (event) => {
    const li = event.currentTarget.closest("li");
    const chosen = li.querySelector(`input[name=paper-vote-${player.id}]:checked`);
    if (!chosen) return showError(li.querySelector("[role=alert]"), t("Choose eens, eens met bedenkingen or bezwaar."));
    const reason = field(li, "reason").value.trim();
    const needed = field(li, "needed").value.trim();
    return send(event, "cast_vote", { choice: chosen.value, reason, needed, for_player: player.id },
      () => announce(t("Vote cast for {name}.", { name: player.name })));
  };

  function tools(view, player) {
    const pub = view.public;
    const overview = (view.facilitator.overview || []).find((o) => o.player_id === player.id) || {};
    if (pub.phase === "play") {
      return html`<label for="paper-card-${player.id}">${t("Card for {name}", { name: player.name })}</label>
        <textarea id="paper-card-${player.id}" data-field="card" rows="2" maxlength=${LIMITS.card} data-testid="paper-card-input"></textarea>
        <button type="button" class="button" data-testid="paper-card-submit" @click=${card(player)}>${t("Post the card")}</button>
        <p class="hint">${t("Cards this round: {n}", { n: overview.cards || 0 })}</p>`;
    }
    if (pub.phase === "reflection") {
      return html`<label for="paper-reflection-${player.id}">${t("Reflection of {name}", { name: player.name })}</label>
        <textarea id="paper-reflection-${player.id}" data-field="reflection" rows="2" maxlength=${LIMITS.reflection} data-testid="paper-reflection-input"></textarea>
        <label class="check"><input type="checkbox" data-field="share" data-testid="paper-reflection-share"> ${t("Share with the group")}</label>
        <button type="button" class="button" data-testid="paper-reflection-submit" @click=${reflection(player)}>${t("Save the reflection")}</button>
        ${overview.reflected ? html`<p class="hint">${t("Saved.")}</p>` : nothing}`;
    }
    if (pub.phase === "scoring") {
      const options = (page().live.scenario || {}).options || [];
      return html`${options.map((o) => html`<p><label for="paper-score-${player.id}-${o.id}">${pick(o.title)}</label>
        <select id="paper-score-${player.id}-${o.id}" data-field="score-${o.id}" data-testid="paper-score-${o.id}">
          ${[1, 2, 3, 4, 5].map((n) => html`<option value=${n}>${n}</option>`)}</select>
        <button type="button" class="button" data-testid="paper-score-submit-${o.id}" @click=${score(player, o)}>${t("Save the score")}</button></p>`)}`;
    }
    const ballot = currentBallot(pub);
    if (pub.phase === "decision" && ballot && ballot.open) {
      return html`<fieldset><legend>${t("Vote of {name}", { name: player.name })}</legend>
        ${CHOICES.map((c) => html`<label class="check"><input type="radio" name="paper-vote-${player.id}" value=${c} data-testid="paper-vote-${c}"> ${voteName(c)}</label>`)}
        </fieldset>
        <label for="paper-reason-${player.id}">${t("Reason or reservation (needed with bezwaar)")}</label>
        <textarea id="paper-reason-${player.id}" data-field="reason" rows="2" maxlength=${LIMITS.reason} data-testid="paper-vote-reason"></textarea>
        <label for="paper-needed-${player.id}">${t("What would be needed to agree")}</label>
        <textarea id="paper-needed-${player.id}" data-field="needed" rows="2" maxlength=${LIMITS.reason} data-testid="paper-vote-needed"></textarea>
        <button type="button" class="button" data-testid="paper-vote-submit" @click=${vote(player)}>${t("Cast the vote")}</button>
        ${overview.voted ? html`<p class="hint">${t("Voted.")}</p>` : nothing}`;
    }
    return nothing;
  }

  function typedCards(view, player) {
    const cards = (view.facilitator.cards || []).filter((c) => c.via_facilitator && c.author === player.name);
    if (!cards.length) return nothing;
    return html`<ul class="paper-cards">${cards.map((c) => html`<li data-testid="paper-typed-card">${c.text}
      <span class="tag">${t("via the workshop leader")}</span></li>`)}</ul>`;
  }

  function render(view) {
    const players = (view.facilitator.players || []).filter((p) => p.on_paper && p.active);
    const closed = view.public.phase === "closed";
    return html`
      <p class="hint">${t("A player without a phone plays on paper. Print their sheet, and type their cards, reflection and vote for them. The game marks these 'via the workshop leader'.")}</p>
      ${closed ? nothing : html`<form class="stack" @submit=${add} novalidate>
        <label for="paper-name">${t("Name of the player on paper")}</label>
        <input id="paper-name" maxlength=${LIMITS.name} autocomplete="off" data-testid="paper-name">
        <label for="paper-role">${t("In real life")}</label>
        <select id="paper-role" data-testid="paper-role">${ROLES.map((r) => html`<option value=${r}>${roleName(r)}</option>`)}</select>
        <button type="submit" class="button" data-testid="paper-add">${t("Add a player on paper")}</button>
      </form>`}
      <p id="paper-error" class="error" role="alert" hidden></p>
      <p><button type="button" class="button" data-testid="paper-kit" @click=${kit}>${t("Download the table kit (PDF)")}</button></p>
      <ul class="paper-seats">${players.map((p) => html`<li data-player-id=${p.id} data-testid="paper-seat">
        <p><strong>${p.name}</strong> ${roleBadge(p.role || p.home_role)} <span class="tag">${t("on paper")}</span></p>
        <button type="button" class="button" data-testid="paper-sheet" @click=${sheet(p)}>${t("Print the sheet (PDF)")}</button>
        ${closed ? nothing : html`<div class="field">${tools(view, p)}</div>`}
        ${typedCards(view, p)}
        <p class="error" role="alert" hidden></p>
      </li>`)}</ul>`;
  }

  return { id: "paper-seats", render };
}
