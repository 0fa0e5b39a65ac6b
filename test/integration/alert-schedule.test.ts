/**
 * Every `devbot worker` registers the alert evaluation at startup: the same scheduler however many
 * start, updated when `alerts.intervalMs` changes, removed when `alerts.enabled` is false. Read
 * back from BullMQ in the real Redis, after real worker processes started.
 */
import { Queue } from 'bullmq';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { createProcessGroup, type DevbotProcess, type ProcessGroup } from '../harness/devbot-processes.js';
import { uniqueName } from '../harness/unique.js';

describe('the alert schedule of devbot worker', () => {
  const prefix = uniqueName('schedule');
  let group: ProcessGroup;
  let queue: Queue;

  const configWith = (alerts: string): string => {
    const file = join(group.dir, `${uniqueName('cfg')}.yaml`);
    writeFileSync(file, `
redis: { prefix: ${prefix} }
ops: { workerPort: 0 }
environments:
  prod: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] } }
alerts: ${alerts}
`);
    return file;
  };
  const startWorker = (name: string, alerts: string): Promise<DevbotProcess> =>
    group.startShipped('worker', name, { configFile: configWith(alerts), env: { DEVBOT_REDIS_URL: inject('redisUrl') } });
  const scheduler = () => queue.getJobScheduler('alerts-watch');
  const schedulerCount = async () => (await queue.getJobSchedulers()).length;

  beforeAll(() => {
    group = createProcessGroup('schedule');
    queue = new Queue('devbot', { connection: { url: inject('redisUrl') } as never, prefix });
  });

  afterAll(async () => {
    await group?.stop();
    await queue?.close();
  });

  it('two workers: one scheduler at the configured interval; a restart with a new interval updates it; disabled removes it', async () => {
    const [a, b] = await Promise.all([startWorker('w1', '{ intervalMs: 2000 }'), startWorker('w2', '{ intervalMs: 2000 }')]);
    await Promise.all([a, b].map((w) => group.waitForLog(w, '"msg":"alert evaluation scheduled"')));
    expect(await schedulerCount()).toBe(1);
    expect((await scheduler())?.every).toBe(2000);

    await group.kill(a, 'SIGTERM');
    const c = await startWorker('w3', '{ intervalMs: 750 }');
    await group.waitForLog(c, '"msg":"alert evaluation scheduled"');
    expect(await schedulerCount()).toBe(1);
    expect((await scheduler())?.every).toBe(750);

    await group.kill(b, 'SIGTERM');
    await group.kill(c, 'SIGTERM');
    const d = await startWorker('w4', '{ enabled: false }');
    await group.waitForLog(d, 'alert evaluation off');
    await waitFor('the scheduler to be gone', async () => (await schedulerCount()) === 0, { timeoutMs: 5_000 });
    expect(await scheduler()).toBeUndefined();
  });
});
