import type { Etcd3, Watcher } from 'etcd3';
import type { Logger } from '../../log.js';
import type { MemberStreamChange } from '../../ports/cluster.js';
import { createProbeClient } from './probe-client.js';

/** Never written: what matters is the stream, which breaks the moment its member dies. */
const KEY = 'devbot/alerts/member-stream';
/** How soon a broken stream is tried again, and a cancelled watch made anew. */
const RETRY_MS = 250;

/**
 * One watch stream per member, each on a client of its own. A killed member resets its TCP
 * connections, so its stream breaks at once ('lost'); once it listens again the stream comes back
 * ('back'). Only transitions are told (etcd3 says "disconnected" again on every failed retry).
 * A member that hangs without closing its sockets (SIGSTOP, a partition) breaks no stream: the
 * evaluation tick and the probe deadline cover that case.
 */
export function watchMemberStreams(endpoints: string[], onChange: (change: MemberStreamChange) => void, log: Logger): { close(): void } {
  const closers = endpoints.map((endpoint) => watchOne(endpoint, (event) => onChange({ endpoint, event }), log));
  return { close: () => closers.forEach((close) => close()) };
}

function watchOne(endpoint: string, tell: (event: MemberStreamChange['event']) => void, log: Logger): () => void {
  const client: Etcd3 = createProbeClient(endpoint, {}, { watchRetryMs: RETRY_MS });
  let up: boolean | undefined; // unknown until the first answer; a first "up" is no change
  let watcher: Watcher | undefined;
  let again: NodeJS.Timeout | undefined;
  let closed = false;
  const seen = (now: boolean) => {
    const was = up;
    up = now;
    if (was !== now && (was !== undefined || !now)) tell(now ? 'back' : 'lost');
  };
  const start = () => {
    if (closed) return;
    const w = client.watch().key(KEY).watcher();
    watcher = w;
    w.on('connected', () => seen(true));
    w.on('disconnected', () => seen(false));
    // Cancelled by etcd (its start revision compacted away after a long outage, say): start afresh.
    w.on('error', (err) => {
      log.debug({ endpoint, err }, 'member stream cancelled; watching again');
      quiet(w);
      w.cancel().catch(() => undefined);
      again = setTimeout(start, RETRY_MS);
      again.unref();
    });
  };
  start();
  return () => {
    closed = true;
    clearTimeout(again);
    if (watcher) quiet(watcher);
    watcher?.cancel().catch(() => undefined);
    client.close();
  };
}

/** Stops listening; an 'error' emitted without a listener would throw inside etcd3 and end the process. */
function quiet(w: Watcher): void {
  w.removeAllListeners();
  w.on('error', () => {});
}
