// Service accounts: a named non-human identity with exactly one token, created with it.
import type { Knex } from 'knex';
import { recordAudit } from '../audit/record';
import { changeAuthState, type Actor, type ServiceContext } from '../context';
import type { CreatedServiceAccount, ServiceAccountView } from '../contract/service-accounts';
import { InvalidError, NotFoundError } from '../errors';
import { toPage, type Page, type PageRequest } from '../pagination';
import { expiryFor } from '../tokens/policy';
import { insertToken, revokeServiceAccountTokens } from '../tokens/repository';
import { generateSecret, hashSecret, tokenHint } from '../credentials/secret';
import {
  deleteServiceAccountTeams,
  findServiceAccount,
  insertServiceAccount,
  insertServiceAccountTeams,
  listServiceAccounts as listRows,
  lockServiceAccount,
  markServiceAccountDeleted,
  missingTeamIds,
  renameServiceAccount,
  teamIdsOfServiceAccount,
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
    team_ids: row.teams.map((team) => team.id),
    teams: row.teams,
  };
}

/** Refuses a set of team ids naming a team that does not exist (and keeps the others from going away). */
async function checkTeamsExist(db: Knex.Transaction, teamIds: readonly string[]): Promise<void> {
  const missing = await missingTeamIds(db, teamIds);
  if (missing.length > 0) {
    throw new InvalidError([{ field: 'team_ids', message: `names no team: ${missing.join(', ')}` }]);
  }
}

export async function insertServiceAccountWithToken(
  ctx: ServiceContext,
  trx: Knex.Transaction,
  actor: Actor,
  input: { name: string; expirationDays: number | null; teamIds: readonly string[] },
): Promise<CreatedServiceAccount> {
  const now = ctx.clock.now();
  await checkTeamsExist(trx, input.teamIds);
  const id = await insertServiceAccount(trx, { name: input.name, createdByUserId: actor.userId, now });
  await insertServiceAccountTeams(trx, id, input.teamIds, now);
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
      team_ids: input.teamIds,
    },
  );
  return {
    id,
    name: input.name,
    token: secret,
    token_hint: token.token_hint,
    created_at: now.toISOString(),
    expires_at: token.expires_at ? token.expires_at.toISOString() : null,
    team_ids: [...input.teamIds],
  };
}

export async function getServiceAccount(ctx: ServiceContext, id: string): Promise<ServiceAccountView> {
  const row = await findServiceAccount(ctx.db, id);
  if (!row) throw new NotFoundError('service account');
  return toView(ctx, row);
}

export async function listServiceAccounts(
  ctx: ServiceContext,
  page: PageRequest,
  filter: { name?: string | undefined } = {},
): Promise<Page<ServiceAccountView>> {
  const rows = await listRows(ctx.db, page, filter);
  const result = toPage(rows, page.pageSize, (r) => [r.created_at.toISOString(), r.id]);
  return { items: result.items.map((r) => toView(ctx, r)), nextPageToken: result.nextPageToken };
}

export async function deleteServiceAccount(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  await changeAuthState(ctx, async (trx, invalidate) => {
    const now = ctx.clock.now();
    if (!(await markServiceAccountDeleted(trx, id, now))) throw new NotFoundError('service account');
    const revoked = await revokeServiceAccountTokens(trx, id, now);
    // A deleted account is in no team: team listings and counts need not filter it out.
    await deleteServiceAccountTeams(trx, id);
    invalidate({ scope: 'service_account', id });
    await recordAudit(trx, actor, now, 'service_account.deleted', { type: 'service_account', id }, { revoked_token_ids: revoked });
  });
}

/**
 * Renames the account and/or replaces its team set. A change of teams reaches its token on the
 * next request here and, through the invalidation notice, on every other API process.
 */
export async function updateServiceAccount(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  changes: { name?: string | undefined; teamIds?: readonly string[] | undefined },
): Promise<ServiceAccountView> {
  await changeAuthState(ctx, async (trx, invalidate) => {
    if (!(await lockServiceAccount(trx, id))) throw new NotFoundError('service account');
    const before = (await findServiceAccount(trx, id)) as ServiceAccountRow;
    const now = ctx.clock.now();
    const details: Record<string, unknown> = {};
    if (changes.name !== undefined && changes.name !== before.name) {
      await renameServiceAccount(trx, id, changes.name);
      details['name'] = { from: before.name, to: changes.name };
    }
    if (changes.teamIds !== undefined) {
      await checkTeamsExist(trx, changes.teamIds);
      const current = new Set(await teamIdsOfServiceAccount(trx, id));
      const wanted = new Set(changes.teamIds);
      const added = [...wanted].filter((teamId) => !current.has(teamId));
      const removed = [...current].filter((teamId) => !wanted.has(teamId));
      await deleteServiceAccountTeams(trx, id, removed);
      await insertServiceAccountTeams(trx, id, added, now);
      if (added.length > 0) details['teams_added'] = added;
      if (removed.length > 0) details['teams_removed'] = removed;
    }
    if (Object.keys(details).length === 0) return;
    invalidate({ scope: 'service_account', id });
    await recordAudit(trx, actor, now, 'service_account.updated', { type: 'service_account', id }, details);
  });
  return getServiceAccount(ctx, id);
}
