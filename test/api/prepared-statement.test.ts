// api/db/statement.ts: a statement written with `?` bindings runs on a pooled connection as a
// named statement that PostgreSQL keeps prepared, and in a transaction on that transaction's
// connection (so it commits or rolls back with it).
import type { Knex } from 'knex';
import { createKnex } from '../../api/db/connection';
import { preparedStatement, runStatement } from '../../api/db/statement';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let db: Knex;

beforeAll(async () => {
  database = await createTestDatabase();
  // One connection: every statement below meets the same PostgreSQL session.
  db = createKnex(database.url, { poolMax: 1 });
  await db.raw('CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL, at timestamptz NOT NULL)');
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const insertItem = preparedStatement(
  'test_insert_item',
  'INSERT INTO items (id, label, at) SELECT ?::integer, ?::text, ?::timestamptz RETURNING id, label, at',
);

test('numbers the bindings once, keeping the text knex takes for transactions', () => {
  expect(insertItem.text).toBe('INSERT INTO items (id, label, at) SELECT $1::integer, $2::text, $3::timestamptz RETURNING id, label, at');
  expect(insertItem.knexText).toContain('?::integer');
});

test('refuses a second text under a name in use, and identifier bindings it cannot number', () => {
  expect(() => preparedStatement('test_insert_item', 'SELECT 1')).toThrow(/already prepared with another text/);
  expect(() => preparedStatement('test_identifier', 'SELECT ?? FROM items')).toThrow(/only plain \? bindings/);
});

test('runs on the pool as a named statement the session keeps prepared, returning its rows', async () => {
  const at = new Date('2026-01-02T03:04:05.678Z');
  expect(await runStatement(db, insertItem, [1, 'first', at.toISOString()])).toEqual([{ id: 1, label: 'first', at }]);
  expect(await runStatement(db, insertItem, [2, 'second', at])).toEqual([{ id: 2, label: 'second', at }]);
  const prepared = (await db.raw('SELECT statement FROM pg_prepared_statements WHERE name = ?', ['test_insert_item'])) as {
    rows: Array<{ statement: string }>;
  };
  expect(prepared.rows).toEqual([{ statement: insertItem.text }]);
});

test("errors are PostgreSQL's, with their code and constraint", async () => {
  await expect(runStatement(db, insertItem, [1, 'again', new Date()])).rejects.toMatchObject({ code: '23505', constraint: 'items_pkey' });
  // The connection went back to the pool usable.
  expect(await runStatement(db, insertItem, [3, 'third', new Date()])).toHaveLength(1);
});

test("in a transaction, runs on the transaction's connection: a rollback takes its row away", async () => {
  await expect(
    db.transaction(async (trx) => {
      expect(await runStatement(trx, insertItem, [10, 'rolled back', new Date()])).toHaveLength(1);
      expect(((await trx.raw('SELECT count(*)::int AS n FROM items WHERE id = 10')) as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(1);
      throw new Error('roll back');
    }),
  ).rejects.toThrow('roll back');
  expect(((await db.raw('SELECT count(*)::int AS n FROM items WHERE id = 10')) as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(0);
});
