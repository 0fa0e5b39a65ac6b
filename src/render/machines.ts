import type { MachineRow, JoinedMachines } from '../jobs/machines/join-machines.js';
import { roleOfInstance } from '../jobs/machines/join-machines.js';
import type { ChatMessage } from '../ports/chat.js';
import type { StackInstance } from '../ports/instances.js';
import { chunkLines } from './chunk-lines.js';
import { escapeMrkdwn, fitMessage, section, SLACK_LIMITS } from './limits.js';

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function instanceFacts(i: StackInstance): string {
  const group = i.group ? `${i.group.name}, ${i.group.lifecycleState}, ${i.group.healthStatus}` : 'in no group of the stack';
  return `${i.id} in ${i.zone || '?'}, launched ${utc(i.launchedAt)}, ${group}`;
}

function unitsOf(row: MachineRow): string {
  if (row.units.length === 0) return 'no units';
  return row.units.map((u) => (u.activeState === 'active' ? u.name : `${u.name} (${u.activeState})`)).join(', ');
}

function rowLine(row: MachineRow, aws: boolean): string {
  const name = row.machine.metadata['name'] ?? row.machine.id.slice(0, 8);
  const where = row.instance ? instanceFacts(row.instance) : aws ? 'NO EC2 instance of the stack has this IP' : '';
  return [`${name} ${row.machine.ip}`, row.role ?? 'no role', where, unitsOf(row)].filter(Boolean).join(' · ');
}

function strangerLine(i: StackInstance): string {
  return `${i.privateIp ?? 'no IP yet'} · ${roleOfInstance(i) ?? 'no role'} · ${instanceFacts(i)} · fleet does not list it (fleet dead, or still booting)`;
}

/**
 * `/dev machines`: fleet's machines joined with their EC2 instances, the instances fleet does not
 * know, and the machines with no instance. `awsNote` says why there are no instances at all.
 */
export function renderMachines(environment: string, joined: JoinedMachines, awsNote?: string): ChatMessage {
  const aws = joined.instances !== undefined;
  const missing = joined.rows.filter((r) => aws && !r.instance).length;
  const counts = aws
    ? `${joined.rows.length} in fleet, ${joined.instances!.length} EC2 instances; ${joined.withoutFleet.length} without fleet, ${missing} without an instance`
    : `${joined.rows.length} in fleet`;
  const title = `Machines of ${environment}: ${counts}`;
  const lines = [...joined.rows.map((r) => rowLine(r, aws)), ...joined.withoutFleet.map(strangerLine)];
  const notes = [...(awsNote ? [awsNote] : []), ...(joined.withoutFleet.length ? [`fleet does not list ${joined.withoutFleet.length === 1 ? 'one instance' : `${joined.withoutFleet.length} instances`}: fleet is dead (or still starting) there, so nothing is scheduled on it.`] : [])];
  return fitMessage({
    text: [title, ...lines.map((l) => `  ${l}`), ...notes].join('\n'),
    blocks: [
      section(`*${escapeMrkdwn(title)}*`),
      ...chunkLines(lines.map((l) => `• ${escapeMrkdwn(l)}`), SLACK_LIMITS.sectionText - 100).map((c) => section(c)),
      ...notes.map((n) => section(escapeMrkdwn(n))),
    ],
  });
}
