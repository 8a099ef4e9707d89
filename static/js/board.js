// The shared board: cards marked with the role they were written from (colour, icon and
// word). Cards are keyed by id, so focus and open editors survive every update.
import { show } from "./dom.js";
import { html, nothing, render, repeat } from "./html.js";
import { t, tn } from "./i18n.js";
import { CardAnnouncer } from "./live.js";
import { icon, roleBadge, roleName } from "./roles.js";

export const REACTIONS = ["support", "question", "concern"];

const REACTION_ICONS = {
  support: "M2 21h4V9H2zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.5-1.1L13.2 1 6.6 7.6A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1.2-.7z",
  question: "M11 18h2v-2h-2zm1-16a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm0-14a4 4 0 0 0-4 4h2a2 2 0 1 1 4 0c0 2-3 1.8-3 5h2c0-2.3 3-2.5 3-5a4 4 0 0 0-4-4z",
  concern: "M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z",
};

const FLAG_ICONS = {
  highlight: "M12 2l3 7h7l-5.5 4.5L18.5 21 12 16.8 5.5 21l2-7.5L2 9h7z",
  common: "M7 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8zm10 0a4 4 0 1 1 0-8 4 4 0 0 1 0 8zM1 21c0-4 3-7 6-7s6 3 6 7zm10 0c0-4 3-7 6-7s6 3 6 7z",
  hidden: "M2 4l18 16-1.4 1.4L15.7 18A11 11 0 0 1 1 12a11.5 11.5 0 0 1 4-5L.6 5.4zm10-1a11 11 0 0 1 11 9 11.4 11.4 0 0 1-3.3 5L8 6a10 10 0 0 1 4-3z",
};

export function reactionName(kind) {
  if (kind === "support") return t("Support");
  if (kind === "question") return t("Question");
  return t("Concern");
}

export function reactionIcon(kind) {
  return icon(REACTION_ICONS[kind], "icon reaction-icon");
}

function describeCard(card) {
  return `${roleName(card.role)}: ${card.text}`;
}

// Cards merged into another are shown inside that card, not on their own.
export function topLevel(cards) {
  const ids = new Set(cards.map((c) => c.id));
  return cards.filter((c) => !c.merged_into || !ids.has(c.merged_into));
}

// Reaction counts as text (for pages that do not react): "Support 3 · Question 1".
export function reactionSummary(card) {
  return REACTIONS.filter((k) => card.reactions && card.reactions[k] > 0)
    .map((k) => `${reactionName(k)} ${card.reactions[k]}`).join(" · ");
}

export function cardCount(n) {
  return tn("{n} card", "{n} cards", n);
}

function flag(kind, word) {
  return html`<span class="flag flag-${kind}">${icon(FLAG_ICONS[kind])}<span>${word}</span></span>`;
}

// One card. `all` holds the cards merged into it; `hiddenFlag` marks a hidden card (the
// console shows those); `actions` go in .card-actions; `editing` hides the text for an editor;
// `mergedActions(c)` adds controls to each card merged into this one (the console's "Maak los").
export function cardView(card, { all = [], hiddenFlag = false, mine = false, editing = false,
                                 testid = "card", actions = nothing, mergedActions = null } = {}) {
  const hidden = hiddenFlag && card.hidden;
  const classes = ["card", `role-${card.role}`, card.highlighted && "highlighted",
    card.common_ground && "common-ground", hidden && "is-hidden", mine && "mine"];
  const meta = [card.author, card.edited && t("edited")].filter(Boolean).join(" · ");
  const merged = all.filter((c) => c.merged_into === card.id);
  return html`<article class=${classes.filter(Boolean).join(" ")} data-testid=${testid} data-card-id=${card.id} data-role=${card.role}>
    <div class="card-head"><span class="card-role">${roleBadge(card.role)}</span><span class="card-flags">${[
      card.highlighted ? flag("highlight", t("Highlighted")) : nothing,
      card.common_ground ? flag("common", t("Common ground")) : nothing,
      hidden ? flag("hidden", t("Hidden from the board")) : nothing]}</span></div>
    <p class="card-text" data-testid="card-text" ?hidden=${editing}>${card.text}</p>
    <p class="card-meta" ?hidden=${!meta}>${meta}</p>
    <div class="card-merged" ?hidden=${!merged.length}>
      <p class="card-merged-title">${t("Merged into this card:")}</p>
      <ul class="card-merged-list">${repeat(merged, (c) => c.id, (c) => html`<li data-card-id=${c.id}><span class="merged-role">${roleBadge(c.role)}</span><span class="merged-text">${c.text}</span>${
      mergedActions ? mergedActions(c) : nothing}</li>`)}</ul>
    </div>
    <div class="card-actions">${actions}</div>
  </article>`;
}

// A board rendered into `list`: `card(card, all)` makes each card's template, `empty` shows
// when there are none. New cards by others (not `mine`) are announced to screen readers, a
// few at a time; `seen` remembers what was there before. With `firstScreen` (the participant's
// phone) the first render of a longer board shows that many cards, and the rest once those
// are painted: a slow phone shows the top of the board without first laying out all of it.
export class Board {
  constructor(list, { mine = () => false, card = (c, all) => cardView(c, { all }), empty = null,
                      firstScreen = 0 } = {}) {
    Object.assign(this, { list, mine, card, empty, firstScreen });
    this.announcer = new CardAnnouncer({ describe: describeCard });
    this.seen = null;
    this.rest = null; // the cards of a first render that showed only the first screen
  }

  render(cards) {
    const shown = topLevel(cards);
    const partial = this.seen === null && this.firstScreen > 0 && shown.length > this.firstScreen;
    this.draw(partial ? shown.slice(0, this.firstScreen) : shown, cards);
    this.rest = partial ? cards : null;
    if (partial) {
      // A frame's callback runs before its paint, a task queued there after it. A newer
      // render in between has drawn the whole board already.
      requestAnimationFrame(() => setTimeout(() => {
        if (this.rest !== cards) return;
        this.rest = null;
        this.draw(shown, cards);
      }, 0));
    }
    show(this.empty, shown.length === 0);
    if (this.seen) {
      for (const card of cards) {
        if (!this.seen.has(card.id) && !this.mine(card)) this.announcer.add(card);
      }
    }
    this.seen = new Set(cards.map((c) => c.id));
  }

  draw(shown, cards) {
    render(repeat(shown, (c) => c.id, (c) => this.card(c, cards)), this.list);
  }

  reset() { this.seen = null; }
}
