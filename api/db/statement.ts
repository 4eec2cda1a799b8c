// Prepared statements for the hottest writes. knex builds every query anew (it walks the SQL to
// number its `?` bindings, then runs it through its runner), which costs more CPU than the rest
// of a token create; a statement whose text never changes is numbered once, here, and sent on one
// of knex's own pooled connections with pg directly. It is named, so each connection has
// PostgreSQL parse and plan it once and afterwards only binds and executes it.
import type { Knex } from 'knex';
import type { Queryable } from './connection';

export interface PreparedStatement {
  /** Unique per text in the process: a connection keeps each name's parsed statement. */
  readonly name: string;
  /** As knex takes it, with `?` bindings (for a transaction, which knex must run). */
  readonly knexText: string;
  /** As PostgreSQL takes it, with $1 … $n. */
  readonly text: string;
}

/** The part of a pg client this module uses. */
interface PgConnection {
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();

/**
 * A statement from SQL written with `?` bindings (knex's notation), numbered once. `??`
 * (identifier bindings) and `\?` are not supported: the text must be literal SQL.
 */
export function preparedStatement(name: string, sql: string): PreparedStatement {
  if (/\?\?|\\\?/.test(sql)) throw new Error(`statement ${name}: only plain ? bindings are supported`);
  const known = names.get(name);
  if (known !== undefined && known !== sql) throw new Error(`statement ${name} is already prepared with another text`);
  names.set(name, sql);
  let position = 0;
  return { name, knexText: sql, text: sql.replace(/\?/g, () => `$${++position}`) };
}

/**
 * Runs `statement` with `values` (in the order of its bindings). On the pool it takes one of
 * knex's connections for the one statement; in a transaction it goes through knex, on the
 * transaction's connection. Errors are pg's, as knex passes them on.
 */
export async function runStatement(db: Queryable, statement: PreparedStatement, values: readonly Knex.Value[]): Promise<unknown[]> {
  if (db.isTransaction) return ((await db.raw(statement.knexText, values as Knex.Value[])) as { rows: unknown[] }).rows;
  const connection = (await db.client.acquireConnection()) as PgConnection;
  try {
    return (await connection.query({ name: statement.name, text: statement.text, values })).rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}
