// The shell of the live pages (play, host, screen; event.js uses connectLive for each table):
// the connection, the current view, the timer, errors and the page's sections.
//
// A page declares its sections: [{id, when(view), render(view, el)}]. On every new view the
// shell shows the sections whose `when` holds (no `when`: always) and hides the others, then
// calls `render` of each shown one. A `render` that returns a template has it rendered into
// the section's [data-slot] element (or at the end of the section); one that returns nothing
// has done its own work.
import { $, $$, show, showError, whileBusy } from "./dom.js";
import { render } from "./html.js";
import { t } from "./i18n.js";
import { connect } from "./net.js";
import { applyPatch, PatchError } from "./patch.js";
import { IntentForm } from "./forms.js";
import { TimerView } from "./timer.js";

export { showError };

// How long a patch may wait for the step before it (a gap in versions) before the page asks
// for the whole view.
export const GAP_MS = 1000;

// The view of one viewer, the one place that keeps it. A `state` message replaces it whole;
// `patch` messages (docs/protocol.md) change it step by step, in version order: a step from
// `base` to `version` is applied once its public patch is here, together with this viewer's
// private patch of the same step when there is one (the server sends that first; no private
// patch means the private part did not change), or once its whole-view patch ("view") is. A patch whose base is ahead waits; when the
// gap does not close within GAP_MS, or a patch does not fit, the page asks for the whole view
// (`resync`). Patches are applied by copying only what they change (patch.js), so each
// version is a new object and the parts that did not change are the same objects as before.
// Subscribers get (view, live) after every change.
export class LiveView {
  constructor() {
    this.view = null;
    this.version = 0;
    this.presence = {};
    this.offset = 0; // the server's clock minus ours, from the `now` of each message
    this.scenario = null; // comes once per connection, with its first state
    this.waiting = null; // a state that came before the connection's first one
    this.pending = []; // patches not applied yet (their base is ahead of this view)
    this.gapTimer = null;
    this.listeners = [];
    this.resync = () => {};
  }

  subscribe(listener) {
    this.listeners.push(listener);
    if (this.view) listener(this.view, this);
  }

  notify() {
    if (!this.view) return;
    for (const listener of this.listeners) listener(this.view, this);
  }

  serverNow() {
    return Date.now() + this.offset;
  }

  clock(message) {
    if (message && typeof message.now === "number") this.offset = message.now - Date.now();
  }

  fullState(message) {
    if (!message || typeof message.version !== "number") return;
    this.clock(message);
    if (message.scenario) this.scenario = message.scenario;
    if (!this.scenario) {
      this.waiting = message;
      return;
    }
    if (this.waiting && this.waiting.version > message.version) message = this.waiting;
    this.waiting = null;
    // An older state can arrive after a newer one across a reconnect: keep the newest.
    if (this.view && message.version < this.version) return;
    this.version = message.version;
    this.view = message.view;
    this.view.public.scenario = this.scenario;
    if (message.presence) this.presence = message.presence;
    if (this.view.presence) this.presence = this.view.presence;
    this.pending = this.pending.filter((p) => p.version > this.version);
    this.drain();
    this.notify();
  }

  patch(message) {
    if (!message || typeof message.version !== "number" || typeof message.base !== "number") return;
    this.clock(message);
    if (this.view && message.version <= this.version) return; // a step this view has already
    this.pending.push(message);
    if (this.view && this.drain()) this.notify();
  }

  // Apply every waiting step that starts at this view's version; true when the view moved.
  drain() {
    let moved = false;
    for (;;) {
      const pub = this.pending.find((p) => p.part !== "private" && p.base === this.version);
      if (!pub) break;
      const mine = this.pending.filter((p) => p.part === "private" && p.base === pub.base && p.version === pub.version);
      try {
        let view = this.view;
        for (const p of mine) view = applyPatch(view, p.ops);
        // "view": one patch of the whole view (its private and public ops); "public": the
        // public part's patch, paths inside view.public.
        const after = pub.part === "view" ? applyPatch(view, pub.ops) : { ...view, public: applyPatch(view.public, pub.ops) };
        this.view = { ...after, public: { ...after.public, scenario: this.scenario } };
      } catch (error) {
        if (!(error instanceof PatchError)) throw error;
        this.pending = [];
        this.askWhole();
        return moved;
      }
      this.version = pub.version;
      this.pending = this.pending.filter((p) => p.version > this.version);
      moved = true;
    }
    this.watchGap();
    return moved;
  }

