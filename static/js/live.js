// Announcements for screen readers: polite, and batched so twenty new cards make one
// sentence, not twenty.
import { t, tn } from "./i18n.js";

const polite = () => document.getElementById("live-polite");
const assertive = () => document.getElementById("live-assertive");

export function announce(text, { urgent = false } = {}) {
  const region = urgent ? assertive() : polite();
  if (!region) return;
  // Clear first so the same sentence twice is read twice.
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 50);
}

// Collects new cards and announces them once things are quiet for a moment.
export class CardAnnouncer {
  constructor({ quietMs = 2000, maxWaitMs = 6000, describe } = {}) {
    this.quietMs = quietMs;
    this.maxWaitMs = maxWaitMs;
    this.describe = describe;
    this.pending = [];
    this.timer = null;
    this.first = 0;
  }

  add(card) {
    this.pending.push(card);
    const now = Date.now();
    if (this.pending.length === 1) this.first = now;
    clearTimeout(this.timer);
    const wait = Math.min(this.quietMs, Math.max(0, this.first + this.maxWaitMs - now));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush() {
    const cards = this.pending;
    this.pending = [];
    if (!cards.length) return;
    if (cards.length === 1 && this.describe) {
      announce(t("New card: {card}", { card: this.describe(cards[0]) }));
    } else {
      announce(tn("{n} new card on the board.", "{n} new cards on the board.", cards.length));
    }
  }
}
