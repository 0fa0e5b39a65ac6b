import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runLocalClusterCli } from '../../tools/local-cluster/cli.js';
import { isAlive } from '../../tools/local-cluster/processes.js';
import { readState } from '../../tools/local-cluster/state.js';

/** Starts `local-cluster start` in its own process; resolves with its JSON once it says it runs. */
function startCli(): Promise<{ child: ChildProcess; stateFile: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/local-cluster/cli.ts', 'start'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`cli exited with ${code}:\n${out}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = out.indexOf('running; Ctrl-C');
      if (ready >= 0) resolve({ child, stateFile: (JSON.parse(out.slice(0, ready)) as { stateFile: string }).stateFile });
    });
  });
}

describe('tools/local-cluster', () => {
  let cli: ChildProcess | undefined;
  afterAll(() => { cli?.kill('SIGKILL'); });

  it('is controlled from another process through the state file, and dies with its owner even on SIGKILL', async () => {
    const started = await startCli();
    cli = started.child;
    const { stateFile } = started;
    const lines: string[] = [];
    await runLocalClusterCli(['status', '--state', stateFile], (l) => lines.push(l));
    expect(lines.map((l) => l.split('\t').slice(0, 1).concat(l.split('\t')[3]!))).toEqual([
      ['redis', 'alive'], ['e1', 'alive'], ['e2', 'alive'], ['e3', 'alive'],
    ]);

    const oldPid = readState(stateFile).processes.find((p) => p.name === 'e2')!.pid;
    await runLocalClusterCli(['stop-member', 'e2', '--state', stateFile]);
    expect(isAlive(oldPid)).toBe(false);
    await runLocalClusterCli(['start-member', 'e2', '--state', stateFile]);
    const e2 = readState(stateFile).processes.find((p) => p.name === 'e2')!;
    expect(e2.pid).not.toBe(oldPid);
    expect(e2.status).toBe('running');

    const pids = readState(stateFile).processes.map((p) => p.pid);
    expect(cli.exitCode).toBeNull();
    expect(pids.filter((pid) => isAlive(pid))).toEqual(pids);
    const exited = new Promise((r) => cli!.once('exit', r));
    cli.kill('SIGKILL');
    await exited;
    // The reaper notices the owner's end of the pipe closing and kills everything by pid.
    await expect.poll(() => pids.filter((pid) => isAlive(pid)), { timeout: 5_000, interval: 50 }).toEqual([]);
    await expect.poll(() => existsSync(stateFile), { timeout: 5_000, interval: 50 }).toBe(false);
  });
});
