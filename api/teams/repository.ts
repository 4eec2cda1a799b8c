// SQL for teams and memberships.
import type { Queryable } from '../db/connection';
import { keyPair, type PageRequest } from '../pagination';
import type { Role } from '../contract/primitives';

export interface TeamRow {
  id: string;
  name: string;
  role: Role;
  created_at: Date;
  updated_at: Date;
  member_count: number;
  service_account_count: number;
}

const MEMBER_COUNT = '(SELECT count(*)::int FROM team_members m WHERE m.team_id = teams.id) AS member_count';
const SERVICE_ACCOUNT_COUNT = `(SELECT count(*)::int FROM service_account_team_members m JOIN service_accounts sa ON sa.id = m.service_account_id
  WHERE m.team_id = teams.id AND sa.deleted_at IS NULL) AS service_account_count`;

function selectTeams(db: Queryable) {
  return db('teams').select('teams.*', db.raw(MEMBER_COUNT), db.raw(SERVICE_ACCOUNT_COUNT));
}

export async function findTeamById(db: Queryable, id: string): Promise<TeamRow | null> {
  const row = (await selectTeams(db).where({ id }).first()) as TeamRow | undefined;
  return row ?? null;
}

/**
 * Locks the team's row until the transaction ends: memberships being written elsewhere (which
 * key-share-lock it) commit first, so a role change or deletion sees, and invalidates, every member.
 */
export async function lockTeam(db: Queryable, id: string): Promise<void> {
  await db('teams').select('id').where({ id }).forUpdate();
}

export async function findTeamByName(db: Queryable, name: string): Promise<TeamRow | null> {
  const row = (await selectTeams(db).whereRaw('lower(name) = lower(?)', [name]).first()) as TeamRow | undefined;
  return row ?? null;
}

export async function listTeams(db: Queryable, page: PageRequest, filter: { name?: string | undefined } = {}): Promise<TeamRow[]> {
  const query = selectTeams(db)
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(page.pageSize + 1);
  if (page.after) query.whereRaw('(created_at, id) > (?::timestamptz, ?::uuid)', keyPair(page.after));
  if (filter.name !== undefined) query.whereRaw('lower(name) = lower(?)', [filter.name]);
  return (await query) as TeamRow[];
}

export async function insertTeam(db: Queryable, team: { name: string; role: Role; now: Date }): Promise<string | null> {
  const rows = (await db('teams')
    .insert({ name: team.name, role: team.role, created_at: team.now, updated_at: team.now })
    .onConflict(db.raw('(lower(name))'))
    .ignore()
    .returning(['id'])) as Array<{ id: string }>;
  return rows[0]?.id ?? null;
}

export async function updateTeam(db: Queryable, id: string, changes: { name?: string; role?: Role; now: Date }): Promise<void> {
  const patch: Record<string, unknown> = { updated_at: changes.now };
  if (changes.name !== undefined) patch['name'] = changes.name;
  if (changes.role !== undefined) patch['role'] = changes.role;
  await db('teams').where({ id }).update(patch);
}

export async function deleteTeam(db: Queryable, id: string): Promise<void> {
  await db('teams').where({ id }).delete();
}

export interface MemberRow {
  id: string;
  email: string;
  name: string;
  active: boolean;
}

export async function listMembers(db: Queryable, teamId: string): Promise<MemberRow[]> {
  return (await db('team_members as m')
    .join('users as u', 'u.id', 'm.user_id')
    .select('u.id', 'u.email', 'u.name', 'u.active')
    .where('m.team_id', teamId)
    .orderBy('u.email')) as MemberRow[];
}

export async function memberIds(db: Queryable, teamId: string): Promise<string[]> {
  const rows = (await db('team_members').select('user_id').where({ team_id: teamId })) as Array<{ user_id: string }>;
  return rows.map((r) => r.user_id);
}

/** Returns true when the membership was new. */
export async function addMember(db: Queryable, teamId: string, userId: string, now: Date): Promise<boolean> {
  const rows = (await db('team_members')
    .insert({ team_id: teamId, user_id: userId, created_at: now })
    .onConflict(['team_id', 'user_id'])
    .ignore()
    .returning(['user_id'])) as unknown[];
  return rows.length > 0;
}

export async function removeMember(db: Queryable, teamId: string, userId: string): Promise<boolean> {
  return (await db('team_members').where({ team_id: teamId, user_id: userId }).delete()) > 0;
}

export interface ServiceAccountMemberRow {
  id: string;
  name: string;
}

export async function listServiceAccountMembers(db: Queryable, teamId: string): Promise<ServiceAccountMemberRow[]> {
  return (await db('service_account_team_members as m')
    .join('service_accounts as sa', 'sa.id', 'm.service_account_id')
    .select('sa.id', 'sa.name')
    .where('m.team_id', teamId)
    .whereNull('sa.deleted_at')
    .orderBy([{ column: 'sa.name' }, { column: 'sa.id' }])) as ServiceAccountMemberRow[];
}

export async function serviceAccountMemberIds(db: Queryable, teamId: string): Promise<string[]> {
  const rows = (await db('service_account_team_members').select('service_account_id').where({ team_id: teamId })) as Array<{
    service_account_id: string;
  }>;
  return rows.map((r) => r.service_account_id);
}

/** Returns true when the membership was new. */
export async function addServiceAccountMember(db: Queryable, teamId: string, serviceAccountId: string, now: Date): Promise<boolean> {
  const rows = (await db('service_account_team_members')
    .insert({ team_id: teamId, service_account_id: serviceAccountId, created_at: now })
    .onConflict(['team_id', 'service_account_id'])
    .ignore()
    .returning(['service_account_id'])) as unknown[];
  return rows.length > 0;
}

export async function removeServiceAccountMember(db: Queryable, teamId: string, serviceAccountId: string): Promise<boolean> {
  return (await db('service_account_team_members').where({ team_id: teamId, service_account_id: serviceAccountId }).delete()) > 0;
}
