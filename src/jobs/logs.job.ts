import { z } from 'zod';
import { UpstreamError } from '../errors.js';
import { catalogEnv } from '../remote/catalog-secrets.js';
import { locateUnit } from '../remote/locate-unit.js';
import { remoteOf } from '../remote/remote-context.js';
import { scrubOutput } from '../remote/scrub-lines.js';
import { fleetOf } from './deploy/fleet-context.js';
import type { JobContext, JobKind } from './job-kind.js';

const payloadSchema = z.object({
  unit: z.string(),
  lines: z.number().int().min(1).max(10_000).default(100),
  /** `10m`, `2h`: journalctl's --since, relative to now. */
  since: z.string().regex(/^[1-9][0-9]{0,4}[smhd]$/).optional(),
  environment: z.string(),
});
type Payload = z.infer<typeof payloadSchema>;

/** Lines posted in the thread; a longer journal goes up as a file. */
export const THREAD_LINES = 50;

const SINCE_UNIT: Record<string, string> = { s: 's', m: 'min', h: 'h', d: 'd' };

export function journalArgv(unit: string, lines: number, since?: string): string[] {
  const relative = since ? `-${since.slice(0, -1)}${SINCE_UNIT[since.slice(-1)]}` : undefined;
  return ['journalctl', '-u', unit, '-n', String(lines), ...(relative ? ['--since', relative] : []), '--no-pager', '-o', 'short-iso'];
}

async function post(text: string, name: string, ctx: JobContext): Promise<string> {
  const lines = text.length ? text.split('\n') : [];
  if (lines.length <= THREAD_LINES) {
    ctx.progress.log(lines.length ? `\`\`\`\n${text}\n\`\`\`` : '(the journal has no lines for this)');
    return `${lines.length} line${lines.length === 1 ? '' : 's'} in the thread`;
  }
  if (ctx.chat.upload) {
    // Into the job's thread: its message is posted now if it still waits for its first post.
    const threadTs = await ctx.progress.thread?.();
    await ctx.chat.upload(ctx.data.requestedBy.channel, { filename: `${name}.log`, title: `journal of ${name}`, content: text }, threadTs ? { threadTs } : {});
    return `${lines.length} lines, posted as ${name}.log`;
  }
  ctx.progress.log(`\`\`\`\n${lines.slice(-THREAD_LINES).join('\n')}\n\`\`\``);
  return `the last ${THREAD_LINES} of ${lines.length} lines in the thread (this chat takes no files)`;
}

/** `/dev logs <unit> [--lines N] [--since 10m]`: the unit's journal, from the machine fleet placed it on. */
export const logsJob: JobKind<Payload> = {
  kind: 'logs',
  payloadSchema,
  readsOnly: true,
  title: (p) => `Logs of ${p.unit} (${p.environment})`,
  async run(payload, ctx) {
    const { config, remote } = remoteOf(ctx.deps, payload.environment);
    const { scheduler } = fleetOf(ctx.deps, payload.environment);
    const [states, machines] = await Promise.all([scheduler.states({ signal: ctx.signal }), scheduler.machines({ signal: ctx.signal })]);
    const { unit, machine } = locateUnit(payload.unit, states, machines);
    const result = await remote.run(machine.ip, journalArgv(unit, payload.lines, payload.since), { timeoutMs: config.timeoutMs, signal: ctx.signal, machineId: machine.id });
    if (result.code !== 0) throw new UpstreamError(`journalctl on ${machine.ip} exited ${result.code}: ${scrubOutput(result.stderr).slice(0, 500)}`, { service: 'ssh', retryable: false });
    const text = scrubOutput(result.stdout.trimEnd(), catalogEnv(ctx.deps, payload.environment));
    const where = await post(text, unit, ctx);
    await ctx.progress.finish('succeeded', `Journal of ${unit} on ${machine.id.slice(0, 8)} (${machine.ip}): ${where}.`);
  },
};
