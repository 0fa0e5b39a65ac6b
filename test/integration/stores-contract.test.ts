/**
 * One set of cases for the stores behind the jobs platform, run against the in-memory fakes that
 * unit tests use and against the Redis adapters on the run's real Redis: a fake that drifts from
 * Redis fails here, not in production.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectRedis } from '../../src/adapters/redis/connect-redis.js';
import { createRedisAudit } from '../../src/adapters/redis/redis-audit.js';
import { createRedisConfirmations } from '../../src/adapters/redis/redis-confirmations.js';
import { createRedisJobState } from '../../src/adapters/redis/redis-job-state.js';
import { createRedisLocks } from '../../src/adapters/redis/redis-locks.js';
import { UpstreamError } from '../../src/errors.js';
import type { AuditLog } from '../../src/ports/audit.js';
import type { Confirmations, PendingConfirmation } from '../../src/ports/confirmations.js';
import type { JobStateStore, ProgressState } from '../../src/ports/job-state.js';
import type { LockHolder, Locks } from '../../src/ports/locks.js';
import { createFakeAudit, createFakeConfirmations, createFakeJobState, createFakeLocks } from '../fakes/fake-stores.js';
import { uniqueName } from '../harness/unique.js';

/** Fresh stores (own key prefix, own clock) plus a way to let time pass for them. */
interface Stores {
  locks: Locks;
  confirmations: Confirmations;
  jobState: JobStateStore;
  audit(retentionMs: number): AuditLog;
  /** Lets `ms` pass as the stores see time: a fake clock jumps, Redis really waits. */
  elapse(ms: number): Promise<void>;
}

interface Subject {
  name: string;
  setup(): Promise<void>;
  stores(): Stores;
  teardown(): Promise<void>;
}

function fakeSubject(): Subject {
  return {
    name: 'in-memory fakes',
    setup: async () => {},
    stores() {
      let clock = Date.parse('2026-03-01T10:00:00.000Z');
      const now = () => clock;
      return {
        locks: createFakeLocks(now),
        confirmations: createFakeConfirmations(now),
        jobState: createFakeJobState(),
        audit: (retentionMs) => createFakeAudit({ retentionMs, now }),
        elapse: async (ms) => {
          clock += ms;
        },
      };
    },
    teardown: async () => {},
  };
}

function redisSubject(): Subject {
  let redis: Redis;
  const prefixes: string[] = [];
  return {
    name: 'Redis adapters',
    async setup() {
      redis = connectRedis(inject('redisUrl'), 'producer');
      await redis.ping();
    },
    stores() {
      const prefix = uniqueName('stores');
      prefixes.push(prefix);
      return {
        locks: createRedisLocks(redis, prefix),
        confirmations: createRedisConfirmations(redis, prefix),
        jobState: createRedisJobState(redis, prefix),
        audit: (retentionMs) => createRedisAudit(redis, prefix, retentionMs),
        // Redis expires keys on its own clock: nothing to wait for but time itself.
        elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      };
    },
    async teardown() {
      for (const prefix of prefixes) {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
      }
      await redis.quit();
    },
  };
}

const holder = (target: string, jobId: string, over: Partial<LockHolder> = {}): LockHolder => ({
  target, jobId, user: 'U_ALICE', since: '2026-03-01T10:00:00.000Z', text: `deploy ${target}`, ...over,
});

const pending = (id: string, over: Partial<PendingConfirmation> = {}): PendingConfirmation => ({
  id,
  action: {
    type: 'job', jobId: id,
    data: { kind: 'deploy', payload: { service: 'gerrit' }, requestedBy: { user: 'U_ALICE', channel: 'C_OPS', channelName: 'ops' }, environment: 'prod', text: 'deploy gerrit', transport: { kind: 'slack' }, requestedAt: '2026-03-01T10:00:00.000Z' },
  },
  requester: 'U_ALICE', channel: 'C_OPS', channelName: 'ops', environment: 'prod', transport: { kind: 'slack' }, text: 'deploy gerrit', verb: 'deploy',
  target: 'gerrit', lockTarget: 'deploy:gerrit@prod', approvals: 2, approvers: [], expiresAt: '2026-03-01T10:05:00.000Z',
  preview: { text: 'This will deploy gerrit 3.9.2 to prod.', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'deploy *gerrit*' } }] },
  ...over,
});

const DAY = 24 * 3600_000;

