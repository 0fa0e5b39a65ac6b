import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { withDeadline } from '../../with-deadline.js';

/** A readiness check: resolves when the dependency answers, rejects (with why) when it does not. */
export type ReadyCheck = () => Promise<void>;

export interface OpsRoutesOptions {
  checks: { redis: ReadyCheck; slack?: ReadyCheck };
  metrics: { render(): Promise<string>; contentType: string };
  /** Deadline of each readiness check (default 1 s); /readyz never waits longer than this. */
  checkTimeoutMs?: number;
}

/**
 * `GET /healthz` (the process answers), `GET /readyz` (every check passed within its deadline:
 * 200 `{"redis":"ok","slack":"ok"}`, else 503 with `"failed"` and the reason under `errors`) and
 * `GET /metrics` (Prometheus text). Plain `(req, res)` handlers: Bolt customRoutes, or
 * startRoutesServer where there is no Slack receiver (the worker).
 */
export function createOpsRoutes(opts: OpsRoutesOptions): CustomRoute[] {
  const timeoutMs = opts.checkTimeoutMs ?? 1000;
  const checks = Object.entries(opts.checks).filter((e): e is [string, ReadyCheck] => e[1] !== undefined);
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => send(res, 200, 'text/plain; charset=utf-8', 'ok') },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        void runChecks(checks, timeoutMs).then(({ ready, body }) => send(res, ready ? 200 : 503, 'application/json', JSON.stringify(body)));
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: (_req, res) => {
        opts.metrics.render().then(
          (text) => send(res, 200, opts.metrics.contentType, text),
          (err: unknown) => send(res, 500, 'text/plain; charset=utf-8', `metrics failed: ${reason(err)}`),
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

type Verdict = { ready: boolean; body: Record<string, unknown> };

async function runChecks(checks: Array<[string, ReadyCheck]>, timeoutMs: number): Promise<Verdict> {
  const results = await Promise.all(
    checks.map(async ([name, check]) => {
      try {
        // check() inside the try: a check that throws synchronously is a failure, not a crash.
        await withDeadline(Promise.resolve().then(check), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
        return [name, undefined] as const;
      } catch (err) {
        return [name, reason(err)] as const;
      }
    }),
  );
  const body: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, error] of results) {
    body[name] = error === undefined ? 'ok' : 'failed';
    if (error !== undefined) errors[name] = error;
  }
  const ready = Object.keys(errors).length === 0;
  return { ready, body: ready ? body : { ...body, errors } };
}

function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}
