import type { Deps } from '../deps.js';
import { DURATION_PATTERN } from './command.js';
import type { CommandInput } from './types.js';

/** `jobMessages` is optional: where it is absent, `retry` / `rollback` in a thread ask for their subject. */
export type ThreadSubjectDeps = Pick<Deps, 'alertStore' | 'log' | 'queue'> & Partial<Pick<Deps, 'jobMessages'>>;

/**
 * A command typed in the thread of one of devbot's messages takes its subject from that message
 * when it names none. In an alert's thread: `silence 2h` silences that alert, `status` shows that
 * alert's environment, `replace` replaces its machine or etcd member (as its button does). In a job's thread: `retry` runs a failed job's command again (as the Retry
 * button does), `rollback` rolls a deploy's service back. Returns the text to run, unchanged when
 * the thread is none of these or the subject is given. A failed lookup is logged and leaves the
 * text as typed: the command then asks for its subject.
 */
export async function withThreadSubject(input: CommandInput, deps: ThreadSubjectDeps): Promise<string> {
  if (!input.threadTs) return input.text;
  const words = input.text.trim().split(/\s+/);
  const ref = { channel: input.channel, ts: input.threadTs };
  try {
    if (words[0] === 'silence' && words.length === 2 && DURATION_PATTERN.test(words[1]!)) {
      const alert = await alertAt(ref, deps);
      return alert ? `silence ${alert.key} ${words[1]}` : input.text;
    }
    if (words[0] === 'status' && !words.some((w) => w === '--env' || w.startsWith('--env='))) {
      const alert = await alertAt(ref, deps);
      return alert ? `${input.text.trim()} --env ${alert.environment}` : input.text;
    }
    if (words[0] === 'replace' && words.length === 1) {
      const alert = await alertAt(ref, deps);
      const fix = alert?.command?.text;
      return fix && /^(etcd )?replace /.test(fix) ? fix : input.text;
    }
    if ((words[0] === 'retry' || words[0] === 'rollback') && words.length === 1 && deps.jobMessages) {
      const jobId = await deps.jobMessages.jobAt(ref);
      const job = jobId ? await deps.queue.get(jobId) : undefined;
      if (words[0] === 'retry' && job?.state === 'failed') return job.text;
      if (words[0] === 'rollback' && job?.kind === 'deploy' && job.target) return `rollback ${job.target} --env ${job.data.environment}`;
    }
  } catch (err) {
    deps.log.warn({ err }, 'could not look up the subject of a thread');
  }
  return input.text;
}

async function alertAt(ref: { channel: string; ts: string }, deps: ThreadSubjectDeps) {
  const alerts = await deps.alertStore.load();
  return alerts.find((a) => a.messages.some((m) => m.ref.ts === ref.ts && m.ref.channel === ref.channel));
}
