/**
 * Typed errors. Every failure a user can cause or notice is a BotError with a stable code and a
 * message fit to show in Slack (`userFacing`). They are translated at two edges only: where
 * commands come in (commands/handle-command.ts) and where jobs run (jobs/run-job.ts).
 */
export type BotErrorCode =
  | 'bot_usage'
  | 'bot_access_denied'
  | 'bot_conflict'
  | 'bot_upstream'
  | 'bot_config'
  | 'bot_not_available'
  | 'bot_refused'
  | 'bot_internal';

export class BotError extends Error {
  readonly code: BotErrorCode;
  /** Safe to show to the user as is. */
  readonly userFacing: string;

  constructor(code: BotErrorCode, userFacing: string, options?: { cause?: unknown }) {
    super(userFacing, options);
    this.name = new.target.name;
    this.code = code;
    this.userFacing = userFacing;
  }
}

/** The command text does not fit the grammar. `usage` is the line to show back. */
export class UsageError extends BotError {
  constructor(message: string, readonly usage?: string) {
    super('bot_usage', message);
  }
}

export class AccessDeniedError extends BotError {
  constructor(message: string) {
    super('bot_access_denied', message);
  }
}

/** Someone else holds the lock on this target. */
export class ConflictError extends BotError {
  constructor(message: string) {
    super('bot_conflict', message);
  }
}

/** A service devbot depends on (etcd, Redis, Slack, AWS, fleet) failed or did not answer. */
export class UpstreamError extends BotError {
  readonly service: string;
  readonly retryable: boolean;
  constructor(
    message: string,
    opts: { service: string; retryable?: boolean; cause?: unknown },
  ) {
    super('bot_upstream', message, { cause: opts.cause });
    this.service = opts.service;
    this.retryable = opts.retryable ?? true;
  }
}

/** The configuration is invalid; `issues` are field-level messages (`path: problem`). */
export class ConfigError extends BotError {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super('bot_config', issues.length ? `${message}\n${issues.map((i) => `  - ${i}`).join('\n')}` : message);
  }
}

/** A safety check said no (no quorum, no healthy candidate…): the message says why and what to check. */
export class RefusedError extends BotError {
  constructor(message: string) {
    super('bot_refused', message);
  }
}

/** The verb exists in the grammar but its capability has not been built yet. */
export class NotAvailableError extends BotError {
  constructor(verb: string) {
    super('bot_not_available', `\`${verb}\` is not available yet in this version of devbot.`);
  }
}

export function isBotError(e: unknown): e is BotError {
  return e instanceof BotError;
}
