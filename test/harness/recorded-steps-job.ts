/**
 * A scripted job kind for the multi-process tests (crash safety, Redis restart, replicas). It runs
 * N named steps through ctx.progress.step, each taking a set time, and records every step it starts
 * and finishes in Redis, so a test can prove that no finished step ran twice. It also publishes
 * each event, so a test waits on events rather than polling.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { JobKind } from '../../src/jobs/job-kind.js';

export type ScriptEventName = 'run' | 'step-start' | 'step-done';

export interface ScriptEvent {
  event: ScriptEventName;
  jobId: string;
  /** The worker process that ran it. */
  pid: number;
  /** One id per call of run(): a resumed job has a new one, even in the same process. */
  run: string;
  step?: string;
  /** Epoch ms on the worker. */
  at: number;
}

/**
 * Redis keys the scripted kind writes, under the bot's prefix. Every write is idempotent: ioredis
 * sends a command again when Redis died before answering it, and a replayed INCR would count a
 * step twice that ran once.
 */
export const scriptKeys = {
  /** Pub/sub channel with every ScriptEvent as JSON. */
  events: (prefix: string) => `${prefix}:test:events`,
  /** The runs that started / finished `step` of `jobId` (a SET of run ids). */
  started: (prefix: string, jobId: string, step: string) => `${prefix}:test:step:${jobId}:${step}:started`,
  done: (prefix: string, jobId: string, step: string) => `${prefix}:test:step:${jobId}:${step}:done`,
  /** Every event of a job (a HASH: `<run>/<event>/<step>` → ScriptEvent JSON), for assertions after the fact. */
  log: (prefix: string, jobId: string) => `${prefix}:test:log:${jobId}`,
};

export const stepNames = (count: number): string[] => Array.from({ length: count }, (_, i) => `step-${i + 1}`);

/**
 * The script of one job: `--version <steps>x<ms>` (e.g. `/dev deploy web --version 4x1500`), else
 * DEVBOT_TEST_STEPS and DEVBOT_TEST_STEP_MS of the worker, else 3 steps of 200 ms. A `b<ms>` suffix
 * (`4x1500b1000`) makes each step first block the worker's event loop for that long, as CPU-bound
 * work does (the rest of the step is an ordinary wait).
 */
export function scriptOf(version: string | undefined, env: NodeJS.ProcessEnv): { steps: number; stepMs: number; blockMs: number } {
  const m = /^(\d+)x(\d+)(?:b(\d+))?$/.exec(version ?? '');
  if (m) return { steps: Number(m[1]), stepMs: Number(m[2]), blockMs: Number(m[3] ?? 0) };
  return { steps: Number(env['DEVBOT_TEST_STEPS'] ?? 3), stepMs: Number(env['DEVBOT_TEST_STEP_MS'] ?? 200), blockMs: 0 };
}

/** Keeps the CPU busy and the event loop blocked for `ms`: no timer, no I/O callback runs meanwhile. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) { /* busy on purpose */ }
}

const payloadSchema = z.object({ service: z.string(), version: z.string().optional(), environment: z.string() });

/**
 * The kind, registered under `kind` (a real verb's kind, e.g. 'deploy', so `/dev deploy <svc>`
 * runs it). `redisAt(url)` is where the records go: a connection that waits through a Redis restart
 * (BullMQ's 'consumer' role), as a step's real work would not depend on Redis.
 */
export function createRecordedStepsKind(kind: string, redisAt: (url: string) => Redis): JobKind<z.infer<typeof payloadSchema>> {
  return {
    kind,
    payloadSchema,
    title: (p) => `Scripted ${kind} of ${p.service} (${p.environment})`,
    async run(payload, ctx) {
      const { prefix, url } = ctx.deps.config.redis;
      const redis = redisAt(url);
      const run = randomUUID().slice(0, 8);
      const record = async (event: ScriptEventName, step?: string) => {
        const e: ScriptEvent = { event, jobId: ctx.jobId, pid: process.pid, run, step, at: Date.now() };
        const tx = redis.multi().hset(scriptKeys.log(prefix, ctx.jobId), `${run}/${event}/${step ?? ''}`, JSON.stringify(e));
        if (step) tx.sadd(event === 'step-start' ? scriptKeys.started(prefix, ctx.jobId, step) : scriptKeys.done(prefix, ctx.jobId, step), run);
        await tx.publish(scriptKeys.events(prefix), JSON.stringify(e)).exec();
      };
      await record('run');
      const { steps, stepMs, blockMs } = scriptOf(payload.version, process.env);
      for (const step of stepNames(steps)) {
        await ctx.progress.step(step, async () => {
          await record('step-start', step);
          blockEventLoop(blockMs);
          await sleep(Math.max(0, stepMs - blockMs), undefined, { signal: ctx.signal });
          await record('step-done', step);
        });
      }
    },
  };
}
