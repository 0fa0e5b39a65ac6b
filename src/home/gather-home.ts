import { allowedVerbs, type Principal } from '../acl/decide.js';
import type { Deps } from '../deps.js';
import type { HomeEnvironment, HomeJob, HomePermission, HomeView } from '../render/app-home.js';
import type { JobSummary } from '../ports/queue.js';
import { withDeadline } from '../with-deadline.js';

export type HomeDeps = Pick<Deps, 'config' | 'queue' | 'clusterFor' | 'electionsFor' | 'alertStore' | 'now'>;

/** The Home tab is a glance: each probe gets a second, and a part that does not answer says so. */
const PROBE_MS = 1_000;
const RECENT_JOBS = 5;
const ALWAYS_ALLOWED = new Set(['help', 'can-i']);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function environmentOf(name: string, deps: HomeDeps, firing: number): Promise<HomeEnvironment> {
  const env = deps.config.environments[name]!;
  const elections = deps.electionsFor(name);
  const [etcd, databases] = await Promise.all([
    deps.clusterFor(name).health({ deadlineMs: PROBE_MS }).then(
      (h) => ({ hasQuorum: h.hasQuorum, reachable: h.members.filter((m) => m.reachable).length, members: h.members.length }),
      (e: unknown) => ({ error: message(e) }),
    ),
    Promise.all(Object.entries(env.databases).map(async ([db, c]) => {
      const read = withDeadline(elections.read(c.electionPrefix), PROBE_MS, () => new Error('no answer within 1 s'));
      return read.then((v) => ({ name: db, leader: v.leader?.name }), (e: unknown) => ({ name: db, error: message(e) }));
    })),
  ]);
  return { name, etcd, firing, databases };
}

const toJob = (j: JobSummary, at: number): HomeJob => ({ id: j.id, text: j.text, state: j.state, environment: j.data.environment, at, failedReason: j.failedReason });

/** What `principal` may run in each configured channel (help and can-i, open to all, left out). */
function permissionsOf(deps: Pick<HomeDeps, 'config'>, principal: Principal): HomePermission[] {
  return Object.entries(deps.config.channels).flatMap(([name, c]) => {
    const channel = { id: c.id ?? name, name, configured: name, allowShared: c.allowShared };
    const verbs = allowedVerbs(deps.config.acl, principal, { channel, environment: c.environment }).filter((v) => !ALWAYS_ALLOWED.has(v));
    return verbs.length ? [{ where: `#${name}`, environment: c.environment, verbs }] : [];
  });
}

/** The parts of the Home tab that are the same for everyone, read once per refresh. */
export interface SharedHome {
  environments: HomeEnvironment[];
  jobs: JobSummary[];
}

/** Probes every environment and lists recent jobs. Fails only when Redis cannot list jobs or alerts. */
export async function gatherShared(deps: HomeDeps): Promise<SharedHome> {
  const [alerts, jobs] = await Promise.all([deps.alertStore.load(), deps.queue.list({ all: true, limit: 200 })]);
  const firing = (env: string) => alerts.filter((a) => a.environment === env && a.status === 'firing').length;
  const environments = await Promise.all(Object.keys(deps.config.environments).map((name) => environmentOf(name, deps, firing(name))));
  return { environments, jobs };
}

/** One user's Home tab from the shared parts. The principal comes with its Slack user groups already read (as for a command). Pure. */
export function homeFor(principal: Principal, shared: SharedHome, deps: Pick<HomeDeps, 'config' | 'now'>): HomeView {
  const mine = shared.jobs.filter((j) => j.user === principal.user);
  const running = mine.filter((j) => j.state === 'active' || j.state === 'waiting' || j.state === 'delayed').map((j) => toJob(j, j.startedAt ?? j.queuedAt));
  const recent = mine.filter((j) => j.state === 'completed' || j.state === 'failed').slice(0, RECENT_JOBS).map((j) => toJob(j, j.finishedAt ?? j.queuedAt));
  const unreadableGroups = Object.entries(principal.usergroups?.unreadable ?? {}).map(([group, why]) => ({ group, why }));
  return { at: deps.now(), environments: shared.environments, running, recent, permissions: permissionsOf(deps, principal), unreadableGroups };
}
