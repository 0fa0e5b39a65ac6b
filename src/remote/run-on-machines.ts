import { isBotError } from '../errors.js';
import type { Remote } from '../ports/remote.js';
import type { Machine } from '../ports/scheduler.js';

/** One machine's answer, read the Consul way: exit 0 passing, 1 warning, anything else (or no answer) critical. */
export interface MachineOutcome {
  machine: Machine;
  status: 'passing' | 'warning' | 'critical';
  /** Absent when the command never ran (unreachable, host key refused, timeout). */
  code?: number;
  ms: number;
  output: string;
  /** Why it did not run, in words. */
  error?: string;
}

/**
 * Runs one argv on every machine, at most `parallelism` at a time. Never throws for one machine's
 * failure: it becomes that machine's `critical` outcome, and the others still answer.
 */
export async function runOnMachines(
  remote: Remote,
  machines: Machine[],
  argv: string[],
  opts: { timeoutMs: number; parallelism: number; signal?: AbortSignal },
): Promise<MachineOutcome[]> {
  const outcomes: MachineOutcome[] = new Array(machines.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < machines.length) {
      const i = next++;
      outcomes[i] = await runOne(remote, machines[i] as Machine, argv, opts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.parallelism, machines.length) }, worker));
  return outcomes;
}

async function runOne(remote: Remote, machine: Machine, argv: string[], opts: { timeoutMs: number; signal?: AbortSignal }): Promise<MachineOutcome> {
  const started = Date.now();
  try {
    const r = await remote.run(machine.ip, argv, { timeoutMs: opts.timeoutMs, signal: opts.signal, machineId: machine.id });
    const status = r.code === 0 ? 'passing' : r.code === 1 ? 'warning' : 'critical';
    return { machine, status, code: r.code, ms: r.ms, output: [r.stdout, r.stderr].filter((s) => s.length).join('\n').trimEnd() };
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const error = isBotError(err) ? err.userFacing : String(err);
    return { machine, status: 'critical', ms: Date.now() - started, output: '', error };
  }
}

/** One line per machine for the job's message: `✓ 1a2b3c4d 10.0.0.5 exit 0 in 120 ms`. */
export function describeOutcome(o: MachineOutcome): string {
  const icon = o.status === 'passing' ? '✓' : o.status === 'warning' ? '!' : '✗';
  const what = o.code === undefined ? (o.error ?? 'no answer') : `exit ${o.code}`;
  return `${icon} ${o.machine.id.slice(0, 8)} ${o.machine.ip}: ${what} in ${o.ms} ms`;
}
