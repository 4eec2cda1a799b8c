// SQL for users and their team memberships.
import type { Queryable } from '../db/connection';
import { keyPair, type PageRequest } from '../pagination';
import type { TeamMembership } from '../auth/principal';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  teams: TeamMembership[];
}

const TEAMS_OF_USER = `COALESCE((SELECT json_agg(json_build_object('id', tm.id, 'name', tm.name, 'role', tm.role) ORDER BY tm.name)
  FROM team_members m JOIN teams tm ON tm.id = m.team_id WHERE m.user_id = users.id), '[]'::json) AS teams`;

export async function findUserById(db: Queryable, id: string): Promise<UserRow | null> {
  const row = (await db('users').select('users.*', db.raw(TEAMS_OF_USER)).where({ id }).first()) as UserRow | undefined;
  return row ?? null;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const row = (await db('users').select('users.*', db.raw(TEAMS_OF_USER)).whereRaw('lower(email) = lower(?)', [email]).first()) as
    UserRow | undefined;
  return row ?? null;
}

export async function listUsers(db: Queryable, page: PageRequest, filter: { email?: string | undefined } = {}): Promise<UserRow[]> {
  const query = db('users')
    .select('users.*', db.raw(TEAMS_OF_USER))
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(page.pageSize + 1);
  if (page.after) query.whereRaw('(created_at, id) > (?::timestamptz, ?::uuid)', keyPair(page.after));
  if (filter.email !== undefined) query.whereRaw('lower(email) = lower(?)', [filter.email]);
  return (await query) as UserRow[];
}

/** Inserts a user; returns null when the email is taken (case-insensitively). */
export async function insertUser(db: Queryable, user: { email: string; name: string; active: boolean; now: Date }): Promise<string | null> {
  const rows = (await db('users')
    .insert({ email: user.email, name: user.name, active: user.active, created_at: user.now, updated_at: user.now })
    .onConflict(db.raw('(lower(email))'))
    .ignore()
    .returning(['id'])) as Array<{ id: string }>;
  return rows[0]?.id ?? null;
}

export async function updateUser(
  db: Queryable,
  id: string,
  changes: { name?: string; email?: string; active?: boolean; now: Date },
): Promise<void> {
  const patch: Record<string, unknown> = { updated_at: changes.now };
  if (changes.name !== undefined) patch['name'] = changes.name;
  if (changes.email !== undefined) patch['email'] = changes.email;
  if (changes.active !== undefined) patch['active'] = changes.active;
  await db('users').where({ id }).update(patch);
}

export async function countUsers(db: Queryable): Promise<number> {
  const row = (await db('users').count<{ count: string }[]>({ count: '*' }).first()) as { count: string } | undefined;
  return Number(row?.count ?? 0);
}
