/** An environment's etcd membership: what `/dev etcd members` shows and `/dev etcd replace` changes. */
import { UpstreamError } from '../errors.js';

export interface EtcdMember {
  /** Member id in hex, as etcdctl and etcd's logs show it. */
  id: string;
  /** '' for a member that was added but never started: etcd learns the name when it first joins. */
  name: string;
  peerUrls: string[];
  /** Empty for a member that never started. */
  clientUrls: string[];
  isLearner: boolean;
}

/** What one member said about itself when asked at its own client URL. */
export interface MemberStatus {
  /** It answered its status call before the deadline. */
  reachable: boolean;
  /** Hex id of the leader it believes in; '' for none or unknown. */
  leaderId: string;
  raftTerm: number;
  /** Its raft (committed) index; 0 when unreachable. */
  raftIndex: number;
  dbSizeBytes: number;
  /** etcd's version, e.g. 3.4.23; '' when unreachable. */
  version: string;
  /** Why it did not answer (timeout, refused connection, never started). */
  error?: string;
}

export type MemberView = EtcdMember & MemberStatus;

export interface MembersView {
  members: MemberView[];
  /** Hex id of the leader most reachable members name; '' when none do. */
  leaderId: string;
  checkedAt: Date;
}

/** etcd refuses to promote a learner that has not caught up with the leader yet: try again shortly. */
export class LearnerNotReadyError extends UpstreamError {
  constructor(id: string, cause?: unknown) {
    super(`etcd will not promote ${id} yet: the learner has not caught up with the leader.`, { service: 'etcd', retryable: true, cause });
  }
}

/**
 * etcd refuses membership changes for the moment: its leader has not been connected to every voter
 * for 5 s (a member just started or restarted), or too few members are started. Try again shortly.
 */
export class ClusterNotReadyError extends UpstreamError {
  constructor(what: string, cause?: unknown) {
    super(`etcd refused ${what} for now: not every voter has been connected long enough (etcd: unhealthy cluster).`, { service: 'etcd', retryable: true, cause });
  }
}

export interface Members {
  /**
   * The member list, from the first configured endpoint that answers (etcd 3.4 answers it from the
   * member's own view, so it works without quorum too). Fails with UpstreamError('etcd') naming
   * each endpoint's error when none answers within its deadline.
   */
  list(): Promise<EtcdMember[]>;
  /**
   * The list, and each member's status asked at its own advertised client URL, all in parallel with
   * a deadline each. A member that does not answer (or never started) is reported unreachable, never
   * thrown; fails like list() when no endpoint gives the list.
   */
  inspect(): Promise<MembersView>;
  /**
   * Adds a learner (non-voting member) with this peer URL. When a member with that peer URL exists
   * already (an earlier attempt's add landed), resolves with it and `added: false`. Fails with
   * ClusterNotReadyError while etcd judges the cluster not ready for a change, with
   * UpstreamError('etcd', retryable: false) saying what etcd answered (too many learners…), or
   * UpstreamError('etcd') when no member answered.
   */
  addLearner(peerUrl: string): Promise<{ member: EtcdMember; members: EtcdMember[]; added: boolean }>;
  /**
   * Removes the member with this hex id; resolves with `removed: false` when no member has it (it
   * was removed already). Fails like addLearner (etcd refuses a removal that would lose quorum).
   */
  remove(id: string): Promise<{ removed: boolean }>;
  /**
   * Promotes a learner to a voter; `promoted: false` when it is a voter already. Fails with
   * LearnerNotReadyError while etcd judges it not caught up, with UpstreamError('etcd', retryable:
   * false) when no member has the id, else like addLearner.
   */
  promote(id: string): Promise<{ promoted: boolean }>;
  /** Releases every client; never fails. */
  close(): Promise<void>;
}
