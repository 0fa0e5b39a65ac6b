import type { RemediationAction } from '../action.js';
import { replaceMemberAction } from './replace-member.action.js';
import { replaceAction } from './replace.action.js';
import { restartAction } from './restart.action.js';

/** Every automatic action. A new one is one `<name>.action.ts` and one line here. */
export const REMEDIATION_ACTIONS: RemediationAction[] = [restartAction, replaceAction, replaceMemberAction];
