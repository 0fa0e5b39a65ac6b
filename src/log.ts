import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

/**
 * Paths redacted wherever they appear in a log object. Tokens and secrets must never reach a log,
 * even when a whole config or request is logged by mistake.
 */
const REDACT = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken',
  'signingSecret', '*.signingSecret', 'password', '*.password', 'authorization', '*.authorization',
  'headers.authorization', 'headers["x-slack-signature"]', 'secretAccessKey', '*.secretAccessKey',
];

export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    { level: opts.level ?? 'info', name: opts.name ?? 'devbot', redact: { paths: REDACT, censor: '[redacted]' } },
    opts.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything (unit tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
