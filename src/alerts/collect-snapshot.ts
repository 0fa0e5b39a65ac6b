import { stackNameOf } from '../config/aws-schema.js';
import type { Deps } from '../deps.js';
import { catalogUnits } from '../units/catalog-drift.js';
import { loadCatalog } from '../units/load-catalog.js';
import { withDeadline } from '../with-deadline.js';
import type { Snapshot } from './rule.js';

/** Probes one environment for the rules: etcd health and every database's election, each with a deadline. */
export async function collectSnapshot(environment: string, deps: Pick<Deps, 'config' | 'clusterFor' | 'electionsFor' | 'schedulerFor' | 'groupsFor' | 'now' | 'backupsFor' | 'backupAttempts'>): Promise<Snapshot> {
  const config = deps.config.environments[environment]!;
  const elections = deps.electionsFor(environment);
  // Parts that are not configured, or do not answer in time, are left out: their rules stay quiet.
  const optional = <T>(configured: unknown, read: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> => {
    if (!configured) return Promise.resolve(undefined);
    const controller = new AbortController();
    return withDeadline(read(controller.signal), 1500, () => new Error('no answer within 1.5 s')).catch(() => {
      controller.abort();
      return undefined;
    });
  };
  const health = deps.clusterFor(environment).health({ deadlineMs: 1000 });
  // Without quorum no election read can answer: the quorum alert must not wait out their deadline.
  const never = new Promise<never>(() => undefined);
  const quorumLost = health.then((h) => (h.hasQuorum ? never : Promise.reject(new Error('etcd has no quorum'))), () => never);
  quorumLost.catch(() => undefined);
  const [etcd, databases, fleet, groups, backups] = await Promise.all([
    health,
    Promise.all(
      Object.entries(config.databases).map(async ([name, db]) => {
        const read = Promise.race([withDeadline(elections.read(db.electionPrefix), 1500, () => new Error('no answer within 1.5 s')), quorumLost]);
        return [name, await read.then((view) => ({ view }), (e: unknown) => ({ error: (e as Error).message }))] as const;
      }),
    ),
    optional(config.fleet, async (signal) => {
      const scheduler = deps.schedulerFor(environment);
      const [units, states, machines] = await Promise.all([scheduler.units({ signal }), scheduler.states({ signal }), scheduler.machines({ signal })]);
      return { units, states, machines };
    }),
    optional(config.aws, (signal) => deps.groupsFor(environment).listForStack(stackNameOf(environment, config.aws!), { signal })),
    optional(config.etcd.backup, async () => {
      const [listed, attempts] = await Promise.all([
        deps.backupsFor(environment).list(environment, { limit: 1 }).then((l) => ({ newest: l[0] }), (e: unknown) => ({ listError: (e as Error).message })),
        deps.backupAttempts.recent(environment, 10),
      ]);
      return { ...listed, attempts };
    }),
  ]);
  return { environment, config, at: deps.now(), etcd, databases: Object.fromEntries(databases), fleet, groups, backups, ...(config.fleet ? { catalog: readCatalog(config.fleet.catalog, config.fleet.startTimeoutMs) } : {}) };
}

/** The catalog, read afresh as every deploy reads it; a broken one is reported, not thrown (check-config says why). */
function readCatalog(file: string, startTimeoutMs: number): Snapshot['catalog'] {
  try {
    return catalogUnits(loadCatalog(file, { startTimeoutMs }));
  } catch (e) {
    return { error: (e as Error).message };
  }
}
