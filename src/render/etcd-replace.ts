import type { ReplacePlan } from '../jobs/etcd/replace/plan-replace.js';
import type { ChatMessage } from '../ports/chat.js';
import { escapeMrkdwn, fitMessage, section } from './limits.js';

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The steps of a replacement, in words, for the preview. */
export function replaceSteps(plan: ReplacePlan, settings: { learnerTimeoutMs: number; maxLagEntries: number }): string[] {
  const old = plan.old;
  return [
    ...(old ? [`remove ${old.name} (${old.id}, ${old.peerUrl}${old.reachable ? ', still answering' : ', unreachable'})`] : [`${plan.name} is no longer a member: nothing to remove`]),
    `add ${plan.peerUrl} as a learner (${plan.source}); the thread then says how to start etcd on the new machine (--initial-cluster-state existing)`,
    `wait up to ${seconds(settings.learnerTimeoutMs)} for it to start and come within ${settings.maxLagEntries} entries of the leader`,
    `promote it to a voter (etcd may need a few tries while it catches up, up to ${seconds(settings.learnerTimeoutMs)})`,
    'check every voter is healthy, and report the old and the new member id',
  ];
}

/** What `/dev etcd replace` will do, shown above Confirm / Cancel. Pure. */
export function renderReplacePreview(plan: ReplacePlan, environment: string, settings: { learnerTimeoutMs: number; maxLagEntries: number }): ChatMessage {
  const steps = replaceSteps(plan, settings);
  const head = `Replace etcd member ${plan.name} in ${environment} with ${plan.peerUrl}`;
  const safety = `If the new member never starts or never catches up, devbot removes the learner again: the cluster is left as it was${plan.old ? ` without ${plan.old.name}` : ''}, never with two changes half-done.`;
  const text = [head, `Voters now: ${plan.voters.join(', ')}`, 'devbot will:', ...steps.map((s, i) => `  ${i + 1}. ${s}`), safety].join('\n');
  return fitMessage({
    text,
    blocks: [
      section(`*Replace etcd member ${escapeMrkdwn(plan.name)}* in ${escapeMrkdwn(environment)} with \`${escapeMrkdwn(plan.peerUrl)}\``),
      section(`*Voters now:* ${escapeMrkdwn(plan.voters.join(', '))}`),
      section(`*devbot will*\n${steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n')}`),
      section(escapeMrkdwn(safety)),
    ],
  });
}

/** How to start etcd on the new machine once its learner is added, as etcdctl member add prints it. */
export function startInstructions(name: string, peerUrl: string, initialCluster: string, dataDir: string): string {
  return [
    `Start etcd on the new machine with an empty data dir (${dataDir}) and:`,
    '```',
    `ETCD_NAME="${name}"`,
    `ETCD_INITIAL_CLUSTER="${initialCluster}"`,
    `ETCD_INITIAL_ADVERTISE_PEER_URLS="${peerUrl}"`,
    'ETCD_INITIAL_CLUSTER_STATE="existing"',
    '```',
  ].join('\n');
}
