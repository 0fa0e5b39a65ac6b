import type { AlertState } from '../ports/alert-store.js';

/**
 * One thing devbot may do by itself about an alert (`alerts.rules.<rule>.remediate.action`). An
 * action is the `/dev` command a person would type: the engine runs that command's job under
 * `devbot (auto)`, with the command's own lock, so what it does is exactly what the button does.
 * A new action is one `<name>.action.ts` and one line in actions/index.ts.
 */
export interface RemediationAction {
  /** The name config uses: `remediate: { action: restart }`. */
  name: string;
  /** How the announcement names it: "Restart unit". */
  label: string;
  /** The alert rules it can fix; config refuses it for any other. */
  rules: readonly string[];
  /** The command text (without `/dev`, with `--env`) that fixes this alert, or undefined when the alert lacks what it needs. */
  commandFor(alert: AlertState): string | undefined;
}
