// The database floor of a token create, written once for the two places the create bench
// (bench/api-create.bench.ts) runs it: straight from the load generator, and inside the bare
// Express app (bench/api-hello-server.ts) that stands for any Express API storing the row.
// Nothing of the API's create beyond the row: no audit event, no idempotency record, no NOTIFY.
import type { Pool } from 'pg';
import { generateSecret, hashSecret, tokenHint } from '../api/credentials/secret';

/** The values a create binds, as its answer shows them (the keyed hash stays in the database). */
export interface TokenRowValues {
  kind: 'personal_access_token';
  user_id: string;
  name: string;
  token_hint: string;
  expiration_days: 1;
}

/**
 * One 1-day personal access token of `userId` (the create bench's bodies all ask for 1 day),
 * with a fresh secret and its keyed hash, in a single-row INSERT transaction on one of `pool`'s
 * connections. Resolves with the values it wrote and the secret. No RETURNING: reading the row
 * back costs PostgreSQL CPU on every INSERT, which would raise the floor this stands for.
 */
export async function insertTokenRow(
  pool: Pool,
  serverKey: Buffer,
  userId: string,
  name: string,
): Promise<{ row: TokenRowValues; secret: string }> {
  const secret = generateSecret('personal_access_token');
  const row: TokenRowValues = {
    kind: 'personal_access_token',
    user_id: userId,
    name,
    token_hint: tokenHint(secret),
    expiration_days: 1,
  };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO tokens (kind, user_id, name, secret_hash, token_hint, expiration_days, created_at, expires_at)
       VALUES ('personal_access_token', $1, $2, $3, $4, 1, now(), now() + interval '1 day')`,
      [userId, name, hashSecret(serverKey, secret), row.token_hint],
    );
    await client.query('COMMIT');
  } catch (failure) {
    // Not back in the pool: the connection may be inside the failed transaction.
    client.release(true);
    throw failure;
  }
  client.release();
  return { row, secret };
}
