// One knex instance per API instance. Timestamps stay JS Dates (pg's default for timestamptz);
// every time we write comes from the injected clock, not from the database's now().
import knex, { type Knex } from 'knex';
import type pino from 'pino';
import { LogFloodGate } from '../log-flood';
import { errorForLog } from '../log-scrub';

export interface DatabaseOptions {
  /** Pool size; the auth hot path does not use the pool on a cache hit, so 10 is plenty. */
  poolMax?: number;
  applicationName?: string;
  /** Where knex's own warnings go (it would use console.log otherwise). */
  logger?: pino.Logger;
  /** Per-session limits set on every connection; omitted ones stay at the server's setting. */
  timeouts?: Partial<DatabaseTimeouts>;
}

/**
 * Milliseconds. A statement running longer than statementMs, or waiting longer than lockMs for a
 * lock, is cancelled (the request then answers 503 with Retry-After instead of hanging); a
 * transaction left idle longer than idleInTransactionMs is ended by the server, so a stuck request
 * cannot hold its locks forever. 0 means no limit.
 */
export interface DatabaseTimeouts {
  statementMs: number;
  lockMs: number;
  idleInTransactionMs: number;
}

/** What the API uses unless configured otherwise (TESSERA_DB_*_TIMEOUT_MS). */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { statementMs: 30_000, lockMs: 5_000, idleInTransactionMs: 60_000 };

export function createKnex(databaseUrl: string, options: DatabaseOptions = {}): Knex {
  // With the database down under load, knex warns once per failed acquire: counted, not repeated.
  const flood = options.logger ? new LogFloodGate(options.logger) : null;
  const report = (level: 'warn' | 'error', message: unknown, what: string): void => {
    const entry = errorForLog(message);
    flood?.log(level, `${what} ${entry.type} ${entry.message ?? ''}`, { knex: entry }, what);
  };
  return knex({
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      application_name: options.applicationName ?? 'tessera-api',
      // Sent in the startup packet, so they hold from the connection's first statement.
      ...(options.timeouts?.statementMs !== undefined && { statement_timeout: options.timeouts.statementMs }),
      ...(options.timeouts?.lockMs !== undefined && { lock_timeout: options.timeouts.lockMs }),
      ...(options.timeouts?.idleInTransactionMs !== undefined && {
        idle_in_transaction_session_timeout: options.timeouts.idleInTransactionMs,
      }),
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    acquireConnectionTimeout: 10_000,
    log: {
      // As type and first line only: an Error's text never carries its stack into the log.
      warn: (message: unknown) => report('warn', message, 'knex warning'),
      error: (message: unknown) => report('error', message, 'knex error'),
      deprecate: () => undefined,
      debug: () => undefined,
    },
  });
}

export type Queryable = Knex | Knex.Transaction;
