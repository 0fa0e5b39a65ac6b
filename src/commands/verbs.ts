/** Every verb devbot knows. The grammar (grammar.ts) gives each its syntax, help and handling. */
export const VERB_NAMES = [
  'status',
  'help',
  'can-i',
  'deploy',
  'rollback',
  'deployments',
  'stack',
  'units',
  'failover',
  'jobs',
  'cancel',
  'locks',
  'audit',
  'alerts',
  'silence',
  'etcd',
  'converge',
  'drift',
  'machines',
  'logs',
  'exec',
  'replace',
  'remediation',
] as const;

export type Verb = (typeof VERB_NAMES)[number];

export function isVerb(word: string): word is Verb {
  return (VERB_NAMES as readonly string[]).includes(word);
}
