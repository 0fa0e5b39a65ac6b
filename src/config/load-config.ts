import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { crossCheckConfig } from './cross-check.js';

/** Environment variables devbot reads, and where each lands in the config. Secrets come only from here. */
const ENV_BINDINGS: Array<[string, string[], (v: string) => unknown]> = [
  ['DEVBOT_SLACK_BOT_TOKEN', ['slack', 'botToken'], String],
  ['DEVBOT_SLACK_SIGNING_SECRET', ['slack', 'signingSecret'], String],
  ['DEVBOT_SLACK_APP_TOKEN', ['slack', 'appToken'], String],
  ['DEVBOT_SLACK_API_URL', ['slack', 'apiUrl'], String],
  ['DEVBOT_SLACK_PORT', ['slack', 'port'], Number],
  ['DEVBOT_REDIS_URL', ['redis', 'url'], String],
  ['DEVBOT_REDIS_PREFIX', ['redis', 'prefix'], String],
  ['DEVBOT_QUEUE', ['jobs', 'queue'], String],
  ['DEVBOT_LOG_LEVEL', ['log', 'level'], String],
  ['DEVBOT_DASHBOARD_ENABLED', ['dashboard', 'enabled'], (v) => v === 'true' || v === '1'],
  ['DEVBOT_DASHBOARD_PORT', ['dashboard', 'port'], Number],
  ['DEVBOT_DASHBOARD_USER', ['dashboard', 'user'], String],
  ['DEVBOT_DASHBOARD_PASSWORD', ['dashboard', 'password'], String],
  ['DEVBOT_OPS_WORKER_PORT', ['ops', 'workerPort'], Number],
  ['DEVBOT_OPS_SERVE_PORT', ['ops', 'servePort'], Number],
  ['DEVBOT_OPS_HOST', ['ops', 'host'], String],
];

/** Secret fields: rejected when found in a YAML file, so they never land in a repository. */
const SECRET_FIELDS = ['botToken', 'signingSecret', 'appToken'] as const;

export interface LoadConfigInput {
  /** YAML files, merged in order (later wins). */
  files?: string[];
  /** YAML text already read (tests, embedded defaults); merged after `files`. */
  documents?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Reads, merges and validates the configuration. Pure apart from reading `files`; throws ConfigError. */
export function loadConfig(input: LoadConfigInput): Config {
  const env = input.env ?? {};
  let merged: Record<string, unknown> = {};
  for (const file of input.files ?? []) {
    merged = deepMerge(merged, readYamlFile(file));
  }
  for (const [i, doc] of (input.documents ?? []).entries()) {
    merged = deepMerge(merged, parseYamlDocument(doc, `document ${i + 1}`));
  }
  const slack = merged['slack'];
  if (slack && typeof slack === 'object') {
    const found = SECRET_FIELDS.filter((f) => f in (slack as Record<string, unknown>));
    if (found.length) {
      throw new ConfigError('Secrets do not belong in config files.', found.map((f) => `slack.${f}: set it with the environment variable instead (${envNameFor(f)})`));
    }
  }
  const dashboard = merged['dashboard'];
  if (isPlainObject(dashboard) && 'password' in dashboard) {
    throw new ConfigError('Secrets do not belong in config files.', ['dashboard.password: set it with the environment variable instead (DEVBOT_DASHBOARD_PASSWORD)']);
  }
  for (const [name, path, convert] of ENV_BINDINGS) {
    const value = env[name];
    if (value !== undefined && value !== '') merged = setPath(merged, path, convert(value));
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError('The configuration is invalid:', formatIssues(parsed.error));
  }
  const problems = crossCheckConfig(parsed.data);
  if (problems.length) throw new ConfigError('The configuration is inconsistent:', problems);
  return parsed.data;
}

function envNameFor(field: string): string {
  return ENV_BINDINGS.find(([, path]) => path[1] === field)?.[0] ?? 'DEVBOT_…';
}

function readYamlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read config file ${file}: ${(cause as Error).message}`);
  }
  return parseYamlDocument(text, file);
}

function parseYamlDocument(text: string, origin: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`${origin} is not valid YAML: ${(cause as Error).message}`);
  }
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${origin} must hold a YAML mapping at the top level.`);
  }
  return value as Record<string, unknown>;
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(top level)';
    return `${path}: ${issue.message}`;
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const child = isPlainObject(obj[head]) ? (obj[head] as Record<string, unknown>) : {};
  return { ...obj, [head]: rest.length ? setPath(child, rest, value) : value };
}
