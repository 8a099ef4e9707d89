// A form that sends one intention: its draft survives a reload or a dropped connection
// (sessionStorage), each text field with a limit (data-limit, or maxlength) has its counter
// ("12/280", the element [data-counts=<field>] in the form), a text over its limit is kept
// and refused with a sentence (never cut), and its intention key is kept until the server has
// answered, so pressing the button again after a timeout is applied once.
import { $$, charCounter, fieldLimit, showError, tooLong } from "./dom.js";
import { drafts, newKey } from "./store.js";

// One intention's key: the same until done() (the server answered, or it is given up).
export class Intention {
  constructor() { this.key = newKey(); }
  done() { this.key = newKey(); }
}

// What this page sent and shows already, until a view that includes it arrives: an older
// view (from someone else's action) must not flip a choice back for a moment.
export class Pending {
  constructor() { this.map = new Map(); }

  set(key, value) { this.map.set(key, { value, until: Infinity }); }

  answered(key, value, reply) {
    const entry = this.map.get(key);
    if (!entry || entry.value !== value) return;
    if (reply.ok) entry.until = reply.version;
    else this.map.delete(key);
  }

  // The value to show, or undefined when the view (at `version`) already says it.
  get(key, version) {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (version >= entry.until) {
      this.map.delete(key);
      return undefined;
    }
    return entry.value;
  }
}

// A field is an element (text, checkbox) or {get(), set(value)} for anything else (a group
// of radio buttons, a list of conditions).
function accessor(field) {
  if (typeof field.get === "function") return field;
  if (field.type === "checkbox") return { get: () => field.checked, set: (v) => { field.checked = Boolean(v); } };
  return { get: () => field.value, set: (v) => { field.value = v == null ? "" : String(v); } };
}

// new IntentForm({room, send, form, fields, check, action, sent, error, button})
//   fields  {name: element | {get, set}}
//   check(values)  -> a sentence (or {message, focus}) when the form is not ready to send
//   action(values) -> [type, fields] of the intention
//   sent(reply, values) after the server accepted it (the draft is gone by then)
// open(draftName, fallback) chooses the draft (e.g. "card:2"; null for none) and fills the
// fields from it, or from fallback() for the fields it lacks.
export class IntentForm {
  constructor({ room, send, form, fields, check = () => null, action, sent = () => {},
                error = form.querySelector("[role=alert]"), button = form.querySelector("[type=submit]") }) {
    Object.assign(this, { room, send, form, check, action, sent, error, button });
    this.fields = Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, accessor(f)]));
    this.intention = new Intention();
    this.draftName = undefined; // none chosen yet (null: chosen, and no draft)
    this.dirty = false; // changed since it was opened or sent
    this.limited = Object.values(fields).filter((f) => f instanceof HTMLElement && fieldLimit(f) > 0);
    this.counters = Object.entries(fields)
      .filter(([name, f]) => this.limited.includes(f) && form.querySelector(`[data-counts="${name}"]`))
      .map(([name, f]) => charCounter(f, form.querySelector(`[data-counts="${name}"]`)));
    form.addEventListener("input", () => this.changed());
    form.addEventListener("change", () => this.changed());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  values() {
    return Object.fromEntries(Object.entries(this.fields).map(([name, f]) => [name, f.get()]));
  }

  fill(values) {
    for (const [name, value] of Object.entries(values)) {
      if (this.fields[name] && value !== undefined) this.fields[name].set(value);
    }
    for (const update of this.counters) update();
  }

  open(draftName, fallback = () => ({})) {
    if (draftName === this.draftName) return;
    this.draftName = draftName;
    const kept = draftName === null ? null : drafts.get(this.room, draftName);
    this.dirty = Boolean(kept);
    this.fill({ ...fallback(), ...(kept && typeof kept === "object" ? kept : {}) });
  }

  // Something changed (typed here, or added from outside the form): keep it as the draft.
  changed() {
    this.dirty = true;
    showError(this.error, "");
    if (this.draftName !== null) drafts.set(this.room, this.draftName, this.values());
  }

  // A field over its limit (shown, not hidden: a hidden one is not sent), as a refusal.
  overLimit() {
    const field = this.limited.find((f) => !f.closest("[hidden]") && tooLong(f));
    return field ? { message: tooLong(field), focus: field } : null;
  }

  async submit() {
    const values = this.values();
    const problem = this.overLimit() || this.check(values);
    if (problem) {
      const { message, focus } = typeof problem === "string" ? { message: problem } : problem;
      showError(this.error, message);
      if (focus) focus.focus();
      return null;
    }
    const [type, fields] = this.action(values);
    const reply = await this.send(type, fields, { error: this.error, button: this.button, intention: this.intention });
    if (reply.ok) {
      this.dirty = false;
      if (this.draftName !== null) drafts.set(this.room, this.draftName, null);
      this.sent(reply, values);
    }
    return reply;
  }
}

// A `check` for forms whose field `name` must hold more than spaces.
export function filled(name, message) {
  return (values) => (String(values[name]).trim() ? null : message);
}

// The radio buttons called `name` in a form, as one field.
export function radioField(form, name) {
  const inputs = () => $$(`input[name="${name}"]`, form);
  return {
    get: () => (inputs().find((i) => i.checked) || { value: null }).value,
    set: (value) => { for (const input of inputs()) input.checked = input.value === value; },
  };
}
