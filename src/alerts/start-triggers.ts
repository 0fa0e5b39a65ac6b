import type { Deps } from '../deps.js';
import { evaluateUnlessRunning } from '../jobs/alerts-evaluate.job.js';

/** After a member stream changes: evaluate now, then this often… */
const EVERY_MS = 250;
/** …for this long: an election (1 s timeout in the local cluster) and a restarted member's rejoin fit in it. */
const BURST_MS = 5_000;

/**
 * Event-driven alert evaluation, beside the job scheduler's tick. Every worker holds a stream open
 * to each etcd member (Cluster.watchMembers); when one breaks or comes back, the worker evaluates
 * at once and every 250 ms for 5 s, so quorum lost (and regained) is posted in well under a tick.
 * The evaluation lock keeps these and the ticks from overlapping across workers. The tick stays
 * the backstop: a member that hangs without closing its connections breaks no stream.
 */
export function startAlertTriggers(deps: Deps): { stop(): Promise<void> } {
  if (!deps.config.alerts.enabled) return { stop: async () => {} };
  const log = deps.log.child({ component: 'alert-triggers' });
  let until = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let runs = 0;
  let stopped = false;
  let current: Promise<void> | undefined;
  const evaluate = async (): Promise<void> => {
    if (stopped) return;
    if (running) return void (again = true); // the change came after that evaluation's probe began
    running = true;
    try {
      await (current = evaluateUnlessRunning(deps, `alerts-now-${process.pid}-${++runs}`, log).then(() => undefined));
    } catch (err) {
      log.warn({ err }, 'alert evaluation after a member stream change failed; the tick tries again');
    } finally {
      running = false;
      if (again) {
        again = false;
        void evaluate();
      }
    }
  };
  const burst = () => {
    until = Date.now() + BURST_MS;
    void evaluate();
    timer ??= setInterval(() => {
      if (Date.now() <= until) return void evaluate();
      clearInterval(timer);
      timer = undefined;
    }, EVERY_MS);
  };
  const streams = Object.keys(deps.config.environments).flatMap((environment) => {
    const cluster = deps.clusterFor(environment);
    if (!cluster.watchMembers) return [];
    return [cluster.watchMembers((change) => {
      log.info({ environment, ...change }, 'etcd member stream changed; evaluating alerts now');
      burst();
    })];
  });
  return {
    /** Ends the streams and waits for an evaluation in hand (shutdown closes its connections next). */
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const s of streams) s.close();
      await current?.catch(() => undefined);
    },
  };
}