describe.each([fakeSubject(), redisSubject()])('stores contract: $name', (subject) => {
  beforeAll(() => subject.setup());
  afterAll(() => subject.teardown());

  describe('locks', () => {
    it('takes a free lock and lists who holds it', async () => {
      const { locks } = subject.stores();
      expect(await locks.acquire(holder('deploy:gerrit@prod', 'job-1'), 60_000)).toEqual({ acquired: true });
      expect(await locks.list()).toEqual([holder('deploy:gerrit@prod', 'job-1')]);
    });

    it('refuses a held lock to another job, saying who holds it', async () => {
      const { locks } = subject.stores();
      await locks.acquire(holder('deploy:gerrit@prod', 'job-1'), 60_000);
      const refused = await locks.acquire(holder('deploy:gerrit@prod', 'job-2', { user: 'U_BOB' }), 60_000);
      expect(refused).toEqual({ acquired: false, holder: holder('deploy:gerrit@prod', 'job-1') });
    });

    it('gives a held lock again to the job that holds it (a retried or resumed job)', async () => {
      const { locks } = subject.stores();
      await locks.acquire(holder('deploy:gerrit@prod', 'job-1'), 60_000);
      expect(await locks.acquire(holder('deploy:gerrit@prod', 'job-1', { since: '2026-03-01T11:00:00.000Z' }), 60_000)).toEqual({ acquired: true });
      expect(await locks.list()).toEqual([holder('deploy:gerrit@prod', 'job-1')]);
    });

    it('of two jobs asking at once, gives the lock to exactly one', async () => {
      const { locks } = subject.stores();
      const results = await Promise.all([locks.acquire(holder('failover:postgres', 'job-a'), 60_000), locks.acquire(holder('failover:postgres', 'job-b'), 60_000)]);
      expect(results.filter((r) => r.acquired)).toHaveLength(1);
      const loser = results.find((r) => !r.acquired);
      const winner = (await locks.list())[0]!.jobId;
      expect(loser).toEqual({ acquired: false, holder: expect.objectContaining({ jobId: winner }) });
    });

    it('lets a lock expire unless its job refreshes it, and only its job can', async () => {
      const { locks, elapse } = subject.stores();
      await locks.acquire(holder('stack:dev', 'job-1'), 500);
      await locks.acquire(holder('stack:prod', 'job-2'), 500);
      await elapse(200);
      expect(await locks.refresh('stack:dev', 'job-1', 2_000)).toBe(true);
      expect(await locks.refresh('stack:prod', 'job-other', 2_000)).toBe(false);
      await elapse(450);
      // stack:dev was refreshed and is still held; stack:prod expired and is free.
      expect((await locks.list()).map((l) => l.target)).toEqual(['stack:dev']);
      expect(await locks.acquire(holder('stack:dev', 'job-3'), 1_000)).toMatchObject({ acquired: false, holder: { jobId: 'job-1' } });
      expect(await locks.refresh('stack:prod', 'job-2', 1_000)).toBe(false);
      expect(await locks.acquire(holder('stack:prod', 'job-3'), 1_000)).toEqual({ acquired: true });
    });

    it('releases a lock only for the job that holds it', async () => {
      const { locks } = subject.stores();
      await locks.acquire(holder('deploy:gerrit@prod', 'job-1'), 60_000);
      await locks.release('deploy:gerrit@prod', 'job-2');
      expect(await locks.acquire(holder('deploy:gerrit@prod', 'job-2'), 60_000)).toMatchObject({ acquired: false });
      await locks.release('deploy:gerrit@prod', 'job-1');
      expect(await locks.list()).toEqual([]);
      expect(await locks.acquire(holder('deploy:gerrit@prod', 'job-2'), 60_000)).toEqual({ acquired: true });
      await locks.release('nothing:held', 'job-1');
    });

    it('lists every lock held, oldest first', async () => {
      const { locks } = subject.stores();
      expect(await locks.list()).toEqual([]);
      const b = holder('deploy:gitlab@prod', 'job-b', { since: '2026-03-01T10:02:00.000Z' });
      const a = holder('deploy:gerrit@prod', 'job-a', { since: '2026-03-01T10:01:00.000Z' });
      const c = holder('failover:postgres', 'job-c', { since: '2026-03-01T10:03:00.000Z' });
      for (const h of [b, c, a]) await locks.acquire(h, 60_000);
      expect(await locks.list()).toEqual([a, b, c]);
    });
  });

  describe('confirmations', () => {
    it('keeps a pending confirmation as it was created, and where its message is', async () => {
      const { confirmations } = subject.stores();
      const p = pending('deploy-1');
      await confirmations.create(p, 60_000);
      expect(await confirmations.get('deploy-1')).toEqual(p);
      expect(await confirmations.get('deploy-unknown')).toBeUndefined();
      await confirmations.attachMessage('deploy-1', { channel: 'C_OPS', ts: '1700000000.000100' });
      expect(await confirmations.get('deploy-1')).toEqual({ ...p, message: { channel: 'C_OPS', ts: '1700000000.000100' } });
    });

    it('counts each approver once', async () => {
      const { confirmations } = subject.stores();
      await confirmations.create(pending('deploy-1'), 60_000);
      expect(await confirmations.approve('deploy-1', 'U_BOB')).toEqual(['U_BOB']);
      expect((await confirmations.approve('deploy-1', 'U_CAROL'))?.sort()).toEqual(['U_BOB', 'U_CAROL']);
      expect((await confirmations.approve('deploy-1', 'U_BOB'))?.sort()).toEqual(['U_BOB', 'U_CAROL']);
      expect((await confirmations.get('deploy-1'))?.approvers.sort()).toEqual(['U_BOB', 'U_CAROL']);
      expect(await confirmations.approve('deploy-unknown', 'U_BOB')).toBeUndefined();
    });

    it('hands a confirmation out once, with its approvers', async () => {
      const { confirmations } = subject.stores();
      await confirmations.create(pending('deploy-1'), 60_000);
      await confirmations.approve('deploy-1', 'U_BOB');
      expect(await confirmations.take('deploy-1')).toEqual({ ...pending('deploy-1'), approvers: ['U_BOB'] });
      expect(await confirmations.take('deploy-1')).toBeUndefined();
      expect(await confirmations.get('deploy-1')).toBeUndefined();
      expect(await confirmations.approve('deploy-1', 'U_CAROL')).toBeUndefined();
    });

    it('of two simultaneous clicks, gives the confirmation to exactly one', async () => {
      const { confirmations } = subject.stores();
      await confirmations.create(pending('deploy-1'), 60_000);
      const taken = await Promise.all([confirmations.take('deploy-1'), confirmations.take('deploy-1')]);
      expect(taken.filter((t) => t !== undefined)).toHaveLength(1);
    });

    it('never counts an approval the taker did not see', async () => {
      const { confirmations } = subject.stores();
      await confirmations.create(pending('deploy-1'), 60_000);
      const [approvers, taken] = await Promise.all([confirmations.approve('deploy-1', 'U_BOB'), confirmations.take('deploy-1')]);
      // Either the approval landed before the take (and the taker saw it), or it found nothing.
      if (approvers === undefined) expect(taken?.approvers).toEqual([]);
      else {
        expect(approvers).toEqual(['U_BOB']);
        expect(taken?.approvers).toEqual(['U_BOB']);
      }
    });

    it('does not bring a taken confirmation back when its message is attached at the same moment', async () => {
      const { confirmations } = subject.stores();
      await confirmations.create(pending('deploy-1'), 60_000);
      const [, taken] = await Promise.all([confirmations.attachMessage('deploy-1', { channel: 'C_OPS', ts: '1.1' }), confirmations.take('deploy-1')]);
      expect(taken).toBeDefined();
      expect(await confirmations.get('deploy-1')).toBeUndefined();
      expect(await confirmations.take('deploy-1')).toBeUndefined();
    });

    it('forgets a confirmation and its approvals when it expires', async () => {
      const { confirmations, elapse } = subject.stores();
      await confirmations.create(pending('deploy-1'), 200);
      await confirmations.approve('deploy-1', 'U_BOB');
      await elapse(300);
      expect(await confirmations.get('deploy-1')).toBeUndefined();
      expect(await confirmations.approve('deploy-1', 'U_CAROL')).toBeUndefined();
      expect(await confirmations.take('deploy-1')).toBeUndefined();
      // Asked again under the same id, it starts with no approvals.
      await confirmations.create(pending('deploy-1'), 60_000);
      expect((await confirmations.get('deploy-1'))?.approvers).toEqual([]);
    });
  });

  describe('audit', () => {
    const entry = (n: number, over: Partial<Parameters<AuditLog['append']>[0]> = {}) =>
      ({ event: 'command', user: 'U_ALICE', channel: 'ops', text: `status ${n}`, ...over }) as const;

    it('gives the latest entries first, stamped when appended unless they say when', async () => {
      const audit = subject.stores().audit(DAY);
      await audit.append(entry(1));
      await audit.append(entry(2, { at: '2026-03-01T09:00:00.000Z', jobId: 'status-1', outcome: 'succeeded' }));
      await audit.append(entry(3));
      const latest = await audit.latest({ limit: 10 });
      expect(latest.map((e) => e.text)).toEqual(['status 3', 'status 2', 'status 1']);
      expect(latest[1]).toEqual({ ...entry(2), at: '2026-03-01T09:00:00.000Z', jobId: 'status-1', outcome: 'succeeded' });
      expect(latest[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('filters by user and by target, and returns at most `limit`', async () => {
      const audit = subject.stores().audit(DAY);
      for (let n = 1; n <= 6; n++) await audit.append(entry(n, { user: n % 2 ? 'U_ALICE' : 'U_BOB', target: n <= 3 ? 'gerrit' : 'postgres' }));
      expect((await audit.latest({ user: 'U_BOB', limit: 10 })).map((e) => e.text)).toEqual(['status 6', 'status 4', 'status 2']);
      expect((await audit.latest({ target: 'gerrit', limit: 10 })).map((e) => e.text)).toEqual(['status 3', 'status 2', 'status 1']);
      expect((await audit.latest({ user: 'U_ALICE', target: 'postgres', limit: 10 })).map((e) => e.text)).toEqual(['status 5']);
      expect((await audit.latest({ limit: 2 })).map((e) => e.text)).toEqual(['status 6', 'status 5']);
      expect(await audit.latest({ limit: 0 })).toEqual([]);
      expect(await audit.latest({ user: 'U_NOBODY', limit: 10 })).toEqual([]);
    });

    it('finds a rare match far back in a long trail', async () => {
      const audit = subject.stores().audit(DAY);
      await audit.append(entry(0, { target: 'postgres', event: 'job_finished' }));
      for (let n = 1; n <= 1_100; n++) await audit.append(entry(n, { target: 'gerrit' }));
      const found = await audit.latest({ target: 'postgres', limit: 5 });
      expect(found.map((e) => e.text)).toEqual(['status 0']);
      expect(await audit.latest({ target: 'gerrit', limit: 1_000 })).toHaveLength(1_000);
    });

    it('drops entries older than the retention', async () => {
      const { audit: make, elapse } = subject.stores();
      const audit = make(300);
      await audit.append(entry(1));
      await elapse(400);
      await audit.append(entry(2));
      expect((await audit.latest({ limit: 10 })).map((e) => e.text)).toEqual(['status 2']);
    });
  });

  describe('job state', () => {
    it('gives back the progress saved last, and nothing for an unknown job', async () => {
      const { jobState } = subject.stores();
      const state: ProgressState = {
        jobId: 'deploy-1', title: 'Deploy gerrit', requestedBy: 'U_ALICE', startedAt: '2026-03-01T10:00:00.000Z', resumed: 0,
        steps: [{ name: 'build', status: 'done', startedAt: '2026-03-01T10:00:01.000Z', endedAt: '2026-03-01T10:00:05.000Z' }],
        message: { channel: 'C_OPS', ts: '1700000000.000100' },
      };
      expect(await jobState.load('deploy-1')).toBeUndefined();
      await jobState.save(state);
      expect(await jobState.load('deploy-1')).toEqual(state);
      const finished: ProgressState = { ...state, resumed: 1, result: { outcome: 'succeeded', summary: 'Deployed.', endedAt: '2026-03-01T10:01:00.000Z' } };
      await jobState.save(finished);
      expect(await jobState.load('deploy-1')).toEqual(finished);
      expect(await jobState.load('deploy-2')).toBeUndefined();
    });
  });
});

describe('Redis adapters when Redis is unreachable', () => {
  let redis: Redis;
  beforeAll(() => {
    // A port nothing listens on; the producer's command timeout bounds each call.
    redis = connectRedis('redis://127.0.0.1:1', 'producer', { commandTimeoutMs: 300 });
  });
  afterAll(() => {
    redis.disconnect();
  });

  it('fail with UpstreamError(redis), which users see explained rather than as an internal error', async () => {
    const prefix = uniqueName('down');
    const calls: Array<() => Promise<unknown>> = [
      () => createRedisLocks(redis, prefix).acquire(holder('deploy:gerrit@prod', 'job-1'), 1_000),
      () => createRedisLocks(redis, prefix).list(),
      () => createRedisConfirmations(redis, prefix).take('deploy-1'),
      () => createRedisAudit(redis, prefix, DAY).append(entry()),
      () => createRedisJobState(redis, prefix).load('deploy-1'),
    ];
    for (const call of calls) {
      const error = await call().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ service: 'redis' });
    }
  });

  function entry() {
    return { event: 'command', user: 'U_ALICE', channel: 'ops', text: 'status' } as const;
  }
});
