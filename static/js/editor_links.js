// The start page's links into the case editor (issue 10): "Kopieer en pas aan" for every
// case, and a notice for a case without English.
import { html, nothing } from "./html.js";
import { lang, t } from "./i18n.js";

export function caseLinks(scenario) {
  const dutchOnly = lang === "en" && Array.isArray(scenario.languages) && !scenario.languages.includes("en");
  return html`<p class="choice-links">
    <a href="/scenarios/new?from=${encodeURIComponent(scenario.id)}" data-testid="copy-case-${scenario.id}"
      aria-label=${t("Copy and change: {title}", { title: scenario.title })}>${t("Copy and change")}</a>
    ${dutchOnly ? html`<span class="hint" data-testid="dutch-only-${scenario.id}">${t("This case plays in Dutch.")}</span>` : nothing}
  </p>`;
}
