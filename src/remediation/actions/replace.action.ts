import type { RemediationAction } from '../action.js';

/**
 * A machine gone from fleet, or an unhealthy instance in a group: `/dev replace` terminates it in
 * its autoscaling group and waits for the replacement (and its units) to be back. The rule's own
 * Replace machine button names the machine or instance; without one there is nothing to replace.
 */
export const replaceAction: RemediationAction = {
  name: 'replace',
  label: 'Replace machine',
  rules: ['machine-gone', 'group-below-desired'],
  commandFor: (alert) => (alert.command?.text.startsWith('replace ') ? alert.command.text : undefined),
};
