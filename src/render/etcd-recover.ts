import type { RecoveryPath, RecoveryPlan, SurvivorState } from '../jobs/etcd/recover/plan-recovery.js';
import { formatAge as ago } from './format-age.js';
import type { Block, ChatMessage } from '../ports/chat.js';
import { context, escapeMrkdwn, fitMessage, section } from './limits.js';

/** Why devbot only writes the plan down, in the message itself. */
export const EXECUTES_NOTHING =
  'devbot runs none of this: the commands run on the main nodes, which devbot reaches only through fleet, and fleet keeps its state in etcd — with etcd down, fleet is down too. Run them over SSH, in order, one member at a time.';

function memberLine(m: SurvivorState): string {
  return m.reachable
    ? `${m.name} (${m.id || 'id unknown'}) answers: raft index ${m.raftIndex}, etcd ${m.version || 'version unknown'}`
    : `${m.name}${m.id ? ` (${m.id})` : ''} does not answer${m.error ? ` (${m.error})` : ''}`;
}

/** The plan's facts, as lines: who answers, the survivor, the backup, the version and tool. */
export function recoveryFacts(plan: RecoveryPlan): string[] {
  const b = plan.backup;
  return [
    `Quorum: ${plan.quorum.hasQuorum ? 'present' : 'lost'} (${plan.quorum.reason}).`,
    ...plan.members.map(memberLine),
    ...(plan.membershipFrom === 'config' ? ['No member answered: names and peer URLs come from devbot\'s config (peer URLs guessed as <client host>:2380). Check them on the machines first.'] : []),
    plan.survivor ? `Most advanced survivor: ${plan.survivor.name} (raft index ${plan.survivor.raftIndex}).` : 'No member survives: only a restore from a backup is possible.',
    b ? `Newest backup: ${b.name} (revision ${b.revision}, taken ${b.takenAt.slice(0, 16).replace('T', ' ')} UTC, ${ago(b.ageMs)} ago).` : `No backup to restore: ${plan.noBackup ?? 'none found'}.`,
    `etcd version: ${plan.version || 'unknown (no member answered); assuming 3.4'} → restore with \`${plan.tool} snapshot restore\`.`,
  ];
}

function pathBlocks(path: RecoveryPath): Block[] {
  return [
    section(`*${escapeMrkdwn(path.title)}*\n*Loses:* ${escapeMrkdwn(path.loses)}`),
    ...path.blocks.map((b, i) => section(`${i + 1}. ${escapeMrkdwn(b.title)}\n\`\`\`${escapeMrkdwn(b.commands.join('\n'))}\`\`\``)),
  ];
}

/** `/dev etcd recover`: both paths back from a lost quorum, with exact commands. Pure. */
export function renderRecoveryPlan(plan: RecoveryPlan): ChatMessage {
  const facts = recoveryFacts(plan);
  const paths = [plan.restore, plan.forceNewCluster].filter((p): p is RecoveryPath => p !== undefined);
  const last = `Last step of either path: rebuild fleet's units from the catalog — ${plan.rebuild.join('; ')}.`;
  const text = [
    `Recovery plan for etcd in ${plan.environment}`,
    EXECUTES_NOTHING,
    ...facts,
    ...paths.flatMap((p) => [p.title, `  Loses: ${p.loses}`]),
    last,
    'The commands of each path are in the blocks above and in this message\'s thread.',
  ].join('\n');
  return fitMessage({
    text,
    blocks: [
      section(`:rotating_light: *Recovery plan for etcd in ${escapeMrkdwn(plan.environment)}*\n${escapeMrkdwn(EXECUTES_NOTHING)}`),
      section(facts.map((f) => `• ${escapeMrkdwn(f)}`).join('\n')),
      ...paths.flatMap(pathBlocks),
      section(`*${escapeMrkdwn(last)}*`),
      context('Every command is also in this message\'s thread, path by path.'),
    ],
  });
}
