/**
 * The queue never retries a job: a failure, retryable upstream error included, is final and told
 * once; the requester runs the command again. Even a job queued with BullMQ `attempts` (by hand,
 * or by an older devbot) runs once.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { JobData } from '../../src/ports/queue.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { createRecordingChat } from '../fakes/fake-stores.js';
import { uniqueName } from '../harness/unique.js';

describe('no retries by the queue', () => {
  let deps: BuiltDeps;
  let worker: WorkerHandle;
  let raw: Queue;
  const chat = createRecordingChat();

  beforeAll(async () => {
    // Nothing listens there: every etcd call fails with a retryable UpstreamError.
    const [deadPort] = await freePorts(1);
    const config = loadConfig({
      documents: [`
redis: { prefix: ${uniqueName('no-retries')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  dead: { etcd: { endpoints: [http://127.0.0.1:${deadPort}], probeTimeoutMs: 200 } }
channels:
  ops: { environment: dead }
acl:
  rules:
    - { name: alice, users: [alice], verbs: ['*'], channels: [ops], environments: ['*'] }
`],
      env: { DEVBOT_REDIS_URL: inject('redisUrl') },
    });
    deps = buildDeps(config, silentLogger());
    deps.chatFor = () => chat;
    worker = startBullmqWorker(deps);
    raw = new Queue(config.jobs.queue, { connection: { url: inject('redisUrl') }, prefix: config.redis.prefix });
  });

  afterAll(async () => {
    await worker?.close();
    await raw?.close();
    await deps?.close();
  });

  it('fails a job with a retryable upstream error once, even when queued with attempts', async () => {
    const data: JobData = {
      kind: 'deployments', payload: { verb: 'deployments', environment: 'dead' }, environment: 'dead', text: 'deployments',
      requestedBy: { user: 'alice', channel: 'ops', channelName: 'ops' }, transport: { kind: 'console', session: 's' }, requestedAt: new Date().toISOString(),
    };
    await raw.add('deployments', data, { jobId: 'deployments-attempts', attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    await expect(deps.queue.waitUntilFinished('deployments-attempts', 15_000)).resolves.toMatchObject({ state: 'failed', reason: expect.stringMatching(/No etcd member answered/) });
    const job = await raw.getJob('deployments-attempts');
    expect(job?.attemptsMade).toBe(1);
    expect((await deps.jobState.load('deployments-attempts'))?.result).toMatchObject({ outcome: 'failed', summary: expect.stringMatching(/No etcd member answered/) });
    const failed = (await deps.audit.latest({ limit: 20 })).filter((e) => e.jobId === 'deployments-attempts' && e.event === 'job_failed');
    expect(failed).toHaveLength(1);
    expect(chat.messages.some((m) => /will be retried/.test(m.message.text))).toBe(false);
  });
});
