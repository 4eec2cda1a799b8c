// SQL for service accounts; their token lives in the tokens table.
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
}

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
    )
    .whereNull('sa.deleted_at');
}

export async function findServiceAccount(db: Queryable, id: string): Promise<ServiceAccountRow | null> {
  const row = (await selectAccounts(db).where('sa.id', id).first()) as ServiceAccountRow | undefined;
  return row ?? null;
}

export async function listServiceAccounts(db: Queryable, page: PageRequest): Promise<ServiceAccountRow[]> {
  const query = selectAccounts(db)
    .orderBy([{ column: 'sa.created_at' }, { column: 'sa.id' }])
    .limit(page.pageSize + 1);
  if (page.after) query.whereRaw('(sa.created_at, sa.id) > (?::timestamptz, ?::uuid)', keyPair(page.after));
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
