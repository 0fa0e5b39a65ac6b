import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';

export interface SupervisedCandidates {
  stop(): Promise<void>;
}

/**
 * Database candidates as the team runs them: `etcdctl elect <election> <name>` per candidate,
 * started again whenever it exits (a revoked lease makes etcdctl exit, like a container whose
 * candidate lost leadership), so it campaigns anew at the back of the line.
 */
export function superviseCandidates(opts: { endpoints: string[]; election: string; names: string[]; logDir: string }): SupervisedCandidates {
  let stopping = false;
  const running = new Map<string, ChildProcess>();
  const log = openSync(join(opts.logDir, `candidates-${opts.election}.log`), 'a');
  const start = (name: string) => {
    if (stopping) return;
    const child = spawn('etcdctl', [`--endpoints=${opts.endpoints.join(',')}`, 'elect', opts.election, name], { stdio: ['ignore', log, log] });
    running.set(name, child);
    child.once('exit', () => {
      running.delete(name);
      // A short pause so a candidate that cannot reach etcd does not spin.
      if (!stopping) setTimeout(() => start(name), 300).unref();
    });
  };
  opts.names.forEach(start);
  return {
    async stop() {
      stopping = true;
      await Promise.all(
        [...running.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
