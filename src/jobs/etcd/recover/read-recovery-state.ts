import type { EnvironmentConfig } from '../../../config/schema.js';
import type { Deps } from '../../../deps.js';
import type { MembersView } from '../../../ports/members.js';
import { loadCatalog } from '../../../units/load-catalog.js';
import type { RecoveryInput, SurvivorState } from './plan-recovery.js';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The voters as etcd lists them (by name, so the plan reads in a stable order), with what each said of itself. */
function fromView(view: MembersView): SurvivorState[] {
  const voters = view.members.filter((m) => !m.isLearner).sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id));
  return voters.map((m) => ({
    id: m.id, name: m.name || m.id, peerUrl: m.peerUrls[0] ?? '', clientUrl: m.clientUrls[0] ?? '',
    reachable: m.reachable, raftIndex: m.raftIndex, version: m.version, ...(m.error ? { error: m.error } : {}),
  }));
}

/** No member answered: the members as the config knows them (the stack's static initial cluster, else the client URLs). */
function fromConfig(env: EnvironmentConfig, errors: string): SurvivorState[] {
  const down = { id: '', reachable: false, raftIndex: 0, version: '', error: errors };
  const initial = env.aws?.etcd.initialCluster?.split(',').map((pair) => pair.split('=') as [string, string]);
  return env.etcd.endpoints.map((clientUrl, i) => {
    const host = new URL(clientUrl).hostname;
    const known = initial?.find(([, peer]) => new URL(peer).hostname === host) ?? initial?.[i];
    return { ...down, name: known?.[0] ?? host, peerUrl: known?.[1] ?? `http://${host}:2380`, clientUrl };
  });
}

/** The last step of both paths: rebuild fleet's units from the catalog, with the verbs this devbot has. */
function rebuildSteps(deps: Pick<Deps, 'jobKinds'>, environment: string, env: EnvironmentConfig): string[] {
  if (deps.jobKinds['converge']) return [`\`/dev converge --env ${environment}\``];
  if (!env.fleet) return [`fleet is not configured in devbot for ${environment}: start the catalog's units the way they were first started`];
  try {
    const services = Object.keys(loadCatalog(env.fleet.catalog).services);
    return services.map((s) => `\`/dev deploy ${s} --env ${environment}\``);
  } catch {
    return [`\`/dev deploy <service> --env ${environment}\` for every service of the catalog (${env.fleet.catalog})`];
  }
}

/** Reads what answers now, the newest backup and the catalog: the plan's inputs. Fails only on a bug. */
export async function readRecoveryState(deps: Pick<Deps, 'config' | 'clusterFor' | 'membersFor' | 'backupsFor' | 'jobKinds' | 'now'>, environment: string, env: EnvironmentConfig): Promise<RecoveryInput> {
  const [health, read, backups] = await Promise.all([
    deps.clusterFor(environment).health(),
    deps.membersFor(environment).inspect().then((view) => ({ view }), (error: unknown) => ({ error: messageOf(error) })),
    env.etcd.backup
      ? deps.backupsFor(environment).list(environment).then((list) => ({ list }), (error: unknown) => ({ error: messageOf(error) }))
      : Promise.resolve({ error: `backups are not configured for ${environment} (environments.${environment}.etcd.backup)` }),
  ]);
  const newest = 'list' in backups ? backups.list[0] : undefined;
  const noBackup = 'error' in backups ? backups.error : newest ? undefined : 'none has been taken yet';
  return {
    environment,
    members: 'view' in read ? fromView(read.view) : fromConfig(env, read.error),
    membershipFrom: 'view' in read ? 'etcd' : 'config',
    quorum: { hasQuorum: health.hasQuorum, reason: health.quorumReason },
    ...(newest ? { backup: { name: newest.name, location: newest.location, revision: newest.revision, takenAt: newest.takenAt } } : {}),
    ...(noBackup ? { noBackup } : {}),
    host: env.etcd.host,
    rebuild: rebuildSteps(deps, environment, env),
    now: deps.now(),
  };
}
