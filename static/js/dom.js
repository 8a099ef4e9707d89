// Small DOM helpers. Nothing that came from a person or the server is ever parsed as HTML:
// text goes in with textContent, and templates (html.js) make text nodes of their values.
import { t } from "./i18n.js";

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

// A counter "12/280" under a text field (the limit is the field's maxlength), marked near
// the limit. Returns the update, for when a script sets the field's value.
export function charCounter(field, counter) {
  const update = () => {
    const used = field.value.length;
    setText(counter, `${used}/${field.maxLength}`);
    counter.classList.toggle("near-limit", used > field.maxLength * 0.9);
  };
  field.addEventListener("input", update);
  update();
  return update;
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
