import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Queue } from 'bullmq';
import { ConfigError } from '../../errors.js';
import { connectRedis } from '../redis/connect-redis.js';
import type { DashboardConfig } from '../../config/ops-schema.js';
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
 * so it is never exposed wherever `/slack/events` is. Throws ConfigError when enabled without
 * credentials or when the port is taken.
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
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: dashboard.readOnly })), serverAdapter });
  const board = serverAdapter.getRouter() as RequestListener;
  const handler: RequestListener = (req, res) => {
    if (!authorized(req, user, password)) return refuse(res);
    board(req, res);
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
