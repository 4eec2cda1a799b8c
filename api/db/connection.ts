// One knex instance per API instance. Timestamps stay JS Dates (pg's default for timestamptz);
// every time we write comes from the injected clock, not from the database's now().
import knex, { type Knex } from 'knex';
import type pino from 'pino';

export interface DatabaseOptions {
  /** Pool size; the auth hot path does not use the pool on a cache hit, so 10 is plenty. */
  poolMax?: number;
  applicationName?: string;
  /** Where knex's own warnings go (it would use console.log otherwise). */
  logger?: pino.Logger;
}

export function createKnex(databaseUrl: string, options: DatabaseOptions = {}): Knex {
  return knex({
    client: 'pg',
    connection: { connectionString: databaseUrl, application_name: options.applicationName ?? 'tessera-api' },
    pool: { min: 0, max: options.poolMax ?? 10 },
    acquireConnectionTimeout: 10_000,
    log: {
      warn: (message: unknown) => options.logger?.warn({ knex: String(message).slice(0, 300) }, 'knex warning'),
      error: (message: unknown) => options.logger?.error({ knex: String(message).slice(0, 300) }, 'knex error'),
      deprecate: () => undefined,
      debug: () => undefined,
    },
  });
}

export type Queryable = Knex | Knex.Transaction;
