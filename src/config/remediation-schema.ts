import { z } from 'zod';
import { REMEDIATION_ACTIONS } from '../remediation/actions/index.js';

/** `90s`, `5m`, `1h`, `500ms` → milliseconds. */
const DURATION = /^([0-9]{1,6})(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export const durationMs = (field: string) =>
  z
    .string({ message: `${field} is a duration such as 30s, 5m or 1h` })
    .regex(DURATION, { message: `${field} is a duration such as 30s, 5m or 1h (a number, then ms, s, m or h)` })
    .transform((d) => {
      const [, n, unit] = DURATION.exec(d)!;
      return Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
    });

const actionNames = REMEDIATION_ACTIONS.map((a) => a.name);

/**
 * `alerts.rules.<rule>.remediate`: what devbot does by itself once the alert has fired for `after`,
 * announced in the alert's thread `grace` before it acts (Cancel stops it). Off unless given.
 */
export const remediateSchema = z
  .object({
    action: z.string().refine((a) => actionNames.includes(a), { message: `action must be one of: ${actionNames.join(', ')}` }),
    after: durationMs('after').default(5 * 60_000),
    grace: durationMs('grace').default(60_000),
  })
  .strict();

/** Which rules each action can fix; a rule's `remediate.action` must be one of these for it. */
export function remediationProblems(rules: Record<string, { remediate?: { action: string } }>): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  for (const [rule, settings] of Object.entries(rules)) {
    const action = REMEDIATION_ACTIONS.find((a) => a.name === settings.remediate?.action);
    if (!action || action.rules.includes(rule)) continue;
    const fitting = REMEDIATION_ACTIONS.filter((a) => a.rules.includes(rule)).map((a) => a.name);
    problems.push({
      path: ['rules', rule, 'remediate', 'action'],
      message: `'${action.name}' does not fix ${rule} (it fixes ${action.rules.join(', ')}); ${fitting.length ? `for ${rule} use ${fitting.join(' or ')}` : `${rule} has no automatic action`}`,
    });
  }
  return problems;
}

/** `alerts.remediation`: the limits every automatic action obeys, per environment. */
export const remediationLimitsSchema = z
  .object({
    /** Automatic actions started per environment in any hour; further ones wait (and say so). */
    maxPerHour: z.number({ message: 'maxPerHour is a whole number of actions per hour' }).int().min(1).default(2),
    /** Per-environment overrides: `environments: { prod: { maxPerHour: 1 } }`. */
    environments: z.record(z.string(), z.object({ maxPerHour: z.number().int().min(1) }).strict()).default({}),
  })
  .strict()
  .default({ maxPerHour: 2, environments: {} });

export type RemediateSettings = z.infer<typeof remediateSchema>;
export type RemediationLimits = z.infer<typeof remediationLimitsSchema>;
