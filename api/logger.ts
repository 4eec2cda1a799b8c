// JSON logs with pino. Redaction is configured here once so no call site can leak a secret
// through a header or a field named like one.
import pino from 'pino';
import type { LogLevel } from './config';

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

export function createLogger(options: LoggerOptions = {}): pino.Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'tessera-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}
