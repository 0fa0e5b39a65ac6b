import type { MessageRef } from './chat.js';

/** Finds a job by its progress message, for commands typed in that message's thread. */
export interface JobMessages {
  /**
   * The id of the job whose progress message is `ref` (kept as long as the job's progress, a
   * day), or undefined. Fails with UpstreamError('redis').
   */
  jobAt(ref: MessageRef): Promise<string | undefined>;
}
