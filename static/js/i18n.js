// Translations for the scripts. The page carries them as JSON (#rw-i18n), made from the same
// .po files as the templates; `t("...")` and `tn("...", "...", n)` calls are extracted by
// `python -m game.web.i18n`. Placeholders are {name}. Always call t() with a literal string.

const node = document.getElementById("rw-i18n");
const catalogue = node ? JSON.parse(node.textContent || "{}") : {};

export const lang = document.documentElement.lang === "en" ? "en" : "nl";

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

export function t(msgid, params) {
  const found = catalogue[msgid];
  return fill(typeof found === "string" && found ? found : msgid, params);
}

export function tn(singular, plural, n, params) {
  const forms = catalogue[singular];
  const index = n === 1 ? 0 : 1; // Dutch and English: one form for 1, one for the rest
  const text = Array.isArray(forms) && forms[index] ? forms[index] : (n === 1 ? singular : plural);
  return fill(text, { n, ...params });
}

// A text from a scenario comes in both languages: {nl: "...", en: "..."}.
export function pick(text) {
  if (text == null) return "";
  if (typeof text === "string") return text;
  return text[lang] || text.nl || "";
}
