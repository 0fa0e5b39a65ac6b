import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAction } from '../../src/commands/handle-action.js';
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

  it("refuses a user allowed `exec` but not the entry's own ACL verb, saying which", async () => {
    const reply = await bot.command('exec 127.0.0.2 restart-docker', 'carol');
    expect(reply.outcome).toBe('denied');
    expect(reply.text).toContain('`exec restart-docker` also needs the verb `units` on `docker` (environments.local.remote.exec.restart-docker.acl): `units` is not allowed for you anywhere (your rules cover: exec)');
    // can-i answers as running it would.
    expect((await bot.command('can-i exec 127.0.0.2 restart-docker', 'carol')).text).toMatch(/also needs the verb `units`/);
    // An entry that asks for nothing more is hers to run.
    expect((await bot.command('exec 127.0.0.2 docker-ps', 'carol')).outcome).toBe('queued');
  });

  it("matches rules against the entry's ACL target, not its name", async () => {
    // dave's rule covers exec and units on target `docker` only: restart-docker's target.
    const asked = await bot.command('exec 127.0.0.2 restart-docker', 'dave');
    expect(asked.text).toMatch(/confirm it in the channel/);
    // Whoever confirms needs what the entry needs: carol (exec only) may not.
    await bot.deps.queue.waitUntilFinished(asked.jobId!, 30_000);
    const click = { value: asked.jobId!.replace(/-preview$/, ''), channel: 'ops', channelName: 'ops', transport: { kind: 'console', session: 'remote-exec' } as const };
    const byCarol = await handleAction({ action: 'confirm', user: 'carol', requestId: `click-carol-${Date.now()}`, ...click }, bot.deps);
    expect(byCarol.outcome).toBe('denied');
    expect(byCarol.text).toMatch(/Only someone allowed to run `exec` here may confirm it: `exec restart-docker` also needs the verb `units`/);
    const other = await bot.command('exec 127.0.0.2 docker-ps', 'dave');
    expect(other.outcome).toBe('denied');
    expect(other.text).toContain('`exec docker-ps` is not allowed for you (your rule covers: docker)');
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
