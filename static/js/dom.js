// Building the page. Everything goes through createElement and textContent: nothing that
// came from a person or the server is ever parsed as HTML.

const SVG = "http://www.w3.org/2000/svg";

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

// h("button", {class: "x", type: "button", onclick: fn, dataset: {id: 1}}, "text", child)
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

export function setProps(el, props) {
  if (!props) return el;
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "hidden" || name === "disabled" || name === "checked" ||
               name === "required" || name === "value" || name === "selected") {
      el[name] = value;
    } else el.setAttribute(name, value === true ? "" : String(value));
  }
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function setText(el, text) {
  const value = text == null ? "" : String(text);
  if (el.textContent !== value) el.textContent = value;
}

export function show(el, visible) {
  if (el && el.hidden === Boolean(visible)) el.hidden = !visible;
}

export function svgIcon(pathData, className = "icon") {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", className);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", pathData);
  svg.append(path);
  return svg;
}

// Keep a list's children in step with `items`, reusing the element of each key so that
// focus, open editors and typed text survive an update. create(item) makes an element;
// update(el, item) brings it up to date.
export function keyed(container, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of Array.from(container.children)) {
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  }
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    let el = existing.get(key);
    if (el) existing.delete(key);
    else {
      el = create(item);
      el.dataset.key = key;
    }
    update(el, item);
    const wanted = previous ? previous.nextSibling : container.firstChild;
    if (el !== wanted) container.insertBefore(el, wanted);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
}

// A counter "12/280" under a text field, also announced to screen readers near the limit.
export function charCounter(field, counter, max) {
  const update = () => {
    const used = field.value.length;
    setText(counter, `${used}/${max}`);
    counter.classList.toggle("near-limit", used > max * 0.9);
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
