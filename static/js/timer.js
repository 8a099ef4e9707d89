// The round timer: counts down with the server's clock, marks "time is up" on screen and
// tells screen readers once; `onTimeUp` lets a page add a sound or a vibration (chime.js).
// The console and the big screen also count the overtime after zero ("+0:42", `overtime`).
import { setText } from "./dom.js";
import { t } from "./i18n.js";
import { announce } from "./live.js";

export function formatTime(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}

// "+0:42": how long ago the time ran out (whole seconds passed).
export function formatOvertime(ms) {
  return `+${formatTime(Math.floor(Math.max(0, ms) / 1000) * 1000)}`;
}

export class TimerView {
  // el: the element to write "12:34" into; alert: an element shown when time is up;
  // overtime: count on after zero; onTimeUp(): once, when a timer seen running runs out.
  constructor(el, { serverNow, alert = null, label = null, overtime = false, onTimeUp = null } = {}) {
    this.el = el;
    this.onTimeUp = onTimeUp;
    this.alert = alert;
    this.label = label;
    this.overtime = overtime;
    this.serverNow = serverNow || (() => Date.now());
    this.timer = null;
    this.expiredFor = null;
    this.seenRunning = null;
    this.interval = setInterval(() => this.tick(), 250);
  }

  set(timer) {
    this.timer = timer || null;
    this.tick();
  }

  remaining() {
    const tm = this.timer;
    if (!tm) return null;
    if (tm.paused_remaining_ms !== null && tm.paused_remaining_ms !== undefined) {
      return tm.paused_remaining_ms;
    }
    return Math.max(0, tm.started_at + tm.duration_ms - this.serverNow());
  }

  // How long ago a running timer reached zero (0 before that, and while paused).
  overtimeMs() {
    const tm = this.timer;
    if (!tm || !tm.running) return 0;
    return Math.max(0, this.serverNow() - (tm.started_at + tm.duration_ms));
  }

  tick() {
    const tm = this.timer;
    const box = this.el.closest("[data-timer-box]") || this.el;
    if (!tm) {
      box.hidden = true;
      if (this.alert) this.alert.hidden = true;
      return;
    }
    box.hidden = false;
    const left = this.remaining();
    const paused = !tm.running;
    const expired = left <= 0;
    setText(this.el, expired && this.overtime ? formatOvertime(this.overtimeMs()) : formatTime(left));
    if (this.label) setText(this.label, expired ? t("Time is up") : (paused ? t("Timer paused") : t("Time left")));
    box.classList.toggle("timer-paused", paused);
    box.classList.toggle("timer-low", !paused && left > 0 && left <= 60000);
    box.classList.toggle("timer-expired", expired);
    box.classList.toggle("timer-overtime", expired && this.overtime);
    if (this.alert) this.alert.hidden = !expired;
    // Announce once, when a timer we saw running runs out (not on opening the page later).
    const identity = `${tm.started_at}:${tm.duration_ms}`;
    if (!expired) this.seenRunning = identity;
    else if (this.seenRunning === identity && this.expiredFor !== identity) {
      this.expiredFor = identity;
      announce(t("Time is up."), { urgent: true });
      if (this.onTimeUp) this.onTimeUp();
    }
  }
}
