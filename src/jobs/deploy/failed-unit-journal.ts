import type { Deps } from '../../deps.js';
import { isBotError } from '../../errors.js';
import type { Remote } from '../../ports/remote.js';
import type { Machine, Scheduler } from '../../ports/scheduler.js';
import { catalogEnv } from '../../remote/catalog-secrets.js';
import { scrubOutput } from '../../remote/scrub-lines.js';
import { withDeadline } from '../../with-deadline.js';
import { journalArgv } from '../logs.job.js';

/** Lines of the failed unit's journal a failed deploy shows. */
export const FAILURE_JOURNAL_LINES = 20;
/**
 * The whole look-up (fleet's states, SSH connect, journalctl) gets this long at most: the failure
 * report is what the operator waits for, and an unreachable machine must not hold it up.
 */
export const FAILURE_JOURNAL_TIMEOUT_MS = 3_000;

/** What a failure message says of the unit's journal: its last lines, or why they could not be read. */
export type FailureJournal = { unit: string; machine: string; lines: string[] } | { unit: string; unavailable: string };

/**
 * The last journal lines of a unit that failed in a deploy, from the machine fleet reports it on,
 * through the same Remote port as `/dev logs`, scrubbed. Undefined when the environment has no
 * `remote` (SSH) configured. Never throws: a failure becomes `unavailable` with the reason.
 */
export async function failedUnitJournal(
  deps: Pick<Deps, 'config' | 'remoteFor'>,
  o: { environment: string; unit: string; scheduler: Scheduler; machines: Machine[]; signal: AbortSignal },
): Promise<FailureJournal | undefined> {
  const config = deps.config.environments[o.environment]?.remote;
  if (!config || !deps.remoteFor) return undefined;
  const timeoutMs = Math.min(config.timeoutMs, FAILURE_JOURNAL_TIMEOUT_MS);
  // Its own signal: the deploy's may be aborted (cancel) while the failure is still reported.
  const stop = new AbortController();
  const onAbort = () => stop.abort(o.signal.reason);
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    // The Remote's own timeout names the machine; this one also bounds the fleet look-up before it.
    return await withDeadline(read(deps.remoteFor(o.environment), o, timeoutMs, stop.signal, deps), timeoutMs + 500, () => new Error(`no answer within ${timeoutMs + 500} ms`));
  } catch (err) {
    return { unit: o.unit, unavailable: isBotError(err) ? err.userFacing : (err as Error).message };
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

async function read(
  remote: Remote,
  o: { environment: string; unit: string; scheduler: Scheduler; machines: Machine[] },
  timeoutMs: number,
  signal: AbortSignal,
  deps: Pick<Deps, 'config'>,
): Promise<FailureJournal> {
  const states = await o.scheduler.states({ unitName: o.unit, signal });
  // The copy that failed (or keeps restarting) is the one whose journal says why.
  const state = states.find((s) => s.activeState === 'failed') ?? states.find((s) => s.subState === 'auto-restart') ?? states[0];
  const machine = state && o.machines.find((m) => m.id === state.machineId);
  if (!machine) return { unit: o.unit, unavailable: 'fleet reports the unit on no machine it knows' };
  const result = await remote.run(machine.ip, journalArgv(o.unit, FAILURE_JOURNAL_LINES), { timeoutMs, signal, machineId: machine.id });
  const where = `${machine.id.slice(0, 8)} (${machine.ip})`;
  if (result.code !== 0) return { unit: o.unit, unavailable: `journalctl on ${where} exited ${result.code}: ${scrubOutput(result.stderr.trim()).slice(0, 200)}` };
  const text = scrubOutput(result.stdout.trimEnd(), catalogEnv(deps, o.environment));
  return { unit: o.unit, machine: where, lines: text ? text.split('\n').slice(-FAILURE_JOURNAL_LINES) : [] };
}
