import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Queue } from 'bullmq';
import { ConfigError } from '../../errors.js';
import { connectRedis } from '../redis/connect-redis.js';
import type { DashboardConfig } from '../../config/ops-schema.js';
import type { JobData } from '../../ports/queue.js';
import { classifyDashboardRequest, rerunRefusal } from './dashboard-guard.js';
import { listen, type RunningServer } from './routes-server.js';

export interface DashboardOptions {
  dashboard: DashboardConfig;
  redis: { url: string; prefix: string; commandTimeoutMs: number };
  /** BullMQ queues to show (jobs.queue, and later the watcher's). */
  queueNames: string[];
}

const REALM = 'Basic realm="devbot dashboard", charset="UTF-8"';

/**
 * bull-board on its own small server (dashboard.host:port), every request behind HTTP basic auth.
 * Returns undefined, and opens nothing, unless the dashboard is enabled. Kept off the Slack port
 * so it is never exposed wherever `/slack/events` is. Writing requests pass dashboard-guard.ts
 * first: bull-board cannot know who clicks, so nothing that would run a job past devbot's ACL,
 * Confirm step and audit gets through. Throws ConfigError when enabled without credentials or when
 * the port is taken.
 */
export async function startDashboard(opts: DashboardOptions): Promise<RunningServer | undefined> {
  const { dashboard } = opts;
  if (!dashboard.enabled) return undefined;
  const { user, password } = dashboard;
  if (!user || !password) throw new ConfigError('The dashboard is enabled without credentials.', ['dashboard.user / DEVBOT_DASHBOARD_PASSWORD: set both']);
  // Loaded only when enabled: bull-board and its UI add about a third of a second to startup.
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const connection = connectRedis(opts.redis.url, 'producer', { commandTimeoutMs: opts.redis.commandTimeoutMs });
  const queues = opts.queueNames.map((name) => new Queue(name, { connection, prefix: opts.redis.prefix }));
  for (const q of queues) q.on('error', () => {}); // shown on the page that failed instead
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/');
  // No Retry buttons: a job that changes something is retried with the Retry button in Slack.
  // (Hiding them is all `allowRetries` does; the API is guarded below.)
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: dashboard.readOnly, allowRetries: false })), serverAdapter });
  const board = serverAdapter.getRouter() as RequestListener;
  const handler: RequestListener = (req, res) => {
    if (!authorized(req, user, password)) return refuse(res);
    void guard(req, res, queues).then((pass) => pass && board(req, res), () => answer(res, 503, 'devbot could not check the job (Redis unreachable?)'));
  };
  let server: RunningServer;
  try {
    server = await listen(handler, { port: dashboard.port, host: dashboard.host, what: 'the job dashboard' });
  } catch (e) {
    await Promise.allSettled(queues.map((q) => q.close()));
    connection.disconnect();
    throw e;
  }
  return {
    port: server.port,
    async close() {
      await server.close();
      await Promise.allSettled(queues.map((q) => q.close()));
      connection.disconnect();
    },
  };
}

/** Whether bull-board may serve the request; otherwise it has been answered (403 / 404, saying why). */
async function guard(req: IncomingMessage, res: ServerResponse, queues: Queue[]): Promise<boolean> {
  const write = classifyDashboardRequest(req.method, req.url);
  if (write.kind === 'read' || write.kind === 'allowed') return true;
  if (write.kind === 'refused') return answer(res, 403, write.reason);
  const job = await queues.find((q) => q.name === write.queue)?.getJob(write.jobId);
  if (!job) return answer(res, 404, `no job ${write.jobId} in queue ${write.queue}`);
  const refusal = rerunRefusal(write.action, job.data as Partial<JobData>);
  return refusal ? answer(res, 403, refusal) : true;
}

/** A refusal in bull-board's error shape (its UI shows `message`); always false, for `return answer(…)`. */
function answer(res: ServerResponse, status: number, message: string): false {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify({ error: { key: 'ERRORS.DEVBOT_REFUSED' }, message }));
  return false;
}

/** Whether the request carries `Authorization: Basic` with this user and password, compared in constant time. */
export function authorized(req: IncomingMessage, user: string, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both compared every time (no short-circuit), so timing tells nothing about which one was wrong.
  const userOk = sameSecret(decoded.slice(0, colon), user);
  const passwordOk = sameSecret(decoded.slice(colon + 1), password);
  return userOk && passwordOk;
}

/** Hashing first gives equal lengths, which timingSafeEqual needs, without revealing the length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function refuse(res: ServerResponse): void {
  res.writeHead(401, { 'www-authenticate': REALM, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('authentication required');
}
