// The database floor of a token create, written once for the two places the create bench
// (bench/api-create.bench.ts) runs it: straight from the load generator, and inside the bare
// Express app (bench/api-hello-server.ts) that stands for any Express API storing the row.
// Nothing of the API's create beyond the row: no audit event, no idempotency record, no NOTIFY.
import type { Pool, QueryResult } from 'pg';
import { generateSecret, hashSecret, tokenHint } from '../api/credentials/secret';

export interface InsertedToken {
  id: string;
  kind: string;
  user_id: string;
  name: string;
  token_hint: string;
  expiration_days: number;
  created_at: Date;
  expires_at: Date;
}

/**
 * One personal access token of `userId`, with a fresh secret and its keyed hash, in a
 * single-row INSERT transaction on one of `pool`'s connections. Resolves with the row and the
 * secret, as a create answers them.
 */
export async function insertTokenRow(
  pool: Pool,
  serverKey: Buffer,
  userId: string,
  name: string,
  expirationDays: number,
): Promise<{ row: InsertedToken; secret: string }> {
  const secret = generateSecret('personal_access_token');
  const client = await pool.connect();
  let inserted: QueryResult<InsertedToken>;
  try {
    await client.query('BEGIN');
    inserted = await client.query<InsertedToken>(
      `INSERT INTO tokens (kind, user_id, name, secret_hash, token_hint, expiration_days, created_at, expires_at)
       VALUES ('personal_access_token', $1, $2, $3, $4, $5::integer, now(), now() + $5::integer * interval '1 day')
       RETURNING id, kind, user_id, name, token_hint, expiration_days, created_at, expires_at`,
      [userId, name, hashSecret(serverKey, secret), tokenHint(secret), expirationDays],
    );
    await client.query('COMMIT');
  } catch (failure) {
    // Not back in the pool: the connection may be inside the failed transaction.
    client.release(true);
    throw failure;
  }
  client.release();
  const row = inserted.rows[0];
  if (row === undefined) throw new Error('the INSERT returned no row');
  return { row, secret };
}
