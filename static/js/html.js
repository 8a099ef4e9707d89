// The rendering library, in one place: lit-html (static/vendor/README.md says why and where
// from). A template's ${values} become text nodes, attribute values or properties, never
// markup; the raw-HTML directives are not vendored, and tests/unit/test_pages.py bans them.
export { html, nothing, render } from "../vendor/lit-html-3.3.3/lit-html.js";
export { live } from "../vendor/lit-html-3.3.3/directives/live.js";
export { repeat } from "../vendor/lit-html-3.3.3/directives/repeat.js";
