import type { Deps } from '../deps.js';
import type { RemediationStore } from '../ports/remediation-store.js';
import { renderFollowedEnd, renderRemediationNote } from '../render/remediation.js';
import { tellThreads } from './tell-threads.js';

type FollowDeps = Pick<Deps, 'config' | 'queue' | 'jobState' | 'now' | 'chatFor' | 'log'> & { remediation: RemediationStore };

/** A preview never confirmed is given up this long after its confirmation window. */
const CONFIRM_SLACK_MS = 2 * 60_000;

/**
 * Jobs started from an alert's buttons: once one ends, its outcome goes to the alert's thread (and
 * it is forgotten). A dangerous command is followed through its preview to the job that runs once
 * confirmed. Runs after each alert evaluation, so a worker restart loses nothing.
 */
export async function followJobs(deps: FollowDeps): Promise<void> {
  for (const f of await deps.remediation.followed()) {
    try {
      if (f.awaitingConfirmation) {
        const runId = f.jobId.replace(/-preview$/, '');
        if (await deps.queue.get(runId)) {
          await deps.remediation.follow({ ...f, jobId: runId, awaitingConfirmation: false });
          await deps.remediation.unfollow(f.jobId);
        } else if (deps.now().getTime() - Date.parse(f.since) > deps.config.jobs.confirmTimeoutMs + CONFIRM_SLACK_MS) {
          await tellThreads(f.threads, renderRemediationNote(`:no_entry_sign: \`/dev ${f.text}\` (asked by <@${f.user}>) was not confirmed: nothing was done.`), deps);
          await deps.remediation.unfollow(f.jobId);
        }
        continue;
      }
      const job = await deps.queue.get(f.jobId);
      if (job && job.state !== 'completed' && job.state !== 'failed') continue;
      const result = (await deps.jobState.load(f.jobId))?.result;
      const outcome = result?.outcome ?? (job?.state === 'completed' ? 'succeeded' : 'failed');
      await tellThreads(f.threads, renderFollowedEnd(f.user, f.text, f.jobId, outcome, result?.summary ?? job?.failedReason ?? 'the job is no longer known'), deps);
      await deps.remediation.unfollow(f.jobId);
    } catch (err) {
      deps.log.warn({ err, jobId: f.jobId }, 'could not report a button-started job in its alert thread; trying again');
    }
  }
}
