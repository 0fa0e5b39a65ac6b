import type { Deps } from '../deps.js';
import { withDeadline } from '../with-deadline.js';
import type { Snapshot } from './rule.js';

/** Probes one environment for the rules: etcd health and every database's election, each with a deadline. */
export async function collectSnapshot(environment: string, deps: Pick<Deps, 'config' | 'clusterFor' | 'electionsFor' | 'now'>): Promise<Snapshot> {
  const config = deps.config.environments[environment]!;
  const elections = deps.electionsFor(environment);
  const [etcd, databases] = await Promise.all([
    deps.clusterFor(environment).health({ deadlineMs: 1000 }),
    Promise.all(
      Object.entries(config.databases).map(async ([name, db]) => {
        const read = withDeadline(elections.read(db.electionPrefix), 1500, () => new Error('no answer within 1.5 s'));
        return [name, await read.then((view) => ({ view }), (e: unknown) => ({ error: (e as Error).message }))] as const;
      }),
    ),
  ]);
  return { environment, config, at: deps.now(), etcd, databases: Object.fromEntries(databases) };
}
