/** The deployment history of an environment: what ran, who put it there, when, with which job. */

export interface DeploymentRecord {
  service: string;
  version: string;
  /** The version recorded before this one, if any. */
  previousVersion?: string;
  /** converge: one service of a `/dev converge`, brought to what the catalog says. */
  kind: 'deploy' | 'rollback' | 'converge';
  outcome: 'succeeded' | 'failed';
  /** Unit name → SHA-1 of the unit file (fleet's hash), as submitted. */
  units: Record<string, string>;
  user: string;
  /** ISO time the deployment ended. */
  at: string;
  jobId: string;
  /** For a failure: which unit failed and how. */
  detail?: string;
}

export interface Deployments {
  /** Appends a record. Fails with UpstreamError('etcd') when no member takes it in time. */
  record(entry: DeploymentRecord): Promise<void>;
  /** Newest first, at most `limit`; one service's, or every service's. Fails with UpstreamError('etcd'). */
  list(opts: { service?: string; limit: number }): Promise<DeploymentRecord[]>;
  close(): Promise<void>;
}
