// Kills the local cluster when its owner dies, however it dies (even SIGKILL): the owner holds the
// write end of our stdin, and the kernel closes it when the owner exits. Plain JS so it starts fast.
// Usage: node reaper.mjs <stateFile>   (spawned by start-local-cluster.ts)
import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';

const stateFile = process.argv[2];

function ours(pid, argv0) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(basename(argv0));
  } catch {
    return process.platform !== 'linux';
  }
}

process.stdin.resume();
process.stdin.on('error', () => {});
process.stdin.on('close', () => {
  let state;
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    process.exit(0); // stopped cleanly: the state file is gone with the cluster dir
  }
  for (const p of state.processes) {
    try {
      if (ours(p.pid, p.argv[0])) process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // A SIGKILLed process runs no more code, so nothing recreates files under the directory.
  rmSync(state.dir, { recursive: true, force: true });
  process.exit(0);
});
