/**
 * A real Tessera API on a real PostgreSQL database (the jest run's test cluster), listening on
 * a random port, with the bootstrap SysAdmin token: what the provider e2e tests talk to.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { createTessera } from '../../api/app';
import { ensureBootstrapAdmin } from '../../api/bootstrap';
import { migrateLatest } from '../../api/db/migrate';
import { createTestDatabase } from '../support/database';

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ProviderTestApi {
  url: string;
  /** Secret of admin@localhost (SysAdmin). */
  adminToken: string;
  /** Calls the API like any client would. */
  request(method: string, path: string, token: string, body?: unknown): Promise<ApiResponse>;
  /** Runs SQL directly against the test database (for what no API offers, e.g. expiry). */
  sql<T extends Record<string, unknown> = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export interface ProviderTestApiOptions {
  /** The operator's maximum token lifetime (TESSERA_PAT_MAX_DAYS); default 30. */
  patMaxDays?: number;
}

export async function startProviderTestApi(options: ProviderTestApiOptions = {}): Promise<ProviderTestApi> {
  const database = await createTestDatabase();
  const serverKey = randomBytes(32);
  await migrateLatest(database.url);
  const adminToken = await ensureBootstrapAdmin({ database: database.url, serverKey });
  if (!adminToken) throw new Error('bootstrap did not create the admin token');
  const tessera = await createTessera({ databaseUrl: database.url, serverKey, logger: pino({ level: 'silent' }), authFailureLimit: 1000, patMaxDays: options.patMaxDays });
  const address = await tessera.listen(0, '127.0.0.1');
  const pg = new Client({ connectionString: database.url });
  await pg.connect();
  return {
    url: address.url,
    adminToken,
    async request(method, path, token, body) {
      const response = await fetch(`${address.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
    async sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []) {
      return (await pg.query(text, params)).rows as T[];
    },
    async stop() {
      await pg.end();
      await tessera.close();
      await database.drop();
    },
  };
}
