// A fresh, empty database per test file (or per test) in the run's test cluster.
import * as crypto from 'node:crypto';
import { Client } from 'pg';
import { TEST_PG_URL_ENV } from './test-cluster';

export interface TestDatabase {
  /** postgres://… URL of the new database, for knex/pg/createTessera. */
  url: string;
  name: string;
  /** Drops the database, closing any connections still open to it. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env[TEST_PG_URL_ENV];
  if (!url) {
    throw new Error(
      `${TEST_PG_URL_ENV} is not set: run the tests through jest with jest.config.js (its globalSetup starts the test PostgreSQL)`,
    );
  }
  return url;
}

async function asAdmin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  // Unique across workers and runs: pid plus randomness; PostgreSQL folds unquoted names to
  // lower case, so keep to lower case and quote anyway.
  const name = `tessera_test_${process.pid}_${crypto.randomBytes(6).toString('hex')}`;
  await asAdmin((client) => client.query(`CREATE DATABASE "${name}" STRATEGY FILE_COPY`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await asAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
