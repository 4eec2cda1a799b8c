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
}

const MEMBER_COUNT = '(SELECT count(*)::int FROM team_members m WHERE m.team_id = teams.id) AS member_count';

export async function findTeamById(db: Queryable, id: string): Promise<TeamRow | null> {
  const row = (await db('teams').select('teams.*', db.raw(MEMBER_COUNT)).where({ id }).first()) as TeamRow | undefined;
  return row ?? null;
}

export async function findTeamByName(db: Queryable, name: string): Promise<TeamRow | null> {
  const row = (await db('teams').select('teams.*', db.raw(MEMBER_COUNT)).whereRaw('lower(name) = lower(?)', [name]).first()) as
    TeamRow | undefined;
  return row ?? null;
}

export async function listTeams(db: Queryable, page: PageRequest): Promise<TeamRow[]> {
  const query = db('teams')
    .select('teams.*', db.raw(MEMBER_COUNT))
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(page.pageSize + 1);
  if (page.after) query.whereRaw('(created_at, id) > (?::timestamptz, ?::uuid)', keyPair(page.after));
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
