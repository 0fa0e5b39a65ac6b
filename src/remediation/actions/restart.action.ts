import type { RemediationAction } from '../action.js';

/** A unit fleet should run but systemd reports failed: stop it, start it, wait until it is active. */
export const restartAction: RemediationAction = {
  name: 'restart',
  label: 'Restart unit',
  rules: ['unit-not-running'],
  commandFor: (alert) => `units restart ${alert.subject} --env ${alert.environment}`,
};
