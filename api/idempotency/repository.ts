// SQL for idempotency records. A record is claimed by inserting it; a key whose record has
// passed its window is claimed again by overwriting that record in the same statement.
import type { Knex } from 'knex';
import type { Queryable } from '../db/connection';

export interface IdempotencyRecord {
  keyHash: Buffer;
  requestHash: Buffer;
  createdAt: Date;
  expiresAt: Date;
  /** Null while the response is not known yet (the transaction path stores it before commit). */
  responseStatus: number | null;
  responseCiphertext: Buffer | null;
}

export interface StoredRecord {
  request_hash: Buffer;
  response_status: number | null;
  response_ciphertext: Buffer | null;
}

/**
 * The claiming INSERT as a fragment for a larger statement: it returns one row when the key is
 * claimed and none when an unexpired record already holds it. A concurrent claim of the same key
 * waits on the unique index until the first commits, then sees it. Its bindings: claimRecordBindings.
 */
export const CLAIM_RECORD_SQL = `INSERT INTO idempotency_records AS r (key_hash, request_hash, response_status, response_ciphertext, created_at, expires_at)
          VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (key_hash) DO UPDATE SET
            request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
            response_ciphertext = EXCLUDED.response_ciphertext, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
          WHERE r.expires_at <= EXCLUDED.created_at
          RETURNING key_hash`;

/** The values of CLAIM_RECORD_SQL's bindings, in order. */
export function claimRecordBindings(record: IdempotencyRecord): Knex.Value[] {
  return [record.keyHash, record.requestHash, record.responseStatus, record.responseCiphertext, record.createdAt, record.expiresAt];
}

/** Claims the key on its own; false when an unexpired record holds it. */
export async function claimRecord(db: Queryable, record: IdempotencyRecord): Promise<boolean> {
  const result = (await db.raw(CLAIM_RECORD_SQL, claimRecordBindings(record))) as { rows: unknown[] };
  return result.rows.length > 0;
}

export async function findRecord(db: Queryable, keyHash: Buffer): Promise<StoredRecord | undefined> {
  return (await db('idempotency_records')
    .select('request_hash', 'response_status', 'response_ciphertext')
    .where('key_hash', keyHash)
    .first()) as StoredRecord | undefined;
}

export async function storeResponse(db: Queryable, keyHash: Buffer, status: number, ciphertext: Buffer): Promise<void> {
  await db('idempotency_records').where({ key_hash: keyHash }).update({ response_status: status, response_ciphertext: ciphertext });
}

export async function deleteExpiredRecords(db: Queryable, now: Date): Promise<number> {
  return db('idempotency_records').where('expires_at', '<=', now).delete();
}
