import type { ChatMessage } from '../ports/chat.js';
import type { MembersView, MemberView } from '../ports/members.js';
import { context, escapeMrkdwn, fitMessage, section } from './limits.js';

/** "20.5 MB", "512 KB". */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}

function facts(view: MembersView, m: MemberView): string[] {
  const leader = view.members.find((x) => x.id === view.leaderId);
  const role = m.isLearner ? 'learner' : 'voter';
  if (!m.reachable) return [role, `UNREACHABLE (${m.error ?? 'no answer'})`];
  const lag = leader?.reachable ? Math.max(0, leader.raftIndex - m.raftIndex) : undefined;
  return [
    role,
    'reachable',
    ...(m.id === view.leaderId ? ['leader'] : []),
    `raft index ${m.raftIndex}${m.id === view.leaderId ? '' : ` (${lag === undefined ? 'lag unknown' : `${lag} behind the leader`})`}`,
    `db ${formatBytes(m.dbSizeBytes)}`,
    `etcd ${m.version}`,
  ];
}

const icon = (view: MembersView, m: MemberView) => (!m.reachable ? ':red_circle:' : m.id === view.leaderId ? ':crown:' : m.isLearner ? ':hatching_chick:' : ':large_green_circle:');
const nameOf = (m: MemberView) => m.name || '(never started)';

/** One member in two lines: who it is and how it is, then its URLs. */
export function describeMemberLines(view: MembersView, m: MemberView): [string, string] {
  return [
    `${nameOf(m)} ${m.id} · ${facts(view, m).join(' · ')}`,
    `peer ${m.peerUrls.join(', ') || '—'} · client ${m.clientUrls.join(', ') || '—'}`,
  ];
}

/** The one-line verdict: how many voters answer, learners, the leader. */
export function summariseMembers(view: MembersView, environment: string): string {
  const voters = view.members.filter((m) => !m.isLearner);
  const learners = view.members.length - voters.length;
  const leader = view.members.find((m) => m.id === view.leaderId);
  return `etcd in ${environment}: ${voters.filter((m) => m.reachable).length} of ${voters.length} voters reachable` +
    `${learners ? `, ${learners} learner${learners === 1 ? '' : 's'}` : ''}; ${leader ? `leader ${nameOf(leader)}` : 'no leader'}.`;
}

/** `/dev etcd members`: every member with its id, URLs, role, reachability, raft index and lag, db size and version. Pure. */
export function renderEtcdMembers(view: MembersView, environment: string): ChatMessage {
  const summary = summariseMembers(view, environment);
  const lines = view.members.map((m) => describeMemberLines(view, m));
  const text = [summary, ...lines.map(([a, b]) => `- ${a}\n    ${b}`)].join('\n');
  return fitMessage({
    text,
    blocks: [
      section(`*${escapeMrkdwn(summary)}*`),
      ...view.members.map((m, i) => section(`${icon(view, m)} *${escapeMrkdwn(nameOf(m))}* \`${m.id}\` · ${escapeMrkdwn(facts(view, m).join(' · '))}\n${escapeMrkdwn(lines[i]![1])}`)),
      context(`checked at ${view.checkedAt.toISOString().slice(11, 19)} UTC · ids in hex, as etcdctl shows them`),
    ],
  });
}
