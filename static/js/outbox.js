// Intentions made while offline (a card typed on a train, a dropped Wi-Fi), sent once the
// connection is back, each with the key it got when it was made. The server applies a key
// once, so one that did arrive before the connection dropped is not applied twice. They are
// kept in sessionStorage (rw:outbox:<room>), so a reload does not lose them.
import { newKey } from "./store.js";

const storageKey = (room) => `rw:outbox:${room}`;

function load(room) {
  try {
    const kept = JSON.parse(sessionStorage.getItem(storageKey(room)) || "[]");
    return Array.isArray(kept) ? kept.filter((i) => i && typeof i.key === "string") : [];
  } catch {
    return [];
  }
}

// new Outbox({room, send, onChange})
//   send(type, fields, key) -> Promise of the server's reply ({ok} or {ok: false, retry?, message})
//   onChange() after anything in the box changed (to render it)
// Each item: {key, type, fields, step, sending, error}; `step` is where it was made.
export class Outbox {
  constructor({ room, send, onChange = () => {} }) {
    Object.assign(this, { room, send, onChange });
    this.items = load(room).map((item) => ({ ...item, sending: false }));
    this.flushing = false;
  }

  save() {
    try {
      const kept = this.items.filter((i) => !i.error).map(({ key, type, fields, step }) => ({ key, type, fields, step }));
      if (kept.length) sessionStorage.setItem(storageKey(this.room), JSON.stringify(kept));
      else sessionStorage.removeItem(storageKey(this.room));
    } catch {
      // No storage: the box lives as long as the page.
    }
    this.onChange();
  }

  add(type, fields, { key = newKey(), step = null } = {}) {
    this.items.push({ key, type, fields, step, sending: false, error: null });
    this.save();
  }

  waiting() {
    return this.items.filter((i) => !i.error);
  }

  // A refused or given-up item stays shown with its reason until the person closes it.
  fail(item, message) {
    item.error = message;
    item.sending = false;
    this.save();
  }

  dismiss(key) {
    this.items = this.items.filter((i) => i.key !== key);
    this.save();
  }

  // Send what waits, in order, each with its own key. `fits(item)` returns null when it may
  // still be sent, or the sentence why not (the round moved on). Stops at the first that
  // gets no answer: the connection is gone again, and the next flush tries once more.
  async flush(fits = () => null) {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const item of this.waiting()) {
        const problem = fits(item);
        if (problem) {
          this.fail(item, problem);
          continue;
        }
        item.sending = true;
        this.onChange();
        const reply = await this.send(item.type, item.fields, item.key);
        if (reply.ok) {
          this.items = this.items.filter((i) => i !== item);
          this.save();
        } else if (reply.retry) {
          item.sending = false;
          this.onChange();
          break;
        } else {
          this.fail(item, reply.message);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
