// SQL for service accounts; their token lives in the tokens table.
import type { TeamMembership } from '../auth/principal';
import type { Queryable } from '../db/connection';
import { keyPair, type PageRequest } from '../pagination';

export interface ServiceAccountRow {
  id: string;
  name: string;
  created_by_user_id: string | null;
  created_at: Date;
  token_id: string | null;
  token_hint: string | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  teams: TeamMembership[];
}

const TEAMS_OF_ACCOUNT = `COALESCE((SELECT json_agg(json_build_object('id', tm.id, 'name', tm.name, 'role', tm.role) ORDER BY tm.name, tm.id)
  FROM service_account_team_members m JOIN teams tm ON tm.id = m.team_id WHERE m.service_account_id = sa.id), '[]'::json) AS teams`;

function selectAccounts(db: Queryable) {
  return db('service_accounts as sa')
    .leftJoin('tokens as t', function joinLiveToken() {
      this.on('t.service_account_id', '=', 'sa.id');
    })
    .select(
      'sa.id',
      'sa.name',
      'sa.created_by_user_id',
      'sa.created_at',
      't.id as token_id',
      't.token_hint',
      't.expires_at',
      't.last_used_at',
      db.raw(TEAMS_OF_ACCOUNT),
    )
    .whereNull('sa.deleted_at');
}

export async function findServiceAccount(db: Queryable, id: string): Promise<ServiceAccountRow | null> {
  const row = (await selectAccounts(db).where('sa.id', id).first()) as ServiceAccountRow | undefined;
  return row ?? null;
}

export async function listServiceAccounts(
  db: Queryable,
  page: PageRequest,
  filter: { name?: string | undefined } = {},
): Promise<ServiceAccountRow[]> {
  const query = selectAccounts(db)
    .orderBy([{ column: 'sa.created_at' }, { column: 'sa.id' }])
    .limit(page.pageSize + 1);
  if (page.after) query.whereRaw('(sa.created_at, sa.id) > (?::timestamptz, ?::uuid)', keyPair(page.after));
  if (filter.name !== undefined) query.whereRaw('lower(sa.name) = lower(?)', [filter.name]);
  return (await query) as ServiceAccountRow[];
}

export async function insertServiceAccount(
  db: Queryable,
  account: { name: string; createdByUserId: string | null; now: Date },
): Promise<string> {
  const [row] = (await db('service_accounts')
    .insert({ name: account.name, created_by_user_id: account.createdByUserId, created_at: account.now })
    .returning(['id'])) as Array<{ id: string }>;
  return (row as { id: string }).id;
}

/** Soft delete, so the audit trail's ids still mean something; returns whether it existed. */
export async function markServiceAccountDeleted(db: Queryable, id: string, now: Date): Promise<boolean> {
  return (await db('service_accounts').where({ id }).whereNull('deleted_at').update({ deleted_at: now })) > 0;
}

/** Renames a live account (and its token, which carries the same name). */
export async function renameServiceAccount(db: Queryable, id: string, name: string): Promise<void> {
  await db('service_accounts').where({ id }).whereNull('deleted_at').update({ name });
  await db('tokens').where({ service_account_id: id }).update({ name });
}

/** Locks the live account's row until the transaction ends, so concurrent team changes serialise. */
export async function lockServiceAccount(db: Queryable, id: string): Promise<boolean> {
  const row = (await db('service_accounts').select('id').where({ id }).whereNull('deleted_at').forUpdate().first()) as unknown;
  return row !== undefined;
}

export async function teamIdsOfServiceAccount(db: Queryable, id: string): Promise<string[]> {
  const rows = (await db('service_account_team_members').select('team_id').where({ service_account_id: id })) as Array<{ team_id: string }>;
  return rows.map((r) => r.team_id);
}

export async function insertServiceAccountTeams(db: Queryable, id: string, teamIds: readonly string[], now: Date): Promise<void> {
  if (teamIds.length === 0) return;
  await db('service_account_team_members')
    .insert(teamIds.map((teamId) => ({ team_id: teamId, service_account_id: id, created_at: now })))
    .onConflict(['team_id', 'service_account_id'])
    .ignore();
}

export async function deleteServiceAccountTeams(db: Queryable, id: string, teamIds?: readonly string[]): Promise<void> {
  const query = db('service_account_team_members').where({ service_account_id: id });
  if (teamIds !== undefined) {
    if (teamIds.length === 0) return;
    query.whereIn('team_id', teamIds);
  }
  await query.delete();
}

/**
 * Of `ids`, those that name no team. The teams found are share-locked until the transaction
 * ends, so none can be deleted before the memberships that name them are written.
 */
export async function missingTeamIds(db: Queryable, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = (await db('teams').select('id').whereIn('id', ids).forShare()) as Array<{ id: string }>;
  const found = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}
