import { execFile } from 'node:child_process';
import { ConfigError, UpstreamError } from '../../errors.js';

/** Why the worker's host needs the tool, for the error that says it is missing. */
export const TOOLS_NEEDED =
  "devbot's worker needs etcd and etcdctl (3.4 or later) on its PATH to verify snapshots and to run restore drills: install them on the worker's host (the etcd release tarball has both), or put them on the PATH of `devbot worker`.";

/** `bin` is not on the PATH: a host without etcd's tools. */
export function toolMissing(bin: string): ConfigError {
  return new ConfigError(`\`${bin}\` is not installed on this worker's host (not found on its PATH). ${TOOLS_NEEDED}`);
}

/**
 * Runs `bin args` to completion and resolves with its stdout. ConfigError when the program is not
 * installed; UpstreamError(bin, retryable: false) when it exits non-zero, with what it said.
 */
export function runTool(bin: string, args: string[], opts: { what: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 2 ** 20, env: { ...process.env, ETCDCTL_API: '3', ...opts.env } }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(toolMissing(bin));
      const said = `${stderr}`.trim().split('\n').slice(-3).join(' ') || error.message;
      reject(new UpstreamError(`\`${bin}\` failed ${opts.what}: ${said}`, { service: bin, retryable: false, cause: error }));
    });
  });
}
