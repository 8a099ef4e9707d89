// The shared board: cards marked with the role they were written from (colour, icon and
// word), kept in place across updates so focus and open editors survive.
import { h, keyed, setText, show, svgIcon } from "./dom.js";
import { t, tn } from "./i18n.js";
import { roleBadge, roleName } from "./roles.js";

export const REACTIONS = ["support", "question", "concern"];

const REACTION_ICONS = {
  support: "M2 21h4V9H2zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 0 0-.5-1.1L13.2 1 6.6 7.6A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1.2-.7z",
  question: "M11 18h2v-2h-2zm1-16a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm0-14a4 4 0 0 0-4 4h2a2 2 0 1 1 4 0c0 2-3 1.8-3 5h2c0-2.3 3-2.5 3-5a4 4 0 0 0-4-4z",
  concern: "M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z",
};

export function reactionName(kind) {
  if (kind === "support") return t("Support");
  if (kind === "question") return t("Question");
  return t("Concern");
}

export function reactionIcon(kind) {
  return svgIcon(REACTION_ICONS[kind], "icon reaction-icon");
}

export function describeCard(card) {
  return `${roleName(card.role)}: ${card.text}`;
}

// Cards merged into another are shown inside that card, not on their own.
export function topLevel(cards) {
  const ids = new Set(cards.map((c) => c.id));
  return cards.filter((c) => !c.merged_into || !ids.has(c.merged_into));
}

export function mergedInto(cards, id) {
  return cards.filter((c) => c.merged_into === id);
}

export function createCard(card, { testid = "card" } = {}) {
  const el = h("article", { class: "card", "data-testid": testid, dataset: { cardId: card.id } },
    h("div", { class: "card-head" },
      h("span", { class: "card-role" }),
      h("span", { class: "card-flags" })),
    h("p", { class: "card-text", "data-testid": "card-text" }),
    h("p", { class: "card-meta", hidden: true }),
    h("div", { class: "card-merged", hidden: true },
      h("p", { class: "card-merged-title", text: t("Merged into this card:") }),
      h("ul", { class: "card-merged-list" })),
    h("div", { class: "card-actions" }));
  return el;
}

// Brings the shared parts of a card up to date; the page updates .card-actions itself.
export function updateCard(el, card, { allCards = [], hiddenFlag = false } = {}) {
  if (el.dataset.role !== card.role) {
    el.dataset.role = card.role;
    el.className = `card role-${card.role}`;
    el.querySelector(".card-role").replaceChildren(roleBadge(card.role));
  }
  el.classList.toggle("highlighted", Boolean(card.highlighted));
  el.classList.toggle("common-ground", Boolean(card.common_ground));
  el.classList.toggle("is-hidden", Boolean(hiddenFlag && card.hidden));
  const flags = [];
  if (card.highlighted) flags.push(["flag-highlight", "M12 2l3 7h7l-5.5 4.5L18.5 21 12 16.8 5.5 21l2-7.5L2 9h7z", t("Highlighted")]);
  if (card.common_ground) flags.push(["flag-common", "M7 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8zm10 0a4 4 0 1 1 0-8 4 4 0 0 1 0 8zM1 21c0-4 3-7 6-7s6 3 6 7zm10 0c0-4 3-7 6-7s6 3 6 7z", t("Common ground")]);
  if (hiddenFlag && card.hidden) flags.push(["flag-hidden", "M2 4l18 16-1.4 1.4L15.7 18A11 11 0 0 1 1 12a11.5 11.5 0 0 1 4-5L.6 5.4zm10-1a11 11 0 0 1 11 9 11.4 11.4 0 0 1-3.3 5L8 6a10 10 0 0 1 4-3z", t("Hidden from the board")]);
  const flagBox = el.querySelector(".card-flags");
  const signature = flags.map((f) => f[0]).join(",");
  if (flagBox.dataset.sig !== signature) {
    flagBox.dataset.sig = signature;
    flagBox.replaceChildren(...flags.map(([cls, path, word]) =>
      h("span", { class: `flag ${cls}` }, svgIcon(path), h("span", { text: word }))));
  }
  setText(el.querySelector(".card-text"), card.text);
  const meta = [];
  if (card.author) meta.push(card.author);
  if (card.edited) meta.push(t("edited"));
  const metaEl = el.querySelector(".card-meta");
  setText(metaEl, meta.join(" · "));
  show(metaEl, meta.length > 0);
  const merged = mergedInto(allCards, card.id);
  const mergedBox = el.querySelector(".card-merged");
  show(mergedBox, merged.length > 0);
  keyed(mergedBox.querySelector("ul"), merged, (c) => c.id,
    () => h("li", {}, h("span", { class: "merged-role" }), h("span", { class: "merged-text" })),
    (li, c) => {
      if (li.dataset.role !== c.role) {
        li.dataset.role = c.role;
        li.querySelector(".merged-role").replaceChildren(roleBadge(c.role));
      }
      setText(li.querySelector(".merged-text"), c.text);
    });
}

// Reaction counts as text (for pages that do not react): "Support 3 · Question 1".
export function reactionSummary(card) {
  const parts = REACTIONS.filter((k) => card.reactions && card.reactions[k] > 0)
    .map((k) => `${reactionName(k)} ${card.reactions[k]}`);
  return parts.join(" · ");
}

// Renders a board into `list`; `seen` remembers which cards were there before, so only
// really new cards (by others) are announced.
export class Board {
  constructor(list, { announcer = null, mine = () => false, create, update, empty = null } = {}) {
    this.list = list;
    this.announcer = announcer;
    this.mine = mine;
    this.create = create || ((card) => createCard(card));
    this.update = update || ((el, card, all) => updateCard(el, card, { allCards: all }));
    this.empty = empty;
    this.seen = null;
  }

  render(cards) {
    const shown = topLevel(cards);
    keyed(this.list, shown, (c) => c.id, this.create, (el, card) => this.update(el, card, cards));
    if (this.empty) show(this.empty, shown.length === 0);
    const ids = new Set(cards.map((c) => c.id));
    if (this.seen && this.announcer) {
      for (const card of cards) {
        if (!this.seen.has(card.id) && !this.mine(card)) this.announcer.add(card);
      }
    }
    this.seen = ids;
  }

  reset() { this.seen = null; }
}

export function cardCount(n) {
  return tn("{n} card", "{n} cards", n);
}
