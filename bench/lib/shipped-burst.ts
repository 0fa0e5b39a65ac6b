/**
 * A fresh `devbot serve` + `devbot worker`s (the shipped bin/devbot.mjs with a config file) for one
 * run of a Slack burst bench: a prefix and queue of their own, so each run starts with full buckets
 * in the rate budget, and a strict Web API fake of its own, so Slack's buckets are full too.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startFakeSlackApi, type FakeSlackApi } from '../../test/fakes/slack-api.js';
import { createProcessGroup, type ProcessGroup } from '../../test/harness/devbot-processes.js';
import { waitFor } from '../../tools/local-cluster/index.js';
import { slackEnv } from './shipped-slack.js';

export interface BurstRig {
  slack: FakeSlackApi;
  serveUrl: string;
  group: ProcessGroup;
  stop(): Promise<void>;
}

/** `yaml` is the config a user writes, without the `redis`, `jobs` and `ops` sections (made here). */
export async function startBurstRig(opts: { label: string; redisUrl: string; workers: number; concurrency?: number; yaml: string; env?: Record<string, string> }): Promise<BurstRig> {
  const slack = await startFakeSlackApi({ strict: true });
  const group = createProcessGroup(opts.label);
  const prefix = `${opts.label}-${Date.now()}`;
  const configFile = join(group.dir, 'devbot.yaml');
  writeFileSync(configFile, `redis: { prefix: ${prefix} }\njobs: { queue: ${prefix}, concurrency: ${opts.concurrency ?? 4} }\nops: { servePort: 0, workerPort: 0 }\n${opts.yaml}`);
  const env = { ...slackEnv(opts.redisUrl, slack.url), ...opts.env };
  const stop = async () => {
    await group.stop();
    await slack.close();
  };
  let serveUrl: string;
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(prefix, { connection, prefix });
  try {
    const [serve] = await Promise.all([
      group.startShipped('serve', 'serve', { configFile, env }),
      ...Array.from({ length: opts.workers }, (_, i) => group.startShipped('worker', `worker-${i + 1}`, { configFile, env })),
    ]);
    serveUrl = `http://127.0.0.1:${serve!.port}`;
    // Every worker connected to the queue before the burst, so no run pays for a late start.
    await waitFor(`${opts.workers} workers on the queue`, async () => (await queue.getWorkersCount()) >= opts.workers, { timeoutMs: 30_000, intervalMs: 100 });
  } catch (e) {
    await stop();
    throw e;
  } finally {
    await queue.close();
    connection.disconnect();
  }
  return { slack, serveUrl, group, stop };
}
