/** What devbot needs to know about one environment's etcd cluster. Shaped by its callers. */

export interface EtcdMemberHealth {
  /** Member name as etcd reports it (or the endpoint when the member did not answer). */
  name: string;
  /** Member id as a hex string, '' when unknown. */
  id: string;
  clientUrl: string;
  reachable: boolean;
  isLeader: boolean;
  /** Id (hex) of the leader this member believes in; '' when none or unknown. */
  leaderId: string;
  raftTerm: number;
  raftIndex: number;
  dbSizeBytes: number;
  /** Problems seen while probing this member (timeouts, refused connections, member errors). */
  errors: string[];
  /** Active alarms on this member, e.g. NOSPACE, CORRUPT. */
  alarms: string[];
  /**
   * The endpoint answers nothing and no member claims it, while etcd lists a learner that has not
   * started yet: the slot of a member being replaced, waiting for its new etcd (not a member down).
   */
  joining?: boolean;
}

export interface ClusterHealth {
  members: EtcdMemberHealth[];
  /** Name of the member a majority agrees leads, when there is one. */
  leader?: string;
  hasQuorum: boolean;
  /** One sentence saying why quorum is judged present or lost. */
  quorumReason: string;
  checkedAt: Date;
  /** How long the probe took, in ms. */
  tookMs: number;
}

export interface MemberStreamChange {
  endpoint: string;
  event: 'lost' | 'back';
}

export interface Cluster {
  /**
   * Probes every configured endpoint in parallel, each with its own client, no retries and a
   * deadline on every call. Never throws for an unhealthy cluster: an unreachable member is
   * reported as such. Resolves within roughly `deadlineMs` whatever etcd does.
   */
  health(opts?: { deadlineMs?: number }): Promise<ClusterHealth>;
  /**
   * Holds a stream open to every member and calls `onChange` as soon as one breaks ('lost') or
   * is up again ('back'); only transitions are told. A hint to look again, not a verdict (health()
   * says what holds). Never throws; `close()` ends the streams. Optional: a cluster without it is
   * looked at on the alert evaluation tick only.
   */
  watchMembers?(onChange: (change: MemberStreamChange) => void): { close(): void };
  /** Releases every client and connection. */
  close(): Promise<void>;
}
