import { z } from 'zod';
import { quoteArgv } from '../remote/shell-quote.js';
import { remoteOf } from '../remote/remote-context.js';
import { resolveExec } from '../remote/resolve-exec.js';
import { describeOutcome, runOnMachines, type MachineOutcome } from '../remote/run-on-machines.js';
import { scrubOutput } from '../remote/scrub-lines.js';
import { selectMachines } from '../remote/select-machines.js';
import { fleetOf } from './deploy/fleet-context.js';
import type { JobContext, JobKind } from './job-kind.js';

const payloadSchema = z.object({ where: z.string(), entry: z.string(), args: z.array(z.string()), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

/** Lines of one machine's output shown in the thread; the rest is counted. */
const OUTPUT_LINES = 40;

async function audit(outcome: MachineOutcome, argv: string[], ctx: JobContext): Promise<void> {
  const { requestedBy, transport } = ctx.data;
  await ctx.deps.audit.append({
    event: 'remote_exec', user: requestedBy.user, channel: requestedBy.channelName, transport: transport.kind, jobId: ctx.jobId,
    text: quoteArgv(argv), target: `${outcome.machine.id} ${outcome.machine.ip}`, outcome: outcome.code === undefined ? `not run: ${outcome.error ?? 'no answer'}` : `exit ${outcome.code}`,
  });
}

function threadOf(outcome: MachineOutcome): string {
  const lines = outcome.output.split('\n');
  const shown = lines.slice(0, OUTPUT_LINES).join('\n');
  const more = lines.length > OUTPUT_LINES ? `\n… ${lines.length - OUTPUT_LINES} more lines` : '';
  return `${describeOutcome(outcome)}${outcome.output ? `\n\`\`\`\n${shown}${more}\n\`\`\`` : ''}`;
}

/** `/dev exec <machine|role=…|unit> <entry> [args…]`: an allow-listed argv on one machine or all of a role, at most `parallelism` at once. */
export const execJob: JobKind<Payload> = {
  kind: 'exec',
  payloadSchema,
  title: (p) => `Exec ${p.entry} on ${p.where} (${p.environment})`,
  async run(payload, ctx) {
    const { config, remote } = remoteOf(ctx.deps, payload.environment);
    // The allow-list and the argument patterns are checked before anything is asked of fleet or a machine.
    const argv = resolveExec(config.exec, payload.entry, payload.args);
    const { scheduler } = fleetOf(ctx.deps, payload.environment);
    const [machines, states] = await Promise.all([scheduler.machines({ signal: ctx.signal }), scheduler.states({ signal: ctx.signal })]);
    const targets = selectMachines(payload.where, machines, states);
    const outcomes = (await ctx.progress.step(`Run ${payload.entry} on ${targets.length} machine${targets.length === 1 ? '' : 's'}`, () =>
      runOnMachines(remote, targets, argv, { timeoutMs: config.timeoutMs, parallelism: config.parallelism, signal: ctx.signal }),
    )) ?? [];
    const scrubbed = outcomes.map((o) => ({ ...o, output: scrubOutput(o.output) }));
    for (const o of scrubbed) ctx.progress.log(threadOf(o));
    await Promise.all(scrubbed.map((o) => audit(o, argv, ctx)));
    const failed = scrubbed.filter((o) => o.status === 'critical').length;
    const lines = scrubbed.map(describeOutcome).join('\n');
    await ctx.progress.finish(failed ? 'failed' : 'succeeded', `${payload.entry} on ${scrubbed.length} machine${scrubbed.length === 1 ? '' : 's'}: ${scrubbed.length - failed} answered without error.\n${lines}`);
  },
};
