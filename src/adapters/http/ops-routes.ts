import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { withDeadline } from '../../with-deadline.js';

/** A readiness check: resolves when the dependency answers, rejects (with why) when it does not. */
export type ReadyCheck = () => Promise<void>;

export interface OpsRoutesOptions {
  checks: { redis: ReadyCheck; slack?: ReadyCheck };
  metrics: { render(): Promise<string>; contentType: string };
  /** Deadline of each readiness check (default 1 s); /readyz never waits longer than this. */
  checkTimeoutMs?: number;
  /** Where a failing check's reason goes: the probe's answer names the check, never the upstream's words. */
  log?: Logger;
}

/** `GET /healthz`: the process answers. Harmless anywhere, so also on the Slack port (load balancers). */
export function createHealthRoute(): CustomRoute {
  return { path: '/healthz', method: 'GET', handler: (_req, res) => send(res, 200, 'text/plain; charset=utf-8', 'ok') };
}

/**
 * `GET /healthz`, `GET /readyz` (every check passed within its deadline: 200
 * `{"redis":"ok","slack":"ok"}`, else 503 with the failing ones as `"failing"`; why is logged,
 * not answered) and `GET /metrics` (Prometheus text). Plain `(req, res)` handlers, for
 * startRoutesServer: the ops port, loopback by default, never the public Slack port.
 */
export function createOpsRoutes(opts: OpsRoutesOptions): CustomRoute[] {
  const timeoutMs = opts.checkTimeoutMs ?? 1000;
  const checks = Object.entries(opts.checks).filter((e): e is [string, ReadyCheck] => e[1] !== undefined);
  return [
    createHealthRoute(),
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        void runChecks(checks, timeoutMs).then(({ ready, body, errors }) => {
          for (const [check, err] of Object.entries(errors)) opts.log?.warn({ check, err }, 'readiness check failing');
          send(res, ready ? 200 : 503, 'application/json', JSON.stringify(body));
        });
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: (_req, res) => {
        opts.metrics.render().then(
          (text) => send(res, 200, opts.metrics.contentType, text),
          (err: unknown) => {
            opts.log?.error({ err }, 'rendering /metrics failed');
            send(res, 500, 'text/plain; charset=utf-8', 'metrics failed');
          },
        );
      },
    },
  ];
}

/** Remembers a passing check for `ttlMs`, so frequent probes do not each call Slack. Failures are not remembered. */
export function rememberSuccess(check: ReadyCheck, ttlMs: number, now: () => number = Date.now): ReadyCheck {
  let passedAt = -Infinity;
  return async () => {
    if (now() - passedAt < ttlMs) return;
    await check();
    passedAt = now();
  };
}

type Verdict = { ready: boolean; body: Record<string, 'ok' | 'failing'>; errors: Record<string, unknown> };

async function runChecks(checks: Array<[string, ReadyCheck]>, timeoutMs: number): Promise<Verdict> {
  const results = await Promise.all(
    checks.map(async ([name, check]) => {
      try {
        // check() inside the try: a check that throws synchronously is a failure, not a crash.
        await withDeadline(Promise.resolve().then(check), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
        return [name, undefined] as const;
      } catch (err) {
        return [name, err ?? new Error('failed')] as const;
      }
    }),
  );
  const body: Verdict['body'] = {};
  const errors: Verdict['errors'] = {};
  for (const [name, error] of results) {
    body[name] = error === undefined ? 'ok' : 'failing';
    if (error !== undefined) errors[name] = error;
  }
  return { ready: Object.keys(errors).length === 0, body, errors };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}
