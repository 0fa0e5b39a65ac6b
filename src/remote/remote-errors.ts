import { RefusedError, UpstreamError } from '../errors.js';

/** The machine presented a host key other than the one pinned in config: possibly not our machine. */
export class HostKeyMismatchError extends RefusedError {
  constructor(readonly machineIp: string, readonly presented: string) {
    super(`${machineIp} presented host key ${presented}, which is not the key pinned for it in config (environments.<env>.remote.hostKeys): refusing to talk to it. If the machine was rebuilt, pin its new key.`);
  }
}

/** No SSH session could be set up: connection refused, no route, or authentication refused. */
export class UnreachableError extends UpstreamError {
  constructor(readonly machineIp: string, reason: string, cause?: unknown) {
    super(`could not reach ${machineIp} over SSH: ${reason}`, { service: 'ssh', retryable: true, cause });
  }
}

/** The machine did not finish within the per-machine timeout. */
export class RemoteTimeoutError extends UpstreamError {
  constructor(readonly machineIp: string, readonly timeoutMs: number) {
    super(`${machineIp} did not answer within ${timeoutMs} ms`, { service: 'ssh', retryable: false });
  }
}
