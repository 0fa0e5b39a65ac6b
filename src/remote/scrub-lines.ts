/**
 * Output from a machine, made fit for Slack: values of the catalog's secret-looking environment
 * variables, Slack tokens, AWS access key ids and private key blocks are replaced before anything
 * is posted.
 */
const CENSOR = '[redacted]';

const SECRET_NAME = /token|secret|passw(or)?d|credential|api[-_]?key|private[-_]?key|access[-_]?key/i;
const SLACK_TOKEN = /\bx(?:ox[abeoprs]|app)-[A-Za-z0-9-]+/g;
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
/** `NAME=value` or `NAME: value` where NAME looks like a secret's. */
const SECRET_ASSIGNMENT = /\b([A-Za-z_][A-Za-z0-9_]*)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;]+)/g;

/** `env` is the catalog's environment variables (name → value); those with secret-looking names are hidden wherever their value appears. */
export function scrubOutput(text: string, env: Record<string, string> = {}): string {
  let out = text.replace(PRIVATE_KEY, CENSOR).replace(SLACK_TOKEN, CENSOR).replace(AWS_KEY_ID, CENSOR);
  const secrets = Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value.length >= 4)
    .map(([, value]) => value)
    .sort((a, b) => b.length - a.length);
  for (const value of secrets) out = out.split(value).join(CENSOR);
  return out.replace(SECRET_ASSIGNMENT, (m, name: string, sep: string) => (SECRET_NAME.test(name) ? `${name}${sep}${CENSOR}` : m));
}
