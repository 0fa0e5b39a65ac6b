import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRemoteBot, type RemoteBot } from './remote-harness.js';

let bot: RemoteBot;
beforeAll(async () => {
  bot = await startRemoteBot();
});
afterAll(() => bot?.close());

/** The machines' runs of a job, from the audit trail: a command refused before any connection has none. */
async function execAudits(jobId: string) {
  return (await bot.deps.audit.latest({ limit: 100 })).filter((e) => e.event === 'remote_exec' && e.jobId === jobId);
}

describe('/dev exec over SSH', () => {
  it('runs an allowed entry on one machine: exit code, duration and output in the thread, audited', async () => {
    const result = await bot.runToEnd('exec 127.0.0.2 docker-ps');
    expect(result.outcome).toBe('succeeded');
    expect(result.summary).toMatch(/✓ \w{8} 127\.0\.0\.2: exit 0 in \d+ ms/);
    expect(await bot.threadOf(result.jobId)).toContain('containers on 127.0.0.2');
    const audits = await execAudits(result.jobId);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ user: 'alice', text: "'docker' 'ps'", outcome: 'exit 0' });
    expect(audits[0]!.target).toContain('127.0.0.2');
  });

  it('runs on every machine of a role; exit 1 reads as a warning', async () => {
    const result = await bot.runToEnd('exec role=worker docker-ps');
    expect(result.outcome).toBe('succeeded');
    expect(result.summary).toMatch(/✓ \w{8} 127\.0\.0\.2: exit 0/);
    expect(result.summary).toMatch(/! \w{8} 127\.0\.0\.3: exit 1/);
    const thread = await bot.threadOf(result.jobId);
    expect(thread).toContain('containers on 127.0.0.2');
    expect(thread).toContain('containers on 127.0.0.3');
    expect(await execAudits(result.jobId)).toHaveLength(2);
  });

  it('fills a templated argument that matches its pattern, on the machines a unit runs on', async () => {
    const result = await bot.runToEnd('exec web unit-status web@1.service');
    expect(result.outcome).toBe('succeeded');
    expect(await bot.threadOf(result.jobId)).toContain('systemctl status web@1.service');
  });

  it('refuses a command outside the allow-list before any connection', async () => {
    const result = await bot.runToEnd('exec role=worker reboot now');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/`reboot` is not an allowed command here\. Allowed: docker-ps, unit-status, restart-docker, slow/);
    expect(await execAudits(result.jobId)).toHaveLength(0);
  });

  it('refuses an argument that fails its pattern before any connection', async () => {
    const result = await bot.runToEnd("exec role=worker unit-status 'web;reboot'");
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/`web;reboot` is not a valid <unit> for `unit-status`/);
    expect(await execAudits(result.jobId)).toHaveLength(0);
  });

  it('asks for confirmation of a dangerous entry', async () => {
    const reply = await bot.command('exec 127.0.0.2 restart-docker');
    expect(reply.text).toMatch(/confirm it in the channel/);
  });

  it('refuses loudly a machine whose host key is not the pinned one', async () => {
    const result = await bot.runToEnd('exec 127.0.0.2 docker-ps --env rebuilt');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/127\.0\.0\.2: 127\.0\.0\.2 presented host key ssh-ed25519 \S+, which is not the key pinned for it/);
  });

  it('reports an unreachable machine as such while the others answer', async () => {
    const result = await bot.runToEnd('exec pool=all docker-ps');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/✓ \w{8} 127\.0\.0\.2: exit 0/);
    expect(result.summary).toMatch(/! \w{8} 127\.0\.0\.3: exit 1/);
    expect(result.summary).toMatch(/✗ \w{8} 127\.0\.0\.4: could not reach 127\.0\.0\.4 over SSH/);
    const audits = await execAudits(result.jobId);
    expect(audits).toHaveLength(3);
    expect(audits.map((a) => a.outcome)).toEqual(expect.arrayContaining(['exit 0', 'exit 1', expect.stringMatching(/^not run: could not reach/)]));
  });

  it('gives up on a machine past the per-machine timeout', async () => {
    const started = Date.now();
    const result = await bot.runToEnd('exec 127.0.0.2 slow --env slow');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/127\.0\.0\.2 did not answer within 800 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
