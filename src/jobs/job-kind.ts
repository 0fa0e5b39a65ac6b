import type { z } from 'zod';
import type { Deps } from '../deps.js';
import type { Logger } from '../log.js';
import type { Chat } from '../ports/chat.js';
import type { JobData } from '../ports/queue.js';

/** What a job's processor gets besides its payload. */
export interface JobContext {
  jobId: string;
  data: JobData;
  deps: Deps;
  /** Chat for this job's transport (Slack, or the console session that asked). */
  chat: Chat;
  log: Logger;
  /** Aborted when the job is cancelled or the worker shuts down: stop at the next safe point. */
  signal: AbortSignal;
}

/** One kind of job: its payload schema and its processor. One file per kind: `<kind>.job.ts`. */
export interface JobKind<P = unknown> {
  kind: string;
  payloadSchema: z.ZodType<P>;
  /** Does the work and posts its result. Throws BotError for failures the user should read. */
  run(payload: P, ctx: JobContext): Promise<void>;
}
