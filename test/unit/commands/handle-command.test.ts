import { describe, expect, it } from 'vitest';
import { handleCommand, type HandleDeps } from '../../../src/commands/handle-command.js';
import type { CommandInput } from '../../../src/commands/types.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { UpstreamError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { createFakeQueue } from '../../fakes/fake-queue.js';
import { createFakeAlertStore, createFakeAudit, createFakeConfirmations, createFakeJobState, createFakeLocks, createRecordingChat } from '../../fakes/fake-stores.js';
import { JOB_KINDS } from '../../../src/jobs/kinds.js';
import { noMetrics } from '../../../src/ports/metrics.js';

const config = loadConfig({
  documents: [
    `
environments:
  staging: { etcd: { endpoints: [http://127.0.0.1:2379] } }
  prod: { etcd: { endpoints: [http://127.0.0.1:2479] } }
channels:
  ops: { id: C_OPS, environment: prod }
  dev: { environment: staging }
acl:
  rules:
    - { name: alice-all, users: [U_ALICE], verbs: ['*'], channels: [ops, dev], environments: ['*'] }
    - { name: bob-status-staging, users: [U_BOB], verbs: [status], channels: [dev], environments: [staging] }
`,
  ],
});

function setup(queueOpts: Parameters<typeof createFakeQueue>[0] = {}) {
  const queue = createFakeQueue(queueOpts);
  const chat = createRecordingChat();
  const audit = createFakeAudit();
  const deps = {
    config, log: silentLogger(), queue, now: () => new Date(0), locks: createFakeLocks(), audit, confirmations: createFakeConfirmations(),
    jobState: createFakeJobState(), chatFor: () => chat, jobKinds: JOB_KINDS as HandleDeps['jobKinds'], metrics: noMetrics, alertStore: createFakeAlertStore(),
  };
  let n = 0;
  const run = (text: string, over: Partial<CommandInput> = {}) =>
    handleCommand(
      { text, user: 'U_ALICE', channel: 'C_OPS', channelName: 'ops', transport: { kind: 'slack' }, requestId: `trigger-${++n}`, ...over },
      deps,
    );
  return { queue, run, audit, chat, deps };
}

describe('handleCommand', () => {
  it('queues /dev status for an allowed user with the channel environment', async () => {
    const { queue, run } = setup();
    const reply = await run('/dev status');
    expect(reply).toMatchObject({ outcome: 'queued' });
    expect(reply.text).toMatch(/^Queued as job status-[0-9a-f]{10}\.$/);
    const job = queue.jobs.get(reply.jobId!)!;
    expect(job).toMatchObject({ kind: 'status', environment: 'prod', text: 'status', requestedBy: { user: 'U_ALICE', channel: 'C_OPS' } });
  });

  it('makes one job for one request however often Slack retries it', async () => {
    const { queue, run } = setup();
    const first = await run('status', { requestId: 'same-trigger' });
    const retry = await run('status', { requestId: 'same-trigger' });
    expect(retry.jobId).toBe(first.jobId);
    expect(retry.text).toContain('Already queued');
    expect(queue.jobs.size).toBe(1);
  });

  it('honours --env when the ACL allows it, and denies it otherwise', async () => {
    const { queue, run } = setup();
    const ok = await run('status --env staging');
    expect(queue.jobs.get(ok.jobId!)!.environment).toBe('staging');
    const denied = await run('status --env prod', { user: 'U_BOB', channel: 'C_DEV', channelName: 'dev' });
    expect(denied.outcome).toBe('denied');
    expect(queue.jobs.size).toBe(1);
  });

  it('denies users no rule names, and queues nothing', async () => {
    const { queue, run } = setup();
    const reply = await run('status', { user: 'U_MALLORY' });
    expect(reply.outcome).toBe('denied');
    expect(reply.text).toContain('status');
    expect(queue.jobs.size).toBe(0);
  });

  it('answers in channels devbot is not set up in with what to do', async () => {
    const { queue, run } = setup();
    const reply = await run('status', { channel: 'C_RANDOM', channelName: 'random' });
    expect(reply.outcome).toBe('denied');
    expect(reply.text).toMatch(/not set up in #random.*channels:/);
    expect(queue.jobs.size).toBe(0);
  });

  it('gives usage for bad input and queues nothing', async () => {
    const { queue, run } = setup();
    for (const text of ['deploi gerrit', 'deploy', 'status --bogus 1', 'status\u0007', 'x'.repeat(5000), 'status --env qa']) {
      const reply = await run(text);
      expect(reply.outcome, text).toBe('usage');
    }
    expect(queue.jobs.size).toBe(0);
  });

  it('says clearly that a verb whose job kind this process lacks is not available yet', async () => {
    const { queue, run, deps } = setup();
    deps.jobKinds = { status: JOB_KINDS['status']! };
    const reply = await run('failover postgres');
    expect(reply.outcome).toBe('unavailable');
    expect(reply.text).toContain('not available yet');
    expect(queue.jobs.size).toBe(0);
  });

  it('answers help and can-i without queueing', async () => {
    const { queue, run } = setup();
    expect((await run('help')).outcome).toBe('answered');
    const canI = await run('can-i status --env staging', { user: 'U_BOB', channel: 'C_DEV', channelName: 'dev' });
    expect(canI.text).toMatch(/yes/i);
    expect(canI.text).toContain('bob-status-staging');
    expect(queue.jobs.size).toBe(0);
  });

  it('tells the user when Redis is unreachable instead of failing silently', async () => {
    const { run } = setup({ failWith: new UpstreamError('Redis did not answer while queueing the job', { service: 'redis' }) });
    const reply = await run('status');
    expect(reply.outcome).toBe('error');
    expect(reply.text).toContain('Redis did not answer');
  });
});
