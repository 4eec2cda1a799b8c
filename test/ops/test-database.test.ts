// The jest infrastructure itself: the global setup's cluster reaches this worker through the
// environment, and createTestDatabase() gives isolated, droppable databases in it.
import { Client } from 'pg';
import { createTestDatabase } from '../support/database';

async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('test PostgreSQL for jest workers', () => {
  it('is a real PostgreSQL whose URL this worker inherited from the global setup', async () => {
    const url = process.env.TESSERA_TEST_PG_URL;
    expect(url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    const [row] = await query<{ version: string }>(url ?? '', 'SELECT version()');
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
  });

  it('creates a fresh empty database per call, isolated from the others, and drops it', async () => {
    const started = Date.now();
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    const perDatabaseMs = (Date.now() - started) / 2;
    expect(first.name).not.toBe(second.name);
    expect(perDatabaseMs).toBeLessThan(2_000);

    await query(first.url, 'CREATE TABLE only_here (id int)');
    const inFirst = await query<{ n: string }>(first.url, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'only_here'");
    const inSecond = await query<{ n: string }>(second.url, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'only_here'");
    expect(inFirst[0]?.n).toBe('1');
    expect(inSecond[0]?.n).toBe('0');

    // A connection left open must not stop the drop.
    const lingering = new Client({ connectionString: first.url });
    lingering.on('error', () => undefined);
    await lingering.connect();
    await first.drop();
    await second.drop();
    await lingering.end().catch(() => undefined);
    const names = await query<{ datname: string }>(
      process.env.TESSERA_TEST_PG_URL ?? '',
      'SELECT datname FROM pg_database WHERE datname = ANY($1)',
      [[first.name, second.name]],
    );
    expect(names).toEqual([]);
  });
});
