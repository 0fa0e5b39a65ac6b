import { z } from 'zod';
import { remediateSchema, remediationLimitsSchema, remediationProblems } from './remediation-schema.js';

const severity = z.enum(['critical', 'warning', 'info']);

/** Per-rule settings; anything left out takes the rule's own default. */
const ruleSettings = z
  .object({
    enabled: z.boolean().optional(),
    severity: severity.optional(),
    /** The condition must hold this long before the alert fires (hysteresis). */
    forMs: z.number().int().min(0).optional(),
    /** Channel names (from `channels:`) or Slack ids; default `alerts.channels`. */
    channels: z.array(z.string().min(1)).optional(),
    runbook: z.string().url().optional(),
    /** Opt-in auto-remediation for this rule (see remediation-schema.ts). */
    remediate: remediateSchema.optional(),
  })
  .strict();

/** `alerts:` — the watcher that posts the cluster's failures unasked, and resolves them in place. */
export const alertsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** How often the rules are evaluated (one evaluation at a time, whatever the number of workers). */
    intervalMs: z.number().int().min(250).default(2000),
    /** A re-fire within this long of resolving updates the same message and counts a flap. */
    repeatMs: z.number().int().min(0).default(10 * 60_000),
    /** Where alerts go unless a rule says otherwise. */
    channels: z.array(z.string().min(1)).default([]),
    rules: z.record(z.string(), ruleSettings).default({}),
    /** Limits on automatic actions (per environment). */
    remediation: remediationLimitsSchema,
  })
  .strict()
  .superRefine((a, ctx) => remediationProblems(a.rules).forEach((p) => ctx.addIssue({ code: 'custom', ...p })))
  .default({ enabled: true, intervalMs: 2000, repeatMs: 10 * 60_000, channels: [], rules: {}, remediation: { maxPerHour: 2, environments: {} } });

export type AlertsConfig = z.infer<typeof alertsSchema>;
export type AlertSeverity = z.infer<typeof severity>;
