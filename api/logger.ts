// JSON logs with pino. Every line, whatever it holds and whoever wrote it, is scrubbed on its way
// to the destination (log-scrub.ts): secrets, session cookies and Authorization values are
// removed by their shape, not by the name of the field or header that carried them. Errors are
// logged as type, code and message; no stack trace reaches a line.
import pino from 'pino';
import type { LogLevel } from './config';
import { errorForLog, scrubLogText } from './log-scrub';

// Headers that hold credentials whatever their content; the scrubber catches these values
// anyway, and this only saves it the work.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["api-token"]',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'req.headers["x-csrf-token"]',
  'headers.authorization',
  'headers["api-token"]',
  'headers.cookie',
  'authorization',
  'cookie',
  'token',
  'secret',
  'password',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
  '*.cookie',
  '*["api-token"]',
];

export interface LoggerOptions {
  level?: LogLevel;
  /** Where to write; defaults to stdout. Tests pass a stream to inspect what was logged. */
  destination?: pino.DestinationStream;
}

/** Replaces any Error (at any depth) by its type and message, and drops fields named `stack`. */
function withoutStacks(value: unknown, depth: number): unknown {
  if (value instanceof Error) return errorForLog(value);
  if (depth > 6 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => withoutStacks(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'stack') continue;
    out[key] = withoutStacks(item, depth + 1);
  }
  return out;
}

function serializeError(value: unknown): unknown {
  return value instanceof Error ? errorForLog(value) : value;
}

/** A destination that scrubs each serialised line before passing it on. */
export function scrubbingDestination(inner: pino.DestinationStream): pino.DestinationStream {
  return {
    write(line: string) {
      inner.write(scrubLogText(line));
    },
  };
}

export function createLogger(options: LoggerOptions = {}): pino.Logger {
  // Synchronous: an asynchronous stdout writer flushes its buffer at process.exit() ahead of a
  // write still in flight, which can reorder the last lines (a shutdown's steps). Lines are few
  // at info, and floods are counted rather than written.
  const inner = options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'tessera-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      formatters: { log: (object) => withoutStacks(object, 0) as Record<string, unknown> },
    },
    scrubbingDestination(inner),
  );
}

/**
 * Node prints process warnings (the database driver's deprecations among them) to stderr
 * itself, past the scrubber and with a stack under --trace-warnings. This sends them through
 * the logger instead, as type and message. Returns a function that restores Node's handling.
 */
export function routeProcessWarnings(logger: () => pino.Logger): () => void {
  const previous = process.listeners('warning');
  process.removeAllListeners('warning');
  const listener = (warning: Error) => logger().warn({ warning: errorForLog(warning) }, 'process warning');
  process.on('warning', listener);
  return () => {
    process.removeListener('warning', listener);
    for (const handler of previous) process.on('warning', handler);
  };
}
