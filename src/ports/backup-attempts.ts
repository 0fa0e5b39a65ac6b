/** How the recent snapshot and drill attempts of each environment went (for the stale-backup alert and /dev status). */

export interface BackupAttempt {
  action: 'snapshot' | 'drill';
  /** ISO time it ended. */
  at: string;
  ok: boolean;
  /** Taken by the schedule, not asked for. */
  scheduled: boolean;
  /** On success what it produced (the backup's name, the drill's verdict); on failure the error. */
  detail: string;
}

export interface BackupAttempts {
  /** Records one attempt (the store keeps the last few per environment). Fails with UpstreamError('redis'). */
  record(environment: string, attempt: BackupAttempt): Promise<void>;
  /** The environment's recent attempts, newest first. Fails with UpstreamError('redis'). */
  recent(environment: string, limit?: number): Promise<BackupAttempt[]>;
}
