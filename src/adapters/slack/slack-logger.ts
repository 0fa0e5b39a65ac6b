import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';

/** Slack tokens (bot, user, app, config) as they appear in free-text SDK messages. */
const TOKEN_PATTERN = /\bx(?:ox[abeoprs]|app)-[A-Za-z0-9-]+/g;

/** Removes anything shaped like a Slack token; SDK messages are free text, out of pino's redact reach. */
export function scrubTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, '[redacted]');
}

const LEVELS: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/**
 * Adapts pino to the Slack SDKs' Logger. The SDKs are chatty below warn and log request details at
 * debug, so the floor is `level` (warn by default) and never below the parent logger's own level.
 */
export function createSlackLogger(log: Logger, opts: { name?: string; level?: LogLevel } = {}): SlackLogger {
  let requested = opts.level ?? LogLevel.WARN;
  let child = log.child({ sdk: opts.name ?? 'slack' });
  const apply = (): void => {
    const parentRank = log.levels.values[log.level] ?? 0;
    const wanted = log.levels.values[requested] ?? 0;
    child.level = wanted >= parentRank ? requested : log.level;
  };
  apply();
  const emit = (level: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]): void => {
    if (!child.isLevelEnabled(level)) return;
    const err = msg.find((m): m is Error => m instanceof Error);
    const text = scrubTokens(msg.filter((m) => !(m instanceof Error)).map(describe).join(' '));
    if (err) child[level]({ err }, text || err.message);
    else child[level](text);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    setLevel(level: LogLevel) {
      if (LEVELS.includes(level)) requested = level;
      apply();
    },
    getLevel: () => requested,
    setName(name: string) {
      child = log.child({ sdk: name });
      apply();
    },
  };
}

function describe(m: unknown): string {
  if (typeof m === 'string') return m;
  try {
    return JSON.stringify(m) ?? String(m);
  } catch {
    return String(m);
  }
}
