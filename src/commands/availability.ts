import { GRAMMAR } from './grammar.js';
import type { Verb } from './verbs.js';

/** Whether a verb can run in this process: local verbs always; job verbs when their kind is registered. */
export type IsAvailable = (verb: Verb) => boolean;

export function availabilityFor(jobKinds: Record<string, unknown>): IsAvailable {
  return (verb) => {
    const spec = GRAMMAR[verb];
    return spec.handling === 'local' || (spec.jobKind !== undefined && spec.jobKind in jobKinds);
  };
}
