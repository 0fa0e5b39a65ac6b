import type { AlertRule } from '../rule.js';

/**
 * One member down is a warning, not a quorum alert: the cluster still works, but has no margin.
 * While quorum is lost the quorum alert names the missing members, so this one stays quiet. An
 * endpoint whose replacement member was added and has not started yet (`joining`) is no member
 * down: the replace that added it reports on it, and raising it would be devbot alarming at its
 * own repair.
 */
export const etcdMemberUnreachable: AlertRule = {
  name: 'etcd-member-unreachable',
  severity: 'warning',
  forMs: 0,
  kind: 'condition',
  appliesTo: () => true,
  evaluate(s) {
    if (!s.etcd.hasQuorum) return [];
    return s.etcd.members
      .filter((m) => !m.reachable && !m.joining)
      .map((m) => ({
        subject: m.name,
        summary: `etcd member ${m.name} in ${s.environment} is unreachable`,
        details: [`${m.clientUrl}: ${m.errors[0] ?? 'no answer'}`, 'the cluster keeps quorum without it, but one more failure loses it'],
        advice: `Check the machine running ${m.name} and its etcd unit; a main node its autoscaling group replaced must rejoin as a new member (Replace member).`,
        // The alert fires only once it has held for its `for`; the member replacement asks for confirmation and checks quorum itself.
        command: { label: 'Replace member', text: `etcd replace ${m.name} --env ${s.environment}` },
      }));
  },
};
