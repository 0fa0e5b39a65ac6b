/**
 * For the chaos tests (chaos-*.test.ts): a devbot installation of real processes (one `devbot
 * serve`, workers started and killed by the test) on a Redis of the test's own (AOF, fsync always,
 * so it may be killed and restarted mid-job), and ways to see what happened from outside devbot:
 * the Slack fake, the workers' logs, and etcd's own member list.
 */
import { readFileSync } from 'node:fs';
import { createProcessGroup, type DevbotProcess, type ProcessGroup, type RedisProcess } from '../harness/devbot-processes.js';
import { startInstallation, type Installation, type InstallationOptions } from '../harness/devbot-installation.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';

export interface ChaosRig {
  inst: Installation;
  serve: DevbotProcess;
  /** The workers started with the rig. */
  workers: DevbotProcess[];
  /** Starts a worker; resolves once the queue counts `expected` workers connected. */
  startWorker(name: string, expected: number): Promise<DevbotProcess>;
  /**
   * SIGKILLs the installation's Redis, runs `meanwhile` (while it is down), and starts it again on
   * the same port and data (it replays its AOF); resolves once it answers PING.
   */
  restartRedis(meanwhile?: () => Promise<void>): Promise<void>;
  /** `/dev <text>` as U_ALICE in #ops; resolves with the job id it was queued as. */
  queue(text: string): Promise<string>;
  /** Resolves once `worker`'s log says it started running `jobId`. */
  waitUntilRunning(worker: DevbotProcess, jobId: string, timeoutMs?: number): Promise<void>;
  /** The thread replies of the job's message, as one text (what the requester reads under it). */
  thread(jobId: string): string;
  /** Resolves once the job's thread has a reply containing `text`. */
  waitForThread(jobId: string, text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** What a person would look at when a case fails: the job's last message, its thread, the workers' last log lines. */
  diagnose(jobId: string): string;
  close(): Promise<void>;
}

let triggers = 0;

const tailOf = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
};

/**
 * `workers`: how many workers to start with the serve (named worker-1…; in `rig.workers`).
 * `workerEnv`: laid over every worker's environment (e.g. the AWS credentials of an S3 server).
 */
export async function startChaosRig(opts: Omit<InstallationOptions, 'redisUrl'> & { workers?: number; workerEnv?: Record<string, string> }): Promise<ChaosRig> {
  const redisGroup: ProcessGroup = createProcessGroup(`${opts.label}-redis`);
  let redis: RedisProcess = await redisGroup.startRedis('redis');
  const inst = await startInstallation({ ...opts, redisUrl: redis.url });
  const workersStarted: DevbotProcess[] = [];
  // Side by side: on a busy machine each process takes seconds to start.
  const [serve, ...workers] = await Promise.all([
    inst.start('serve', 'serve'),
    ...Array.from({ length: opts.workers ?? 0 }, (_, i) => inst.start('worker', `worker-${i + 1}`, opts.workerEnv)),
  ]);
  workersStarted.push(...workers);
  await inst.waitForWorkers(workers.length, 30_000);
  const messageTs = (jobId: string) =>
    inst.fake.callsTo('chat.postMessage').find((c) => c.params['thread_ts'] === undefined && String(c.params['text']).includes(`job ${jobId}`))?.ts;
  const threadOf = (jobId: string) => {
    const ts = messageTs(jobId);
    return ts === undefined ? [] : inst.fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === ts).map((c) => String(c.params['text']));
  };
  return {
    inst,
    serve,
    workers,
    async startWorker(name, expected) {
      const w = await inst.start('worker', name, opts.workerEnv);
      workersStarted.push(w);
      await inst.waitForWorkers(expected, 30_000);
      return w;
    },
    async restartRedis(meanwhile) {
      await redisGroup.kill(redis, 'SIGKILL');
      try {
        await meanwhile?.();
      } finally {
        redis = await redisGroup.restartRedis(redis);
      }
    },
    async queue(text) {
      const res = await inst.command(serve, text, { triggerId: `chaos-${++triggers}-${Date.now()}` });
      const jobId = /Queued as job ([a-z]+-[0-9a-f]+)/.exec(res.body)?.[1];
      if (!jobId) throw new Error(`/dev ${text} was not queued: ${res.status} ${res.body}`);
      return jobId;
    },
    async waitUntilRunning(worker, jobId, timeoutMs = 20_000) {
      await waitFor(`${worker.name} to run ${jobId}`, () =>
        readFileSync(worker.logFile, 'utf8').split('\n').some((l) => l.includes(`"jobId":"${jobId}"`) && l.includes('"msg":"job started"')), { timeoutMs, intervalMs: 50 });
    },
    thread: (jobId) => threadOf(jobId).join('\n'),
    async waitForThread(jobId, text, timeoutMs = 30_000) {
      const matches = (t: string) => (typeof text === 'string' ? t.includes(text) : text.test(t));
      return waitFor(`a reply matching ${String(text)} in the thread of ${jobId}`, () => threadOf(jobId).find(matches), { timeoutMs, intervalMs: 50 });
    },
    diagnose(jobId) {
      const last = inst.updatesOf(jobId).at(-1) ?? inst.fake.callsTo('chat.postMessage').find((c) => String(c.params['text']).includes(`job ${jobId}`));
      const logs = workersStarted.map((w) => `--- ${w.name} (pid ${w.pid}):\n${tailOf(w.logFile)}`).join('\n');
      return `job ${jobId}\n--- message:\n${String(last?.params['text'] ?? '(none)')}\n--- thread:\n${threadOf(jobId).join('\n')}\n${logs}`;
    },
    async close() {
      await inst.close();
      await redisGroup.stop();
    },
  };
}
