/**
 * The test API (test/support/api-server.ts: a real API on a fresh database of the run's
 * PostgreSQL, with the bootstrap SysAdmin token) plus what the provider scenarios need on top:
 * plain HTTP calls as any client makes them, and SQL for what no API offers (e.g. expiry).
 */
import { Client } from 'pg';
import { startTestApi, type TestApi, type TestApiOptions } from '../support/api-server';

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ProviderTestApi {
  url: string;
  /** Secret of admin@localhost (SysAdmin). */
  adminToken: string;
  testApi: TestApi;
  /** Calls the API like any client would. */
  request(method: string, path: string, token: string, body?: unknown): Promise<ApiResponse>;
  /** Runs SQL directly against the test database. */
  sql<T extends Record<string, unknown> = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startProviderTestApi(options: Pick<TestApiOptions, 'patMaxDays'> = {}): Promise<ProviderTestApi> {
  const testApi = await startTestApi({ patMaxDays: options.patMaxDays });
  const pg = new Client({ connectionString: testApi.databaseUrl });
  try {
    await pg.connect();
  } catch (error) {
    await testApi.stop();
    throw error;
  }
  return {
    url: testApi.baseUrl,
    adminToken: testApi.adminToken,
    testApi,
    async request(method, path, token, body) {
      const response = await fetch(`${testApi.baseUrl}${path}`, {
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
      await pg.end().catch(() => undefined);
      await testApi.stop();
    },
  };
}
