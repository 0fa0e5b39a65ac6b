import { inject } from 'vitest';
import { isEtcdHealthy } from '../../tools/local-cluster/etcd.js';
import { freezeMember, startMember, stopMember, thawMember } from '../../tools/local-cluster/members.js';
import { isEtcdMember, readState } from '../../tools/local-cluster/state.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';

/**
 * Fault injection on the run's shared cluster. A test that uses these must put everything back in
 * `finally` (or afterEach) with `restoreCluster()`, since the next test file shares the cluster.
 */
const stateFile = () => inject('clusterState');

/** SIGKILL (or `signal`) the named processes ('e1'…'e3', 'redis') and wait until they are gone. */
export async function stopMembers(names: string[], signal?: NodeJS.Signals): Promise<void> {
  await Promise.all(names.map((n) => stopMember(stateFile(), n, signal)));
}

/** Respawn them with their old argv and data; waits until they listen, not until they rejoined. */
export async function startMembers(names: string[]): Promise<void> {
  await Promise.all(names.map((n) => startMember(stateFile(), n)));
}

/** SIGSTOP: sockets stay open, nothing answers, like a hung host. */
export async function freezeMembers(names: string[]): Promise<void> {
  await Promise.all(names.map((n) => freezeMember(stateFile(), n)));
}

export async function thawMembers(names: string[]): Promise<void> {
  await Promise.all(names.map((n) => thawMember(stateFile(), n)));
}

export function etcdMemberNames(): string[] {
  return readState(stateFile()).processes.filter(isEtcdMember).map((m) => m.name);
}

/**
 * Waits until each named etcd member (default: all) answers /health with true — it has a leader,
 * no alarm, and a linearizable read through it succeeds.
 */
export async function waitForQuorum(opts: { members?: string[]; timeoutMs?: number } = {}): Promise<void> {
  const members = readState(stateFile()).processes.filter(isEtcdMember)
    .filter((m) => !opts.members || opts.members.includes(m.name));
  await waitFor(`etcd members ${members.map((m) => m.name).join(', ')} to be healthy`, async () =>
    (await Promise.all(members.map((m) => isEtcdHealthy(m.clientUrl, 500)))).every(Boolean),
  { timeoutMs: opts.timeoutMs ?? 20_000, intervalMs: 100 });
}

/** Restarts whatever was stopped and thaws whatever was frozen, then waits for all members to be healthy. */
export async function restoreCluster(): Promise<void> {
  // startMember is idempotent: it respawns a dead process and sends SIGCONT to a live one.
  await startMembers(readState(stateFile()).processes.map((p) => p.name));
  await waitForQuorum();
}
