// The three roles: each has a colour, an icon and a word, and is never shown by colour alone.
import { html } from "./html.js";
import { t } from "./i18n.js";

const ICONS = {
  // a house
  inwoner: "M12 3 2 11.5h3V21h5.5v-6h3v6H19v-9.5h3z",
  // a town hall with columns
  raadslid: "M12 2 2 7v2h20V7zM4 10v8h2.5v-8zm4.5 0v8H11v-8zm4.5 0v8h2.5v-8zm4.5 0v8H20v-8zM2 19v3h20v-3z",
  // a folder with papers
  ambtenaar: "M4 4h6l2 2h8v3H4zm-1 6h18l-1.5 10h-15z",
};

export const ROLES = ["inwoner", "raadslid", "ambtenaar"];

export function roleName(role) {
  if (role === "inwoner") return t("Resident");
  if (role === "raadslid") return t("Council member");
  if (role === "ambtenaar") return t("Civil servant");
  return t("No role yet");
}

// A small icon drawn inline (no emoji: not every device has an emoji font).
export function icon(pathData, className = "icon") {
  return html`<svg class=${className} viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d=${pathData}></path></svg>`;
}

// <span class="role-badge role-inwoner" data-role="inwoner"><svg/> Inwoner</span>
export function roleBadge(role, { big = false } = {}) {
  const known = ROLES.includes(role);
  return html`<span class="role-badge ${known ? `role-${role}` : "role-none"}${big ? " big" : ""}" data-role=${role || ""}>${icon(ICONS[role] || "M12 4a8 8 0 1 0 0 16 8 8 0 0 0 0-16z", "icon role-icon")}<span class="role-word">${roleName(role)}</span></span>`;
}
