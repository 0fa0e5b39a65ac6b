import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';
import { redactForLog, scrubText, serializeError } from './redact-log.js';

export type Logger = PinoLogger;

/**
 * Tokens and secrets never reach a log, even when a whole config, request or SDK error is logged:
 * every logged object goes through redactForLog, which serializes an Error
 * under any key without its request config and headers, censors secret-named fields at any depth
 * (case-insensitive), and scrubs token-shaped text, in messages too.
 */
export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name ?? 'devbot',
      serializers: { err: (value: unknown) => (value instanceof Error ? serializeError(value) : value) },
      formatters: { log: (object) => redactForLog(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          // pino takes an Error's message as the line's msg when none is given: scrub that one too.
          const texts = first instanceof Error && !rest.some((a) => typeof a === 'string') ? [...rest, first.message] : rest;
          const scrubbed = texts.map((a) => (typeof a === 'string' ? scrubText(a) : a));
          return method.apply(this, (typeof first === 'string' ? [scrubText(first), ...scrubbed] : [first, ...scrubbed]) as Parameters<typeof method>);
        },
      },
    },
    opts.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything (unit tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
