/**
 * etcd's own account of its membership, read through its JSON gateway (not devbot's adapter): the
 * member list now, and a witness that samples it all along a chaos case, so a membership change
 * that was made and undone in between (a second add, a learner removed again) is seen too.
 */
export interface SeenMember {
  /** Hex, as etcdctl prints it. */
  id: string;
  name: string;
  peerUrls: string[];
  isLearner: boolean;
}

interface GatewayMember { ID: string; name?: string; peerURLs?: string[]; isLearner?: boolean }

/** The member list from the first of `endpoints` that answers. */
export async function listMembers(endpoints: string[]): Promise<SeenMember[]> {
  let last: unknown;
  for (const url of endpoints) {
    try {
      const res = await fetch(`${url}/v3/cluster/member/list`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      const body = (await res.json()) as { members?: GatewayMember[] };
      return (body.members ?? []).map((m) => ({ id: BigInt(m.ID).toString(16), name: m.name ?? '', peerUrls: m.peerURLs ?? [], isLearner: m.isLearner === true }));
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`no etcd endpoint answered the member list (${endpoints.join(', ')}): ${String(last)}`);
}

export interface MembershipWitness {
  /** Every member id seen at any sample, in the order first seen. */
  seen(): string[];
  /** Stops sampling; resolves with every id seen, a last sample included. */
  stop(): Promise<string[]>;
}

/** Samples the member list every `intervalMs` until stopped. A sample no endpoint answers is skipped. */
export function watchMembership(endpoints: () => string[], intervalMs = 100): MembershipWitness {
  const ids: string[] = [];
  const sample = async () => {
    const members = await listMembers(endpoints()).catch(() => []);
    for (const m of members) if (!ids.includes(m.id)) ids.push(m.id);
  };
  // One sample at a time: on a busy machine a slow one is not joined by a queue of others.
  let running: Promise<void> | undefined = sample().finally(() => (running = undefined));
  const timer = setInterval(() => {
    running ??= sample().finally(() => (running = undefined));
  }, intervalMs);
  return {
    seen: () => [...ids],
    async stop() {
      clearInterval(timer);
      await running;
      await sample();
      return [...ids];
    },
  };
}
