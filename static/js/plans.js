// The start page's session plans (issue 10): 60, 90 or 120 minutes, each with its steps
// (welcome, the case, four rounds with reflections, the vote, the debrief) and the whole
// session's length. The chosen plan goes with "Create the game" and sets the console's
// suggested timer per step. One hook for start.js: `showPlans(reply)` and `chosenPlan()`.
import { $ } from "./dom.js";
import { html, render } from "./html.js";
import { t, tn } from "./i18n.js";

export function showPlans(reply) {
  const box = $("#plan-list");
  if (!box || !Array.isArray(reply.plans)) return;
  const chosen = reply.default_plan;
  render(reply.plans.map((plan) => html`<label class="choice">
    <input type="radio" name="plan" value=${plan.minutes} ?checked=${plan.minutes === chosen} data-testid="plan-${plan.minutes}">
    <span class="choice-body">
      <strong class="choice-title">${tn("A session of {n} minute", "A session of {n} minutes", plan.minutes)}</strong>
      <details class="choice-text"><summary>${t("The steps")}</summary>
        <ol class="plan-steps">${plan.steps.map((step) => html`<li>${step.title}: ${tn("{n} minute", "{n} minutes", step.minutes)}</li>`)}</ol>
      </details>
    </span></label>`), box);
}

// The minutes of the chosen plan (0 when the page shows none).
export function chosenPlan() {
  const input = document.querySelector("input[name=plan]:checked");
  return input ? Number(input.value) : 0;
}

// The suggested timer (minutes) for the step the game is in: the room's plan, else the
// scenario's minutes for the round's play (null when there is none).
export function suggestedMinutes(pub, spec) {
  const planned = ((pub.plan && pub.plan.timers) || {})[`${pub.round}-${pub.phase}`];
  if (planned) return Math.round(planned / 60);
  return spec && pub.phase === "play" ? spec.minutes : null;
}
