// Small DOM helpers. Nothing that came from a person or the server is ever parsed as HTML:
// text goes in with textContent, and templates (html.js) make text nodes of their values.
import { t, tn } from "./i18n.js";

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

export function setText(el, text) {
  const value = text == null ? "" : String(text);
  if (el.textContent !== value) el.textContent = value;
}

export function show(el, visible) {
  if (el && el.hidden === Boolean(visible)) el.hidden = !visible;
}

// The one way to show (or, with "", clear) an error next to a control.
export function showError(el, text) {
  if (!el) return;
  setText(el, text || "");
  show(el, Boolean(text));
}

// The limit of a text field: its data-limit (the engine's limit; a longer text is kept and
// refused when sent, never cut), or else its maxlength. 0: no limit.
export function fieldLimit(field) {
  const soft = Number(field.dataset && field.dataset.limit);
  if (soft > 0) return soft;
  return field.maxLength > 0 ? field.maxLength : 0;
}

// How long a text is as the engine counts it: without the spaces around it, in code points
// (Python's len, so an emoji is one).
export function textLength(text) {
  return [...String(text).trim()].length;
}

// How many characters a field holds beyond its limit (0 when it fits).
export function overLimit(field) {
  const limit = fieldLimit(field);
  return limit ? Math.max(0, textLength(field.value) - limit) : 0;
}

// A counter "12/280" under a text field, marked near the limit; past it (a pasted text is
// never cut) it says how much to remove and the field is marked invalid. Returns the update,
// for when a script sets the field's value.
export function charCounter(field, counter) {
  const update = () => {
    const limit = fieldLimit(field);
    const used = textLength(field.value);
    const over = Math.max(0, used - limit);
    setText(counter, over
      ? tn("{used}/{limit}: remove {n} character", "{used}/{limit}: remove {n} characters", over, { used, limit })
      : `${used}/${limit}`);
    counter.classList.toggle("near-limit", used > limit * 0.9);
    counter.classList.toggle("over-limit", over > 0);
    if (over) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  };
  field.addEventListener("input", update);
  update();
  return update;
}

// The refusal for a field that holds too much, or null when it fits.
export function tooLong(field) {
  const over = overLimit(field);
  return over
    ? tn("Your text is {n} character too long. Make it shorter, then send it again.",
      "Your text is {n} characters too long. Make it shorter, then send it again.", over)
    : null;
}

// Run `work` with the button switched off, so a double click sends once. Switching off a
// focused button drops the focus to <body>; it is given back afterwards, so a keyboard or
// screen-reader user stays where they were.
export async function whileBusy(button, work) {
  if (!button) return work();
  const focused = document.activeElement === button;
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focused && lost && button.isConnected && !button.closest("[hidden]")) button.focus();
  }
}

// Copy a link to the clipboard and say how it went in `status`; where the browser will not,
// select `field` so the person can copy it themselves.
export async function copyText(text, status, field = null) {
  try {
    await navigator.clipboard.writeText(text);
    setText(status, t("Copied."));
  } catch {
    if (field) field.select();
    setText(status, t("Copying did not work. Select the link and copy it yourself."));
  }
}
