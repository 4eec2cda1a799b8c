// Personal access tokens: create, list, show, revoke, revoke all. Handlers stay thin; rules,
// audit events and cache invalidation live here.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { insertAuditEvents, type AuditEventInput } from '../audit/repository';
import type { Queryable } from '../db/connection';
import type { IdempotencyRecord } from '../idempotency/repository';
import { runIdempotentStatement, type IdempotentRequest, type IdempotentResult } from '../idempotency/service';
import { changeAuthState, type Actor, type ServiceContext } from '../context';
import type {
  CreatedPersonalAccessToken as CreatedPersonalToken,
  PersonalAccessTokenView as PersonalTokenMetadata,
} from '../contract/tokens';
import { ConflictError, NotFoundError } from '../errors';
import { toPage, type Page, type PageRequest } from '../pagination';
import { expiryFor } from './policy';
import {
  CLIENT_REFERENCE_CONSTRAINT,
  createTokenWithAudit,
  findLiveUserToken,
  findPersonalToken,
  listLiveUserTokens,
  revokeAllUserTokens,
  revokeToken,
  type NewToken,
  type TokenFilter,
  type TokenRow,
} from './repository';
import { generateSecret, hashSecret, tokenHint } from '../credentials/secret';

export type { CreatedPersonalToken, PersonalTokenMetadata };

export interface NewPersonalToken {
  name: string;
  expirationDays: number;
  /** Which client made the token (free text, not secret). */
  createdVia?: string;
  /** The client's own reference for this one create; unique per user. */
  clientReference?: string;
}

/** 409 when a client_reference already names one of the user's tokens (live or not). */
export const clientReferenceInUse = (): ConflictError =>
  new ConflictError(
    'A personal access token with this client_reference already exists (a client_reference names one create). ' +
      'Find it with GET /api/v1/personal-access-tokens?client_reference=…; it is not listed once revoked or expired.',
    'client-reference-in-use',
  );

function isClientReferenceViolation(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return typeof e === 'object' && e !== null && e.code === '23505' && e.constraint === CLIENT_REFERENCE_CONSTRAINT;
}

function lastUsed(ctx: ServiceContext, row: TokenRow): Date | null {
  const pending = ctx.lastUsed?.pendingUse(row.id);
  if (pending && (!row.last_used_at || pending > row.last_used_at)) return pending;
  return row.last_used_at;
}

export function toMetadata(ctx: ServiceContext, row: TokenRow): PersonalTokenMetadata {
  const used = lastUsed(ctx, row);
  return {
    id: row.id,
    name: row.name,
    token_hint: row.token_hint,
    expiration_days: row.expiration_days ?? 0,
    created_at: row.created_at.toISOString(),
    expires_at: (row.expires_at as Date).toISOString(),
    last_used_at: used ? used.toISOString() : null,
    created_via: row.created_via,
    client_reference: row.client_reference,
  };
}

/** A new token's row, its audit event and the create response, with a fresh secret and id. */
function newPersonalToken(
  ctx: ServiceContext,
  actor: Actor,
  userId: string,
  input: NewPersonalToken,
): { token: NewToken & { id: string }; audit: AuditEventInput; body: CreatedPersonalToken } {
  const secret = generateSecret('personal_access_token');
  const createdAt = ctx.clock.now();
  const expiresAt = expiryFor(createdAt, input.expirationDays);
  const token = {
    id: randomUUID(),
    kind: 'personal_access_token' as const,
    userId,
    serviceAccountId: null,
    name: input.name,
    secretHash: hashSecret(ctx.serverKey, secret),
    tokenHint: tokenHint(secret),
    expirationDays: input.expirationDays,
    createdAt,
    expiresAt,
    createdVia: input.createdVia ?? null,
    clientReference: input.clientReference ?? null,
  };
  const audit: AuditEventInput = {
    occurredAt: createdAt,
    action: 'personal_access_token.created',
    outcome: 'success',
    actorUserId: actor.userId,
    actorServiceAccountId: actor.serviceAccountId,
    tokenId: actor.tokenId,
    targetType: 'personal_access_token',
    targetId: token.id,
    sourceIp: actor.sourceIp,
    details: {
      user_id: userId,
      name: token.name,
      expiration_days: input.expirationDays,
      token_hint: token.tokenHint,
      ...(token.createdVia === null ? {} : { created_via: token.createdVia }),
      ...(token.clientReference === null ? {} : { client_reference: token.clientReference }),
    },
  };
  const body: CreatedPersonalToken = {
    id: token.id,
    name: token.name,
    token: secret,
    token_hint: token.tokenHint,
    expiration_days: input.expirationDays,
    created_at: createdAt.toISOString(),
    expires_at: expiresAt.toISOString(),
    created_via: token.createdVia,
    client_reference: token.clientReference,
  };
  return { token, audit, body };
}

