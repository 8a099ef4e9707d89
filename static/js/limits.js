// The engine's limits (game/engine/state.py), as the page carries them in its JSON block
// #rw-limits: {name, card, condition, reflection, proposal, reason, conditions}. Fields that
// the templates make carry them as maxlength already; this is for fields a script makes.
const node = document.getElementById("rw-limits");

export const LIMITS = Object.freeze(node ? JSON.parse(node.textContent || "{}") : {});
