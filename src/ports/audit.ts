/** The audit trail: every command, decision, confirmation and job transition, append-only. */

export type AuditEvent =
  | 'command'
  | 'denied'
  | 'confirm_requested'
  | 'confirmed'
  | 'approved'
  | 'declined'
  | 'expired'
  | 'job_started'
  | 'job_resumed'
  | 'job_finished'
  | 'job_failed'
  | 'job_cancelled'
  | 'silenced'
  /** devbot announced an automatic action in an alert's thread (`user` is `devbot (auto)`, `rule` the alert rule's remediate setting). */
  | 'remediation_announced'
  /** An announced automatic action was stopped before it ran: by a person's Cancel, or by a guard. */
  | 'remediation_cancelled'
  /** One machine's run of an allow-listed `/dev exec` entry: `target` the machine, `text` the argv, `outcome` the exit code. */
  | 'remote_exec';

/** Where the person acted: Slack (whose users Slack authenticates) or the console (`--as`, unchecked). */
export type AuditTransport = 'slack' | 'console';

export interface AuditEntry {
  at: string;
  event: AuditEvent;
  user: string;
  channel: string;
  /**
   * Through which transport `user` acted (for job transitions: the one the job was requested
   * through). Absent only on entries written before devbot recorded it.
   */
  transport?: AuditTransport;
  /** The command text as typed (already validated; never contains secrets). */
  text: string;
  decision?: 'allowed' | 'denied';
  rule?: string;
  jobId?: string;
  target?: string;
  outcome?: string;
}

export interface AuditLog {
  /** Appends one entry. Fails with UpstreamError('redis'). */
  append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void>;
  /** Latest entries first, optionally for one user and/or target. */
  latest(filter: { user?: string; target?: string; limit: number }): Promise<AuditEntry[]>;
}
