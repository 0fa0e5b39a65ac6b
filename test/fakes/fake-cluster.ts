import { judgeQuorum } from '../../src/adapters/etcd/judge-quorum.js';
import type { Cluster, ClusterHealth, EtcdMemberHealth } from '../../src/ports/cluster.js';

type Condition = 'up' | 'stopped' | 'frozen';

export interface FakeCluster extends Cluster {
  /** Like killing the processes: they answer nothing, the rest may elect a new leader. */
  stopMembers(names: string[]): void;
  /** Like SIGSTOP: same effect on health, reported as a timeout rather than a refused connection. */
  freezeMembers(names: string[]): void;
  /** Brings stopped or frozen members back. */
  startMembers(names: string[]): void;
  setAlarms(name: string, alarms: string[]): void;
  /** Moves leadership to this member (it must be up). */
  setLeader(name: string): void;
  readonly calls: number;
  readonly closed: boolean;
}

/**
 * In-memory etcd cluster. It behaves like the real one as far as the Cluster port can tell: a
 * majority up elects a leader, a minority has none, and the verdict comes from the same
 * judgeQuorum the adapter uses. test/integration/cluster-contract.test.ts keeps the two honest.
 */
export function createFakeCluster(opts: { names?: string[]; leader?: string } = {}): FakeCluster {
  const names = opts.names ?? ['e1', 'e2', 'e3'];
  const state = new Map(names.map((name, i) => [name, {
    id: (0xa0 + i).toString(16) + 'c0ffee', clientUrl: `http://127.0.0.1:${23790 + i}`,
    condition: 'up' as Condition, alarms: [] as string[],
  }]));
  let leader = opts.leader ?? names[0] ?? '';
  let term = 2;
  let calls = 0;
  let closed = false;
  const member = (name: string) => {
    const m = state.get(name);
    if (!m) throw new Error(`fake cluster has no member ${name}`);
    return m;
  };
  const setCondition = (list: string[], condition: Condition) => list.forEach((n) => { member(n).condition = condition; });

  return {
    get calls() { return calls; },
    get closed() { return closed; },
    stopMembers: (list) => setCondition(list, 'stopped'),
    freezeMembers: (list) => setCondition(list, 'frozen'),
    startMembers: (list) => setCondition(list, 'up'),
    setAlarms: (name, alarms) => { member(name).alarms = [...alarms]; },
    setLeader: (name) => { leader = name; term++; },
    async health(): Promise<ClusterHealth> {
      calls++;
      const started = Date.now();
      const up = names.filter((n) => member(n).condition === 'up');
      const hasMajority = up.length > names.length / 2;
      if (hasMajority && !up.includes(leader)) {
        leader = up[0] ?? '';
        term++;
      }
      const leaderId = hasMajority ? member(leader).id : '';
      const members = names.map((name): EtcdMemberHealth & { readOk: boolean } => {
        const m = member(name);
        const reachable = m.condition === 'up';
        const down = m.condition === 'stopped' ? 'cannot connect (ECONNREFUSED)' : 'no answer within 500 ms';
        return {
          name, id: m.id, clientUrl: m.clientUrl, reachable,
          isLeader: reachable && m.id === leaderId, leaderId: reachable ? leaderId : '',
          raftTerm: reachable ? term : 0, raftIndex: reachable ? 100 + term : 0, dbSizeBytes: reachable ? 20480 : 0,
          errors: reachable ? (hasMajority ? [] : ['linearizable read: no answer within 500 ms']) : [down],
          // Alarms are cluster state: any member that answers reports everyone's.
          alarms: up.length > 0 ? [...m.alarms] : [],
          readOk: reachable && hasMajority,
        };
      });
      const verdict = judgeQuorum(members);
      return {
        members: members.map(({ readOk: _readOk, ...m }) => m),
        hasQuorum: verdict.hasQuorum, quorumReason: verdict.quorumReason,
        ...(verdict.leader ? { leader: verdict.leader } : {}),
        checkedAt: new Date(started), tookMs: Date.now() - started,
      };
    },
    async close() { closed = true; },
  };
}
