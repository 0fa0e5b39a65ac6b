export interface EtcdMemberPlan {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
}

const url = (port: number) => `http://127.0.0.1:${port}`;

export const clientUrlOf = (m: EtcdMemberPlan) => url(m.clientPort);
export const peerUrlOf = (m: EtcdMemberPlan) => url(m.peerPort);

/** Fast elections, so tests that kill the leader recover in about a second; quiet logs. */
export const ETCD_TUNING_FLAGS = ['--heartbeat-interval', '100', '--election-timeout', '1000', '--logger', 'zap', '--log-level', 'warn'];

/**
 * argv for one member of a static cluster. It serves etcd's v2 API too, as the main nodes of
 * devbot's stack do: fleet keeps its state there, and etcd 3.4 and 3.5 serve it only with
 * --enable-v2. With an existing data dir etcd ignores the --initial-* flags, so the same argv
 * restarts a member that was killed.
 */
export function etcdArgv(member: EtcdMemberPlan, all: readonly EtcdMemberPlan[], token: string): string[] {
  return [
    'etcd',
    '--name', member.name,
    '--data-dir', member.dataDir,
    '--listen-client-urls', clientUrlOf(member),
    '--advertise-client-urls', clientUrlOf(member),
    '--listen-peer-urls', peerUrlOf(member),
    '--initial-advertise-peer-urls', peerUrlOf(member),
    '--initial-cluster', all.map((m) => `${m.name}=${peerUrlOf(m)}`).join(','),
    '--initial-cluster-token', token,
    '--initial-cluster-state', 'new',
    '--enable-v2=true',
    ...ETCD_TUNING_FLAGS,
  ];
}

/**
 * True when the member's /health says it is healthy: it has a leader, no alarm and a linearizable
 * read through it succeeded, so it is part of a quorum.
 */
export async function isEtcdHealthy(clientUrl: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json()) as { health?: unknown };
    return body.health === 'true' || body.health === true;
  } catch {
    return false;
  }
}
