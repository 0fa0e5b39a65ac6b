/**
 * Running one allow-listed command on one cluster machine (SSH underneath). Shaped by the logs
 * and exec jobs: they hand over an argv, never a shell string, and read back what it printed.
 */

export interface RemoteResult {
  /** The command's exit status; a command killed by a signal reports 128 + the signal number, or 255. */
  code: number;
  stdout: string;
  stderr: string;
  /** From connecting to the end of the command. */
  ms: number;
}

export interface Remote {
  /**
   * Runs `argv` on the machine at `machineIp`, each element quoted so the remote shell reads it as
   * one literal word. Fails with HostKeyMismatchError when the machine's key is not the pinned
   * one (or none is pinned), UnreachableError when it cannot connect or authenticate,
   * RemoteTimeoutError past `timeoutMs`; an abort through `signal` rejects with its reason.
   */
  run(machineIp: string, argv: string[], opts: { timeoutMs: number; signal?: AbortSignal; /** For a host key pinned by machine id rather than IP. */ machineId?: string }): Promise<RemoteResult>;
}
