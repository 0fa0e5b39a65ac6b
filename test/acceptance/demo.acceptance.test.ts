/**
 * `npm run demo`, as the README's Quick start runs it: in script mode (commands on stdin, exit when
 * done) and held open while another terminal stops and starts etcd members with
 * `devbot local-cluster`, when the console must print the alert as it fires and as it resolves.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { runDevbotCli, runProcess } from './support/shipped-devbot.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('acceptance: npm run demo', () => {
  it('deploys gerrit, lists units and fails postgres over, in script mode, and exits 0', async () => {
    const run = await runProcess(NPM, ['run', '--silent', 'demo'], {
      input: '/dev deploy gerrit --yes\n/dev units list\n/dev failover postgres --yes\n',
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Deploy of gerrit \(local\) — succeeded/);
    expect(run.stdout).toMatch(/gerrit 2\.15 in local: 1\/1 instance active and healthy/);
    expect(run.stdout).toMatch(/gerrit\.service · desired launched · active \(running\)/);
    expect(run.stdout).toMatch(/Failover of postgres \(local\) — succeeded/);
    expect(run.stdout).toMatch(/postgres: pg-\d → pg-\d in \d+ ms/);
    expect(run.stderr).toMatch(/stopped everything the demo started/);
  }, 150_000);

  it('prints a member-down alert as it fires and as it resolves, while devbot local-cluster stops and starts e2', async () => {
    const demo = spawn(NPM, ['run', '--silent', 'demo'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    demo.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => demo.on('close', resolve));
    try {
      await waitFor('the demo to be ready', () => {
        if (demo.exitCode !== null) throw new Error(`the demo exited early:\n${stderr}`);
        return /\[demo\] ready/.test(stderr);
      }, { timeoutMs: 90_000, intervalMs: 100 });
      const stop = await runDevbotCli(['local-cluster', 'stop', 'e2']);
      expect(stop.code, stop.stderr).toBe(0);
      await waitFor('the alert in the console', () => /WARNING: etcd member e2 in local is unreachable/.test(stdout), { timeoutMs: 15_000, intervalMs: 100 });
      const start = await runDevbotCli(['local-cluster', 'start', 'e2']);
      expect(start.code, start.stderr).toBe(0);
      await waitFor('the alert resolved in the console', () => /RESOLVED after \d+ s: .*e2/.test(stdout), { timeoutMs: 20_000, intervalMs: 100 });
      demo.stdin.end('/dev status\n');
      expect(await exited).toBe(0);
    } finally {
      if (demo.exitCode === null) {
        demo.stdin.end();
        demo.kill('SIGINT');
        await exited;
      }
    }
    expect(stdout.match(/WARNING: etcd member e2 in local is unreachable/g)?.length).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
