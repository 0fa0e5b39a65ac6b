import type { Block, HomeTab } from '../ports/chat.js';
import type { JobState } from '../ports/queue.js';
import { formatAge } from './format-age.js';
import { context, escapeMrkdwn, header, section } from './limits.js';

/** A Home tab holds at most 100 blocks (views.publish refuses more). */
export const HOME_MAX_BLOCKS = 100;

export interface HomeEnvironment {
  name: string;
  /** The etcd probe: members answering out of those configured, or why there was no answer. */
  etcd: { hasQuorum: boolean; reachable: number; members: number } | { error: string };
  /** Alerts firing now in this environment. */
  firing: number;
  databases: Array<{ name: string; leader?: string; error?: string }>;
}

export interface HomeJob {
  id: string;
  /** The command as typed (`deploy api`). */
  text: string;
  state: JobState;
  environment: string;
  /** Epoch ms: when it was queued (running) or finished (recent). */
  at: number;
  failedReason?: string;
}

export interface HomePermission {
  /** `#ops`, as the config names the channel. */
  where: string;
  environment: string;
  verbs: string[];
}

export interface HomeView {
  at: Date;
  environments: HomeEnvironment[];
  running: HomeJob[];
  recent: HomeJob[];
  permissions: HomePermission[];
  /** Slack user groups devbot could not read, with why: rules resting on them are left out above. */
  unreadableGroups: Array<{ group: string; why: string }>;
}

function environmentLine(env: HomeEnvironment): string {
  const etcd = 'error' in env.etcd
    ? `etcd did not answer (${env.etcd.error})`
    : `etcd ${env.etcd.hasQuorum ? 'has quorum' : '*has no quorum*'} (${env.etcd.reachable}/${env.etcd.members} members)`;
  const ok = !('error' in env.etcd) && env.etcd.hasQuorum && env.firing === 0;
  const alerts = env.firing === 0 ? 'no alerts firing' : `*${env.firing} alert${env.firing === 1 ? '' : 's'} firing*`;
  const dbs = env.databases.length === 0
    ? 'no databases'
    : env.databases.map((d) => `${d.name}: ${d.leader ? `led by ${d.leader}` : d.error ? 'unknown' : '*no leader*'}`).join(', ');
  return `${ok ? ':large_green_circle:' : ':red_circle:'} *${escapeMrkdwn(env.name)}* — ${escapeMrkdwn(etcd)} · ${alerts} · ${escapeMrkdwn(dbs)}`;
}

const STATE_ICON: Record<JobState, string> = {
  waiting: ':hourglass_flowing_sand:', delayed: ':hourglass_flowing_sand:', active: ':arrows_counterclockwise:',
  completed: ':white_check_mark:', failed: ':x:', unknown: ':grey_question:',
};

function jobLine(job: HomeJob, now: Date): string {
  const when = `${formatAge(Math.max(0, now.getTime() - job.at))} ago`;
  const failed = job.failedReason ? ` — ${escapeMrkdwn(job.failedReason.slice(0, 200))}` : '';
  return `${STATE_ICON[job.state]} \`${escapeMrkdwn(job.text.slice(0, 200))}\` in ${escapeMrkdwn(job.environment)} · ${job.state} · ${when} · \`${escapeMrkdwn(job.id)}\`${failed}`;
}

/** Lines into as few sections as fit 3,000 characters each. */
function sections(lines: string[]): Block[] {
  const out: Block[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > 2900) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

/** The user's devbot Home tab: health per environment, their jobs, what they may run where. Pure. */
export function renderAppHome(view: HomeView): HomeTab {
  const updated = `${view.at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const jobs = [...view.running.map((j) => jobLine(j, view.at)), ...view.recent.map((j) => jobLine(j, view.at))];
  const permissions = view.permissions.map((p) => `*${escapeMrkdwn(p.where)}* (${escapeMrkdwn(p.environment)}): ${p.verbs.map((v) => `\`${v}\``).join(', ')}`);
  const blocks: Block[] = [
    header('devbot'),
    context(`Updated ${updated}. Refreshed when you open this tab and when an alert fires or resolves.`),
    section('*Environments*'),
    ...(view.environments.length ? view.environments.map((e) => section(environmentLine(e))) : [section('No environments are configured.')]),
    { type: 'divider' },
    section(`*Your jobs* (${view.running.length} running or queued, ${view.recent.length} recent)`),
    ...(jobs.length ? sections(jobs) : [section('You have no jobs lately. Run `/dev help` to see what you can do.')]),
    { type: 'divider' },
    section('*What you may run where*'),
    ...(permissions.length ? sections(permissions) : [section('No access rule lets you run anything yet: ask an admin to add one under `acl.rules`.')]),
    ...view.unreadableGroups.map((g) => context(`:warning: devbot could not read the Slack user group ${escapeMrkdwn(g.group)} (${escapeMrkdwn(g.why)}): what it would allow is not listed, and is denied until it can be read.`)),
  ];
  return { blocks: fitHome(blocks) };
}

function fitHome(blocks: Block[]): Block[] {
  if (blocks.length <= HOME_MAX_BLOCKS) return blocks;
  const kept = blocks.slice(0, HOME_MAX_BLOCKS - 1);
  return [...kept, context(`… ${blocks.length - kept.length} more blocks not shown`)];
}
