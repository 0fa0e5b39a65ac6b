import type { RemediationAction } from '../action.js';

/** An unreachable etcd member: `/dev etcd replace <member>` swaps it for a new one (quorum is checked by the engine first). */
export const replaceMemberAction: RemediationAction = {
  name: 'replace-member',
  label: 'Replace member',
  rules: ['etcd-member-unreachable'],
  commandFor: (alert) => `etcd replace ${alert.subject} --env ${alert.environment}`,
};
