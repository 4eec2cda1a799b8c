// Idempotent creates. The record is written atomically with the rows it guards (in the same
// statement, or the same transaction): a concurrent retry with the same key blocks on the primary
// key until the first commits, then reads its response, so one key can never produce two tokens.
import type { Knex } from 'knex';
import type { ServiceContext } from '../context';
import { ConflictError, InvalidError } from '../errors';
import { openResponse, recordKey, requestFingerprint, sealResponse } from './crypto';
import { hashesEqual } from '../credentials/secret';
import { claimRecord, deleteExpiredRecords, findRecord, storeResponse, type IdempotencyRecord, type StoredRecord } from './repository';

import { IDEMPOTENCY_WINDOW_MS } from '../contract/limits';

export { IDEMPOTENCY_WINDOW_MS };

// A plain test rather than a schema: it runs on every create.
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Validates the Idempotency-Key header (printable ASCII, 1–255); undefined when absent. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw new InvalidError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters without spaces' }]);
  }
  return header;
}

export interface IdempotentResult<T> {
  body: T;
  replayed: boolean;
}

export interface IdempotentRequest {
  scope: string;
  key: string;
  body: unknown;
}

/** Seals `body` into the record a create writes with its rows. */
export type RecordFor<T> = (body: T) => IdempotencyRecord;

/** The record a request claims, before its response is known; the window starts now. */
function claimFor(ctx: ServiceContext, request: IdempotentRequest): Omit<IdempotencyRecord, 'responseStatus' | 'responseCiphertext'> {
  const createdAt = ctx.clock.now();
  return {
    keyHash: recordKey(ctx.serverKey, request.scope, request.key),
    requestHash: requestFingerprint(request.body),
    createdAt,
    expiresAt: new Date(createdAt.getTime() + IDEMPOTENCY_WINDOW_MS),
  };
}

/** The answer to a retry: the first response again, or 409 when the key is reused for another body. */
function replay<T>(
  ctx: ServiceContext,
  request: IdempotentRequest,
  fingerprint: Buffer,
  existing: StoredRecord | undefined,
): IdempotentResult<T> {
  if (!existing || !hashesEqual(existing.request_hash, fingerprint)) {
    throw new ConflictError('This Idempotency-Key was already used with a different request body.');
  }
  if (!existing.response_ciphertext) throw new ConflictError('A request with this Idempotency-Key is still in progress.');
  const plaintext = openResponse(ctx.serverKey, request.scope, request.key, existing.response_ciphertext);
  return { body: JSON.parse(plaintext) as T, replayed: true };
}

/**
 * For a create that writes its rows in one statement: `write` gets a function that seals its
 * response into the record, writes the record with its rows atomically, and returns null when
 * the key was already claimed (then nothing of it was written).
 */
export async function runIdempotentStatement<T>(
  ctx: ServiceContext,
  request: IdempotentRequest,
  write: (recordFor: RecordFor<T>) => Promise<T | null>,
): Promise<IdempotentResult<T>> {
  // Twice at most: a record found taken can pass its window and be swept before it is read.
  for (let attempt = 0; ; attempt += 1) {
    const claim = claimFor(ctx, request);
    const body = await write((response) => ({
      ...claim,
      responseStatus: 201,
      responseCiphertext: sealResponse(ctx.serverKey, request.scope, request.key, JSON.stringify(response)),
    }));
    if (body !== null) return { body, replayed: false };
    const existing = await findRecord(ctx.db, claim.keyHash);
    if (existing || attempt > 0) return replay<T>(ctx, request, claim.requestHash, existing);
  }
}

/** For a create that needs a transaction of its own: the record is claimed first, in it. */
export async function runIdempotent<T>(
  ctx: ServiceContext,
  request: IdempotentRequest,
  create: (trx: Knex.Transaction) => Promise<T>,
  afterCommit: () => void = () => undefined,
): Promise<IdempotentResult<T>> {
  const claim = claimFor(ctx, request);
  const result = await ctx.db.transaction(async (trx): Promise<IdempotentResult<T>> => {
    const claimed = await claimRecord(trx, { ...claim, responseStatus: null, responseCiphertext: null });
    if (!claimed) return replay<T>(ctx, request, claim.requestHash, await findRecord(trx, claim.keyHash));
    const body = await create(trx);
    await storeResponse(trx, claim.keyHash, 201, sealResponse(ctx.serverKey, request.scope, request.key, JSON.stringify(body)));
    return { body, replayed: false };
  });
  if (!result.replayed) afterCommit();
  return result;
}

/** Deletes records whose window has passed (the encrypted secrets with them). */
export async function sweepIdempotencyRecords(db: Knex, now: Date): Promise<number> {
  return deleteExpiredRecords(db, now);
}