  // Patches wait for a step that has not come: give it GAP_MS, then ask for the whole view.
  watchGap() {
    if (!this.pending.length) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    } else if (!this.gapTimer) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        if (this.pending.some((p) => p.version > this.version)) this.askWhole();
      }, GAP_MS);
    }
  }

  askWhole() {
    clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.resync();
  }

  presenceChanged(update) {
    this.presence = { ...this.presence, ...update };
    this.notify();
  }
}

// One connection and the view it keeps (no page furniture: event.js has one per table).
export function connectLive({ room, token, banner, onLinks, onNotice, onRefused }) {
  const live = new LiveView();
  const conn = connect({
    room, token, banner, onLinks, onNotice, onRefused,
    version: () => live.version,
    onState: (message) => live.fullState(message),
    onPatch: (message) => live.patch(message),
    onPresence: (update) => live.presenceChanged(update),
  });
  live.resync = conn.resync;
  return { live, conn };
}

function sectionElements() {
  return $$("main > section, main > details");
}

// A live page: connect, keep the view, run the timer and the pause banner, and render the
// declared sections on every view. `onView(view)` runs first, for what is not a section;
// `onLinks(links)` gets the join code and addresses (console and big screen only);
// `onTimeUp()` runs once when a running timer runs out (a chime, a vibration).
// Returns the page: {live, conn, timer, stopped, send, form, hideAll, stop}.
// `timerOptions` go to the TimerView too (timer.js: `overtime`). `firstView`: a promise of
// this viewer's first `state` message over HTTP (first_view.js), shown as soon as it comes,
// before the socket is up; the socket then continues from its version (or sends a newer one).
export function startPage({ room, token, sections = [], onView = null, onLinks, onNotice, onRefused, onTimeUp = null,
                            timerOptions = {}, firstView = null }) {
  const { live, conn } = connectLive({ room, token, onLinks, onNotice, onRefused });
  const timerEl = $("#timer");
  const timer = timerEl
    ? new TimerView(timerEl, { serverNow: () => live.serverNow(), alert: $("#time-up"), label: $("#timer-label"), onTimeUp,
                               ...timerOptions })
    : null;

  const page = {
    live,
    conn,
    timer,
    stopped: false, // once true, views are no longer rendered (stopped, or taken over)
    // Send an intention: its error shows in `error`, `button` is off while waiting, an
    // `intention` keeps its key until answered (so a retry is applied once), and a
    // `steering` action carries the version it was pressed on (a double click moves once).
    async send(type, fields = {}, { error = null, button = null, intention = null, steering = false } = {}) {
      showError(error, "");
      const options = { key: intention ? intention.key : undefined, version: steering ? live.version : undefined };
      const reply = await whileBusy(button, () => conn.send(type, fields, options));
      if (intention && (reply.ok || !reply.retry)) intention.done();
      if (!reply.ok) showError(error, reply.message);
      return reply;
    },
    // A form with a draft, counters and an intention (forms.js), sending through this page.
    form(options) {
      return new IntentForm({ room, send: page.send, ...options });
    },
    hideAll() {
      for (const el of sectionElements()) el.hidden = true;
    },
    // The page cannot go on (refused, removed, left): say why and stop listening.
    stop(message) {
      page.stopped = true;
      page.hideAll();
      showError($("#page-error"), message || t("This game cannot be found."));
      conn.stop();
    },
  };

  live.subscribe((view) => {
    if (page.stopped) return;
    const pub = view.public;
    document.body.dataset.phase = pub.phase;
    if (timer) timer.set(pub.phase === "closed" ? null : pub.timer);
    show($("#pause-banner"), pub.paused && pub.phase !== "closed");
    if (onView && onView(view) === false) return;
    for (const section of sections) {
      const el = $(`#${section.id}`);
      const shown = !section.when || Boolean(section.when(view));
      show(el, shown);
      if (!shown || !section.render) continue;
      const out = section.render(view, el);
      if (out !== undefined) render(out, el.querySelector("[data-slot]") || el);
    }
  });
  // A refusal or a failure brings null: the socket says why, as it always did.
  if (firstView) firstView.then((message) => { if (message && !page.stopped) live.fullState(message); });
  return page;
}
