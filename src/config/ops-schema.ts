import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/**
 * `ops:` — /healthz, /readyz and /metrics on a server of their own, never on the public Slack port:
 * `devbot serve` on `servePort`, `devbot worker` on `workerPort` (0 = any free port), both bound
 * to `host`, loopback unless you open it (Prometheus on another machine: a proxy, or `0.0.0.0`).
 */
export const opsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    servePort: port.default(9465),
    workerPort: port.default(9464),
  })
  .strict()
  .default({ host: '127.0.0.1', servePort: 9465, workerPort: 9464 });

/**
 * `dashboard:` — bull-board on a port of its own behind HTTP basic auth, off unless `enabled`.
 * It listens on loopback by default: put it behind a proxy or a tunnel rather than open it wide.
 * `password` comes from DEVBOT_DASHBOARD_PASSWORD only.
 */
export const dashboardSchema = z
  .object({
    enabled: z.boolean().default(false),
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(3001),
    user: z.string().min(1, 'name the dashboard user').optional(),
    password: z.string().optional(),
    /** Look, do not touch: no retry, clean, promote or remove from the dashboard. */
    readOnly: z.boolean().default(true),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (!d.enabled) return;
    if (!d.user) ctx.addIssue({ code: 'custom', path: ['user'], message: 'set dashboard.user (or DEVBOT_DASHBOARD_USER) when the dashboard is enabled' });
    if (!d.password || d.password.length < 12) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'set DEVBOT_DASHBOARD_PASSWORD (12 characters or more) when the dashboard is enabled' });
    }
  })
  .default({ enabled: false, host: '127.0.0.1', port: 3001, readOnly: true });

export type OpsConfig = z.infer<typeof opsSchema>;
export type DashboardConfig = z.infer<typeof dashboardSchema>;