/** Writes the token with its audit event (and idempotency record); 409 for a client_reference in use. */
async function writePersonalToken(
  db: Queryable,
  created: ReturnType<typeof newPersonalToken>,
  record: IdempotencyRecord | null,
): Promise<boolean> {
  try {
    return await createTokenWithAudit(db, created.token, created.audit, record);
  } catch (error) {
    if (isClientReferenceViolation(error)) throw clientReferenceInUse();
    throw error;
  }
}

/** Inserts the token and its audit event in `trx`; the caller owns the transaction. */
export async function insertPersonalToken(
  ctx: ServiceContext,
  trx: Knex.Transaction,
  actor: Actor,
  userId: string,
  input: NewPersonalToken,
): Promise<CreatedPersonalToken> {
  const created = newPersonalToken(ctx, actor, userId, input);
  await writePersonalToken(trx, created, null);
  return created.body;
}

/**
 * Creates a personal token in one statement (the token, its audit event and, with an
 * Idempotency-Key, the record that answers retries): one round trip to the database.
 */
export async function createPersonalToken(
  ctx: ServiceContext,
  actor: Actor,
  userId: string,
  input: NewPersonalToken,
  idempotency?: IdempotentRequest,
): Promise<IdempotentResult<CreatedPersonalToken>> {
  if (idempotency === undefined) {
    const created = newPersonalToken(ctx, actor, userId, input);
    await writePersonalToken(ctx.db, created, null);
    return { body: created.body, replayed: false };
  }
  return runIdempotentStatement<CreatedPersonalToken>(ctx, idempotency, async (recordFor) => {
    const created = newPersonalToken(ctx, actor, userId, input);
    return (await writePersonalToken(ctx.db, created, recordFor(created.body))) ? created.body : null;
  });
}

export async function listPersonalTokens(
  ctx: ServiceContext,
  userId: string,
  page: PageRequest,
  filter: TokenFilter = {},
): Promise<Page<PersonalTokenMetadata>> {
  const rows = await listLiveUserTokens(ctx.db, userId, ctx.clock.now(), page, filter);
  const result = toPage(rows, page.pageSize, (r) => [r.created_at.toISOString(), r.id]);
  return { items: result.items.map((r) => toMetadata(ctx, r)), nextPageToken: result.nextPageToken };
}

export async function getPersonalToken(ctx: ServiceContext, userId: string, tokenId: string): Promise<PersonalTokenMetadata> {
  const row = await findLiveUserToken(ctx.db, userId, tokenId, ctx.clock.now());
  if (!row) throw new NotFoundError('personal access token');
  return toMetadata(ctx, row);
}

/**
 * Revokes one personal token. `mayRevokeOthers` is the SysAdmin case; anyone else sees other
 * people's tokens as nonexistent (404).
 */
export async function revokePersonalToken(
  ctx: ServiceContext,
  actor: Actor,
  tokenId: string,
  options: { ownerId: string | null; mayRevokeOthers: boolean },
): Promise<void> {
  await changeAuthState(ctx, async (trx, invalidate) => {
    const row = await findPersonalToken(trx, tokenId);
    const visible = row !== null && (options.mayRevokeOthers || row.user_id === options.ownerId);
    const now = ctx.clock.now();
    if (!row || !visible || !(await revokeToken(trx, tokenId, now))) throw new NotFoundError('personal access token');
    invalidate({ scope: 'token', id: tokenId });
    await insertAuditEvents(trx, [
      {
        occurredAt: now,
        action: 'personal_access_token.revoked',
        outcome: 'success',
        actorUserId: actor.userId,
        actorServiceAccountId: actor.serviceAccountId,
        tokenId: actor.tokenId,
        targetType: 'personal_access_token',
        targetId: tokenId,
        sourceIp: actor.sourceIp,
        details: { user_id: row.user_id, token_hint: row.token_hint },
      },
    ]);
  });
}

export async function revokeAllPersonalTokens(ctx: ServiceContext, actor: Actor, userId: string): Promise<number> {
  return changeAuthState(ctx, async (trx, invalidate) => {
    const now = ctx.clock.now();
    const ids = await revokeAllUserTokens(trx, userId, now);
    invalidate({ scope: 'user', id: userId });
    await insertAuditEvents(trx, [
      {
        occurredAt: now,
        action: 'personal_access_token.revoked_all',
        outcome: 'success',
        actorUserId: actor.userId,
        actorServiceAccountId: actor.serviceAccountId,
        tokenId: actor.tokenId,
        targetType: 'user',
        targetId: userId,
        sourceIp: actor.sourceIp,
        details: { revoked_count: ids.length, token_ids: ids },
      },
    ]);
    return ids.length;
  });
}
