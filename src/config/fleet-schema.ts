import { z } from 'zod';

/**
 * `environments.<env>.fleet`: where that environment's fleet API answers, where its service
 * catalog lives, and how patiently deploys wait. Absent: deploy, rollback, units and the units
 * part of /dev status are off for that environment.
 */
export const fleetSchema = z
  .object({
    /** fleet's API root, e.g. http://10.0.1.10:49153 (devbot adds /fleet/v1). */
    url: z.string().url('give the fleet API URL, e.g. http://10.0.1.10:49153'),
    /** The service catalog (YAML), relative to devbot's working directory. */
    catalog: z.string().min(1).default('config/services.yaml'),
    /** Deadline of each call to fleet. */
    requestTimeoutMs: z.number().int().positive().default(2000),
    /** How often unit states are read while waiting for a change. */
    pollMs: z.number().int().positive().default(1000),
    /** A unit not placed on a machine this long after it was submitted fails the deploy (no machine fits). */
    scheduleTimeoutMs: z.number().int().positive().default(30_000),
    /** A unit not active this long after it was launched fails the deploy. */
    startTimeoutMs: z.number().int().positive().default(5 * 60_000),
    /** `/dev converge`: how many services it rolls out at once (each one instance at a time). */
    convergeParallelism: z.number().int().min(1).max(32).default(4),
    /** `/dev converge`: how long it waits for a service's lock held by a deploy before it gives that service up. */
    convergeLockWaitMs: z.number().int().min(0).default(60_000),
    /** etcd prefix of the deployment history (in this environment's etcd). */
    historyPrefix: z.string().min(1).regex(/^[^/].*[^/]$|^[^/]$/, 'write the prefix without leading or trailing /').default('devbot/deployments'),
  })
  .strict();

export type FleetConfig = z.infer<typeof fleetSchema>;
