// The three roles: each has a colour, an icon and a word, and is never shown by colour alone.
import { h, svgIcon } from "./dom.js";
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

export function roleIcon(role) {
  return svgIcon(ICONS[role] || "M12 4a8 8 0 1 0 0 16 8 8 0 0 0 0-16z", `icon role-icon`);
}

// <span class="role-badge role-inwoner"><svg/> Inwoner</span>
export function roleBadge(role, { big = false } = {}) {
  const known = ROLES.includes(role);
  return h("span", { class: `role-badge ${known ? "role-" + role : "role-none"}${big ? " big" : ""}`,
                     dataset: { role: role || "" } },
    roleIcon(role), h("span", { class: "role-word", text: roleName(role) }));
}
