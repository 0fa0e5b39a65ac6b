import type { Deps } from '../../deps.js';
import { renderAlertList } from '../../render/alert.js';
import type { CommandOf } from '../command.js';
import type { CommandInput, CommandReply } from '../types.js';

type AlertVerbDeps = Pick<Deps, 'alertStore' | 'audit' | 'now'>;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `/dev alerts`: what is firing now, worst first, then the channels alerts cannot reach. */
export async function answerAlerts(deps: AlertVerbDeps): Promise<CommandReply> {
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  const firing = (await deps.alertStore.load()).filter((a) => a.status === 'firing').sort((a, b) => rank[a.severity] - rank[b.severity]);
  const [silences, failures] = await Promise.all([deps.alertStore.silences(), deps.alertStore.channelFailures()]);
  const shown = firing.map((a) => ({ ...a, silencedUntil: silences[a.key]?.until }));
  const refused = Object.values(failures).sort((a, b) => a.channel.localeCompare(b.channel));
  return { ...renderAlertList(shown, deps.now(), refused), outcome: 'answered' };
}

/** `/dev silence <key> <duration>`: no new message for that alert until then (audited). */
export async function answerSilence(command: CommandOf<'silence'>, input: CommandInput, deps: AlertVerbDeps): Promise<CommandReply> {
  const amount = Number(command.duration.slice(0, -1));
  const unit = command.duration.slice(-1) as keyof typeof UNIT_MS;
  const until = new Date(deps.now().getTime() + amount * UNIT_MS[unit]);
  await deps.alertStore.silence(command.key, until, input.user);
  await deps.audit.append({ event: 'silenced', user: input.user, channel: input.channelName, transport: input.transport.kind, text: `silence ${command.key} ${command.duration}`, target: command.key, outcome: `until ${until.toISOString()}` });
  return { text: `Silenced \`${command.key}\` until ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC: no new message while it fires (it still shows in \`/dev alerts\`).`, outcome: 'answered' };
}
