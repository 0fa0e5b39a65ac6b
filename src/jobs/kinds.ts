import { alertsEvaluateJob } from './alerts-evaluate.job.js';
import { convergeJob } from './converge.job.js';
import { driftJob } from './drift.job.js';
import { expireConfirmationJob } from './confirm/expire-confirmation.job.js';
import { etcdJob } from './etcd.job.js';
import { etcdScheduledJob } from './etcd-scheduled.job.js';
import { execJob } from './exec.job.js';
import { logsJob } from './logs.job.js';
import { deployJob } from './deploy.job.js';
import { deploymentsJob } from './deployments.job.js';
import { failoverJob } from './failover.job.js';
import type { JobKind } from './job-kind.js';
import { machinesJob } from './machines.job.js';
import { stackJob } from './stack.job.js';
import { rollbackJob } from './rollback.job.js';
import { replaceJob } from './replace.job.js';
import { statusJob } from './status.job.js';
import { unitsJob } from './units.job.js';

/** Every job kind a worker can run, by name. A new kind is one `<kind>.job.ts` and one line here. */
export const JOB_KINDS: Record<string, JobKind<never>> = Object.fromEntries(
  [statusJob, failoverJob, deployJob, rollbackJob, unitsJob, deploymentsJob, stackJob, expireConfirmationJob, alertsEvaluateJob, etcdJob, etcdScheduledJob, convergeJob, driftJob, machinesJob, logsJob, execJob, replaceJob].map((k) => [k.kind, k as unknown as JobKind<never>]),
);
