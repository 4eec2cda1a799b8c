// Idempotent creates. The record is inserted in the same transaction as the token it guards:
// a concurrent retry with the same key blocks on the primary key until the first commits, then
// reads its response, so one key can never produce two tokens.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { ConflictError, InvalidError } from '../errors';
import { openResponse, recordKey, requestFingerprint, sealResponse } from './crypto';
import { hashesEqual } from '../credentials/secret';

import { IDEMPOTENCY_WINDOW_MS } from '../contract/limits';

export { IDEMPOTENCY_WINDOW_MS };

const keySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/);

/** Validates the Idempotency-Key header (printable ASCII, 1–255); undefined when absent. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = keySchema.safeParse(header);
  if (!parsed.success) {
    throw new InvalidError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters without spaces' }]);
  }
  return parsed.data;
}

export interface IdempotentResult<T> {
  body: T;
  replayed: boolean;
}

interface RecordRow {
  request_hash: Buffer;
  response_status: number | null;
  response_ciphertext: Buffer | null;
}

export async function runIdempotent<T>(
  ctx: ServiceContext,
  request: { scope: string; key: string; body: unknown },
  create: (trx: Knex.Transaction) => Promise<T>,
  afterCommit: () => void = () => undefined,
): Promise<IdempotentResult<T>> {
  const keyHash = recordKey(ctx.serverKey, request.scope, request.key);
  const fingerprint = requestFingerprint(request.body);
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (trx): Promise<IdempotentResult<T>> => {
    // A record past its window no longer counts (the sweeper deletes it soon anyway).
    await trx('idempotency_records').where({ key_hash: keyHash }).where('expires_at', '<=', now).delete();
    const inserted = (await trx('idempotency_records')
      .insert({
        key_hash: keyHash,
        request_hash: fingerprint,
        created_at: now,
        expires_at: new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS),
      })
      .onConflict('key_hash')
      .ignore()
      .returning(['key_hash'])) as unknown[];
    if (inserted.length === 0) {
      const existing = (await trx('idempotency_records')
        .select('request_hash', 'response_status', 'response_ciphertext')
        .where('key_hash', keyHash)
        .first()) as RecordRow | undefined;
      if (!existing || !hashesEqual(existing.request_hash, fingerprint)) {
        throw new ConflictError('This Idempotency-Key was already used with a different request body.');
      }
      if (!existing.response_ciphertext) throw new ConflictError('A request with this Idempotency-Key is still in progress.');
      const plaintext = openResponse(ctx.serverKey, request.scope, request.key, existing.response_ciphertext);
      return { body: JSON.parse(plaintext) as T, replayed: true };
    }
    const body = await create(trx);
    await trx('idempotency_records')
      .where({ key_hash: keyHash })
      .update({ response_status: 201, response_ciphertext: sealResponse(ctx.serverKey, request.scope, request.key, JSON.stringify(body)) });
    return { body, replayed: false };
  });
  if (!result.replayed) afterCommit();
  return result;
}

/** Deletes records whose window has passed (the encrypted secrets with them). */
export async function sweepIdempotencyRecords(db: Knex, now: Date): Promise<number> {
  return db('idempotency_records').where('expires_at', '<=', now).delete();
}
