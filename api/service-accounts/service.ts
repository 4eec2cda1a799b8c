// Service accounts: a named non-human identity with exactly one token, created with it.
import type { Knex } from 'knex';
import { recordAudit } from '../audit/record';
import { changeAuthState, type Actor, type ServiceContext } from '../context';
import type { CreatedServiceAccount, ServiceAccountView } from '../contract/service-accounts';
import { NotFoundError } from '../errors';
import { toPage, type Page, type PageRequest } from '../pagination';
import { expiryFor } from '../tokens/policy';
import { insertToken, revokeServiceAccountTokens } from '../tokens/repository';
import { generateSecret, hashSecret, tokenHint } from '../credentials/secret';
import {
  findServiceAccount,
  insertServiceAccount,
  listServiceAccounts as listRows,
  markServiceAccountDeleted,
  type ServiceAccountRow,
} from './repository';

export type { CreatedServiceAccount, ServiceAccountView };

function toView(ctx: ServiceContext, row: ServiceAccountRow): ServiceAccountView {
  const pending = row.token_id ? ctx.lastUsed?.pendingUse(row.token_id) : undefined;
  const used = pending && (!row.last_used_at || pending > row.last_used_at) ? pending : row.last_used_at;
  return {
    id: row.id,
    name: row.name,
    token_id: row.token_id,
    token_hint: row.token_hint,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at ? row.expires_at.toISOString() : null,
    last_used_at: used ? used.toISOString() : null,
    created_by_user_id: row.created_by_user_id,
  };
}

export async function insertServiceAccountWithToken(
  ctx: ServiceContext,
  trx: Knex.Transaction,
  actor: Actor,
  input: { name: string; expirationDays: number | null },
): Promise<CreatedServiceAccount> {
  const now = ctx.clock.now();
  const id = await insertServiceAccount(trx, { name: input.name, createdByUserId: actor.userId, now });
  const secret = generateSecret('service_account');
  const token = await insertToken(trx, {
    kind: 'service_account',
    userId: null,
    serviceAccountId: id,
    name: input.name,
    secretHash: hashSecret(ctx.serverKey, secret),
    tokenHint: tokenHint(secret),
    expirationDays: input.expirationDays,
    createdAt: now,
    expiresAt: input.expirationDays === null ? null : expiryFor(now, input.expirationDays),
  });
  await recordAudit(
    trx,
    actor,
    now,
    'service_account.created',
    { type: 'service_account', id },
    {
      name: input.name,
      token_id: token.id,
      token_hint: token.token_hint,
      expiration_days: input.expirationDays,
    },
  );
  return {
    id,
    name: input.name,
    token: secret,
    token_hint: token.token_hint,
    created_at: now.toISOString(),
    expires_at: token.expires_at ? token.expires_at.toISOString() : null,
  };
}

export async function getServiceAccount(ctx: ServiceContext, id: string): Promise<ServiceAccountView> {
  const row = await findServiceAccount(ctx.db, id);
  if (!row) throw new NotFoundError('service account');
  return toView(ctx, row);
}

export async function listServiceAccounts(ctx: ServiceContext, page: PageRequest): Promise<Page<ServiceAccountView>> {
  const rows = await listRows(ctx.db, page);
  const result = toPage(rows, page.pageSize, (r) => [r.created_at.toISOString(), r.id]);
  return { items: result.items.map((r) => toView(ctx, r)), nextPageToken: result.nextPageToken };
}

export async function deleteServiceAccount(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  await changeAuthState(ctx, async (trx, invalidate) => {
    const now = ctx.clock.now();
    if (!(await markServiceAccountDeleted(trx, id, now))) throw new NotFoundError('service account');
    const revoked = await revokeServiceAccountTokens(trx, id, now);
    invalidate({ scope: 'service_account', id });
    await recordAudit(trx, actor, now, 'service_account.deleted', { type: 'service_account', id }, { revoked_token_ids: revoked });
  });
}
