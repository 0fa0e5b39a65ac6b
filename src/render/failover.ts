import type { ChatMessage } from '../ports/chat.js';
import type { Candidate } from '../ports/elections.js';
import type { FailoverPlan } from '../jobs/failover/plan-failover.js';
import { escapeMrkdwn, fitMessage, section } from './limits.js';

/** "pg-2 — healthy, lagBytes 0 (lease 694d…, rev 812)" */
export function describeCandidate(c: Candidate): string {
  const health = c.healthy === undefined ? 'health not reported' : c.healthy ? 'healthy' : 'UNHEALTHY';
  const extra = Object.entries(c.fields).filter(([k]) => k !== 'name' && k !== 'healthy').map(([k, v]) => `${k} ${String(v)}`);
  return `${c.name} — ${[health, ...extra].join(', ')} (lease ${c.leaseHex}, rev ${c.createRevision})`;
}

/** What `/dev failover` will do, shown above Confirm / Cancel. */
export function renderFailoverPreview(plan: FailoverPlan, candidates: Candidate[], environment: string): ChatMessage {
  const line = candidates.map((c, i) => `${i === 0 ? ':crown:' : `${i + 1}.`} ${describeCandidate(c)}`);
  const others = plan.revoke.filter((c) => c !== plan.leader);
  const steps = [
    ...(others.length ? [`revoke the leases of ${others.map((c) => c.name).join(', ')} (ahead of ${plan.next.name} in line; they campaign again at the back)`] : []),
    `revoke the lease of the leader ${plan.leader.name}, so its key goes and it must stop serving`,
    `wait for ${plan.next.name} to lead, and check it is healthy`,
  ];
  const text = [
    `Failover of ${plan.database} in ${environment}: ${plan.leader.name} → ${plan.next.name}`,
    'Candidates in line:',
    ...line.map((l) => `  ${l.replace(':crown:', '*')}`),
    'devbot will:',
    ...steps.map((s, i) => `  ${i + 1}. ${s}`),
  ].join('\n');
  return fitMessage({
    text,
    blocks: [
      section(`*Failover of ${escapeMrkdwn(plan.database)}* in ${escapeMrkdwn(environment)}: *${escapeMrkdwn(plan.leader.name)}* → *${escapeMrkdwn(plan.next.name)}*`),
      section(`*Candidates in line*\n${line.map(escapeMrkdwn).join('\n')}`),
      section(`*devbot will*\n${steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n')}`),
    ],
  });
}
