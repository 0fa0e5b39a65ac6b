import type { StatusPart } from '../../ports/status.js';
import { backupsPart } from './backups.part.js';
import { databasesPart } from './databases.part.js';
import { etcdPart } from './etcd.part.js';
import { queuePart } from './queue.part.js';
import { remediationPart } from './remediation.part.js';
import { unitsPart } from './units.part.js';
import { stackPart } from './stack.part.js';

/**
 * The parts of `/dev status`, in report order. A new part (stack, groups, units, databases) is
 * one `<name>.part.ts` file and one line here.
 */
export const STATUS_PARTS: StatusPart[] = [etcdPart, databasesPart, unitsPart, stackPart, queuePart, backupsPart, remediationPart];
