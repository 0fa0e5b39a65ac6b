/**
 * A job kind for tests of the jobs platform (runner, progress message, locks, confirmation,
 * cancel). It is registered under a real verb's kind name ('failover', 'deploy') so commands reach
 * it through the whole real path, and it does nothing but run named steps through
 * `ctx.progress.step`, each one waiting on a gate the test controls. Everything around it is what
 * is under test; this kind only lets the test decide when each step ends and whether one fails.
 */
import { z } from 'zod';
import { UpstreamError } from '../../src/errors.js';
import type { JobKind } from '../../src/jobs/job-kind.js';

export interface Script {
  /** Step names, run in order. */
  steps: string[];
  /** 'manual' (default): a step waits until the test calls open(); a number: each step takes that many ms. */
  pace?: 'manual' | number;
  /** The step that fails once its gate opens, with an UpstreamError saying `failWith` (as a real kind would). */
  failAt?: string;
  failWith?: string;
  /**
   * Whether a step's wait ends as soon as the job is cancelled (default true): the kind honours its
   * AbortSignal. False models a step that must run to its end; the platform must then stop the job
   * before the next step.
   */
  abortable?: boolean;
}

/** What one run of the kind did, for asserting what ran (and what did not). */
export interface ScriptedRun {
  jobId: string;
  target: string;
  requestedBy: string;
  started: string[];
  finished: string[];
  /** The job's AbortSignal fired while a step waited (the signal reached the processor). */
  sawAbort: boolean;
}

const DEFAULT_SCRIPT: Script = { steps: ['prepare', 'apply', 'verify'], pace: 0 };
const WAIT_LIMIT_MS = 15_000;

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Rejects after `ms` with `what`, so a test waiting on a gate fails with a clear message, not a hang. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scripted job: ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Resolves when `gate` does; rejects as soon as `signal` aborts when `abortable`. */
function waitFor(gate: Promise<void>, signal: AbortSignal, abortable: boolean): Promise<void> {
  if (!abortable) return gate;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error(`stopped: ${String(signal.reason)}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    gate.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}

const payloadSchema = z.object({ verb: z.string(), environment: z.string() }).catchall(z.unknown());
type Payload = z.infer<typeof payloadSchema>;

export interface ScriptedKind {
  jobKind: JobKind<Payload>;
  /** Queues the script for the next run on `target` (runs without a plan take a quick default). */
  plan(target: string, script: Script): void;
  /** Lets step `step` of the run on `target` end (before or after the step is reached). */
  open(target: string, step: string): void;
  /** Resolves once the run on `target` is inside step `step`. */
  reached(target: string, step: string): Promise<void>;
  /** The next preview for `target` throws an UpstreamError saying `message`. */
  failPreview(target: string, message: string): void;
  /** Opens every gate, now and from now on: lets a test's leftover runs end so the worker can close. */
  openAll(): void;
  /** Every run so far, oldest first. */
  runs: ScriptedRun[];
}

/**
 * A scripted kind named `kind`, whose target is `payload[targetField]` (e.g. failover → database).
 * At most one run per target is live at a time, which the platform's locks guarantee.
 */
export function createScriptedKind(opts: { kind: string; targetField: string; title: (target: string, environment: string) => string }): ScriptedKind {
  const plans = new Map<string, Script[]>();
  const gates = new Map<string, Deferred>();
  const reachedGates = new Map<string, Deferred>();
  const runs: ScriptedRun[] = [];
  let allOpen = false;
  const previewFailures = new Map<string, string>();
  const gateOf = (map: Map<string, Deferred>, key: string): Deferred => {
    let d = map.get(key);
    if (!d) map.set(key, (d = deferred()));
    if (allOpen && map === gates) d.resolve();
    return d;
  };
  const targetOf = (payload: Payload): string => String(payload[opts.targetField] ?? '?');

  const jobKind: JobKind<Payload> = {
    kind: opts.kind,
    payloadSchema,
    title: (payload) => opts.title(targetOf(payload), payload.environment),
    async preview(payload) {
      const target = targetOf(payload);
      const failure = previewFailures.get(target);
      previewFailures.delete(target);
      if (failure) throw new UpstreamError(failure, { service: 'scripted', retryable: false });
      return { text: `${opts.title(target, payload.environment)}: runs the steps planned for ${target}.` };
    },
    async run(payload, ctx) {
      const target = targetOf(payload);
      const script = plans.get(target)?.shift() ?? DEFAULT_SCRIPT;
      const run: ScriptedRun = { jobId: ctx.jobId, target, requestedBy: ctx.data.requestedBy.user, started: [], finished: [], sawAbort: false };
      runs.push(run);
      const abortable = script.abortable ?? true;
      ctx.signal.addEventListener('abort', () => (run.sawAbort = true), { once: true });
      try {
        for (const name of script.steps) {
          await ctx.progress.step(name, async () => {
            run.started.push(name);
            gateOf(reachedGates, `${target}/${name}`).resolve();
            const gate = script.pace === undefined || script.pace === 'manual'
              ? gateOf(gates, `${target}/${name}`).promise
              : new Promise<void>((r) => setTimeout(r, script.pace as number));
            await waitFor(gate, ctx.signal, abortable);
            if (name === script.failAt) throw new UpstreamError(script.failWith ?? `${name} failed`, { service: 'scripted', retryable: false });
            run.finished.push(name);
          });
        }
      } finally {
        for (const name of script.steps) {
          gates.delete(`${target}/${name}`);
          reachedGates.delete(`${target}/${name}`);
        }
      }
    },
  };

  return {
    jobKind,
    runs,
    plan(target, script) {
      plans.set(target, [...(plans.get(target) ?? []), script]);
    },
    failPreview(target, message) {
      previewFailures.set(target, message);
    },
    openAll() {
      allOpen = true;
      for (const d of gates.values()) d.resolve();
    },
    open(target, step) {
      gateOf(gates, `${target}/${step}`).resolve();
    },
    reached(target, step) {
      return within(gateOf(reachedGates, `${target}/${step}`).promise, WAIT_LIMIT_MS, `step '${step}' of ${target} was not reached`);
    },
  };
}
