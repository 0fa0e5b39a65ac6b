import type { EtcdPayload } from '../etcd.job.js';
import type { JobKind } from '../job-kind.js';
import { backupsAction } from './backups.action.js';
import { drillAction } from './drill.action.js';
import { membersAction } from './members.action.js';
import { recoverAction } from './recover.action.js';
import { replaceAction } from './replace.action.js';
import { snapshotAction } from './snapshot.action.js';

/** One `/dev etcd` action: its message title, its preview when it needs confirmation, and its work. */
export interface EtcdAction {
  title(payload: EtcdPayload): string;
  preview?: NonNullable<JobKind<EtcdPayload>['preview']>;
  run: JobKind<EtcdPayload>['run'];
}

export const ETCD_ACTION_HANDLERS: Record<EtcdPayload['action'], EtcdAction> = {
  members: membersAction,
  replace: replaceAction,
  snapshot: snapshotAction,
  backups: backupsAction,
  drill: drillAction,
  recover: recoverAction,
};
