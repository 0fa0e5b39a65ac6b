import type { JobData } from '../../ports/queue.js';

/**
 * What the writable dashboard (`dashboard.readOnly: false`) may change. bull-board does not know
 * who is clicking, so nothing it does can pass devbot's ACL, Confirm step or two-person approval,
 * or be audited under the right person: a retried failover runs again as its first requester, on
 * no one's say. bull-board's own switches do not help: every kind shares one queue, and
 * `allowRetries: false` only hides the button (the API still retries). So devbot reads each
 * writing request the way bull-board's Express router routes it, before it gets there:
 *
 * - refused: adding or duplicating a job, editing a job's data, retrying or promoting in bulk;
 * - retry and promote of one job: only for kinds that only read (a status report); any other job
 *   is run again with the Retry button on its message, which goes through the whole command path;
 * - allowed: pause / resume, clean and remove, delay and priority, schedulers, rate limits.
 *
 * Anything else that writes is refused: a new bull-board route stays closed until it is added here.
 */
export type DashboardWrite =
  | { kind: 'read' }
  | { kind: 'allowed' }
  | { kind: 'refused'; reason: string }
  | { kind: 'rerun'; action: 'retry' | 'promote'; queue: string; jobId: string };

/** Kinds that only read: running one again, as anyone, changes nothing and shows nothing new to anyone else. */
// The kinds marked `readsOnly` in src/jobs (the worker refuses to re-run any other finished job).
export const DASHBOARD_RERUNNABLE_KINDS: ReadonlySet<string> = new Set(['status', 'deployments', 'alerts-evaluate']);

const BULK = 'bulk retry and promote are off: retry one job at a time (only jobs that only read; others with the Retry button on their message in Slack)';
const NO_IDENTITY = 'the dashboard cannot tell who you are, so it cannot pass devbot\'s access rules, Confirm step or audit';

/** Routes that write, as path shapes (`:` a parameter) with the methods bull-board serves them on. */
const ALLOWED: ReadonlyArray<[method: string, shape: string]> = [
  ['PUT', 'api/queues/pause'],
  ['PUT', 'api/queues/resume'],
  ['PUT', 'api/queues/:/clean/:'],
  ['PUT', 'api/queues/:/pause'],
  ['PUT', 'api/queues/:/resume'],
  ['PUT', 'api/queues/:/empty'],
  ['PUT', 'api/queues/:/obliterate'],
  ['PUT', 'api/queues/:/concurrency'],
  ['PUT', 'api/queues/:/rate-limit'],
  ['PUT', 'api/queues/:/rate-limit/release'],
  ['PUT', 'api/queues/:/job-schedulers/:/remove'],
  ['PUT', 'api/queues/:/job-schedulers/:/run'],
  ['PATCH', 'api/queues/:/job-schedulers/:'],
  ['PUT', 'api/queues/:/:/clean'],
  ['PUT', 'api/queues/:/:/remove-unprocessed-children'],
  ['PATCH', 'api/queues/:/:/delay'],
  ['PATCH', 'api/queues/:/:/priority'],
  ['POST', 'api/metrics/history/purge'],
];

/** Express matches literal parts case-insensitively and parameters as any non-empty segment. */
function matches(segments: readonly string[], shape: string): boolean {
  const parts = shape.split('/');
  return parts.length === segments.length && parts.every((p, i) => (p === ':' ? segments[i] !== '' : p === segments[i]!.toLowerCase()));
}

/**
 * Classifies one request to the board. Reads raw path segments (split before decoding, as Express
 * does; no dot-segment folding) and tolerates one trailing slash, as Express's non-strict routing.
 */
export function classifyDashboardRequest(method: string | undefined, url: string | undefined): DashboardWrite {
  const verb = (method ?? 'GET').toUpperCase();
  if (verb === 'GET' || verb === 'HEAD') return { kind: 'read' };
  const raw = (url ?? '/').split('?')[0]!;
  if (!raw.startsWith('/')) return { kind: 'refused', reason: 'unexpected request target' };
  let segments: string[];
  try {
    segments = raw.slice(1).split('/').map((s) => decodeURIComponent(s));
  } catch {
    return { kind: 'refused', reason: 'malformed path' };
  }
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  // The dangerous routes first, in bull-board's order, so that no shape below can stand for them.
  if (verb === 'POST' && matches(segments, 'api/queues/:/add')) return { kind: 'refused', reason: `adding or duplicating jobs is off: ${NO_IDENTITY}; use /dev in Slack` };
  if (verb === 'PUT' && (matches(segments, 'api/queues/:/retry/:') || matches(segments, 'api/queues/:/promote'))) return { kind: 'refused', reason: BULK };
  if (verb === 'PUT' && matches(segments, 'api/queues/:/:/retry')) return { kind: 'rerun', action: 'retry', queue: segments[2]!, jobId: segments[3]! };
  if (verb === 'PUT' && matches(segments, 'api/queues/:/:/promote')) return { kind: 'rerun', action: 'promote', queue: segments[2]!, jobId: segments[3]! };
  if (verb === 'PATCH' && matches(segments, 'api/queues/:/:/update-data')) return { kind: 'refused', reason: `editing a job's data is off: it would change what runs, past devbot's checks` };
  if (ALLOWED.some(([m, shape]) => m === verb && matches(segments, shape))) return { kind: 'allowed' };
  return { kind: 'refused', reason: `${verb} ${raw} is not among the changes devbot's dashboard allows` };
}

/** Whether a stored job may be retried or promoted from the dashboard; the reason when not. */
export function rerunRefusal(action: 'retry' | 'promote', data: Partial<JobData> | undefined): string | undefined {
  const kind = typeof data?.kind === 'string' ? data.kind : undefined;
  if (kind !== undefined && DASHBOARD_RERUNNABLE_KINDS.has(kind) && data?.phase !== 'preview') return undefined;
  return (
    `${action} of a ${kind ?? 'job of unknown kind'} job is off on the dashboard: ${NO_IDENTITY}, and it would run as its first requester. ` +
    'Use the Retry button on the job\'s message in Slack (or run the command again), so that it goes through them under your name.'
  );
}
