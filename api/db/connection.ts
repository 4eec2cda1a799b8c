// One knex instance per API instance. Timestamps stay JS Dates (pg's default for timestamptz);
// every time we write comes from the injected clock, not from the database's now().
import knex, { type Knex } from 'knex';

export interface DatabaseOptions {
  /** Pool size; the auth hot path does not use the pool on a cache hit, so 10 is plenty. */
  poolMax?: number;
  applicationName?: string;
}

export function createKnex(databaseUrl: string, options: DatabaseOptions = {}): Knex {
  return knex({
    client: 'pg',
    connection: { connectionString: databaseUrl, application_name: options.applicationName ?? 'tessera-api' },
    pool: { min: 0, max: options.poolMax ?? 10 },
    acquireConnectionTimeout: 10_000,
  });
}

export type Queryable = Knex | Knex.Transaction;
