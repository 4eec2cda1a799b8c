// SQL for sessions and passwords. A session is looked up by the hash of its secret together with
// its user's status and teams in one round trip, on every request: sessions are for people at a
// browser, so there is no cache to invalidate, and sign-out, deactivation or a role change apply
// to the very next request on every API process.
import type { Queryable } from '../db/connection';
import type { TeamMembership } from '../auth/principal';

export interface SessionRecord {
  id: string;
  userId: string;
  email: string;
  name: string;
  userActive: boolean;
  teams: TeamMembership[];
  secretHash: Buffer;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

interface SessionRow {
  id: string;
  user_id: string;
  email: string;
  name: string;
  active: boolean;
  teams: TeamMembership[] | null;
  secret_hash: Buffer;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

const SESSION_BY_HASH = `
  SELECT s.id, s.user_id, u.email, u.name, u.active, s.secret_hash, s.csrf_token,
         s.created_at, s.last_seen_at, s.expires_at,
         (SELECT json_agg(json_build_object('id', tm.id, 'name', tm.name, 'role', tm.role) ORDER BY tm.name)
            FROM team_members m JOIN teams tm ON tm.id = m.team_id
           WHERE m.user_id = s.user_id) AS teams
    FROM sessions s
    JOIN users u ON u.id = s.user_id
   WHERE s.secret_hash = ?`;

export async function findSessionByHash(db: Queryable, secretHash: Buffer): Promise<SessionRecord | null> {
  const result = (await db.raw(SESSION_BY_HASH, [secretHash])) as { rows: SessionRow[] };
  const row = result.rows[0];
  if (!row) return null;
  return {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    userActive: row.active,
    teams: row.teams ?? [],
    secretHash: row.secret_hash,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export interface NewSession {
  userId: string;
  secretHash: Buffer;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertSession(db: Queryable, session: NewSession): Promise<string> {
  const [row] = (await db('sessions')
    .insert({
      user_id: session.userId,
      secret_hash: session.secretHash,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      last_seen_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .returning(['id'])) as Array<{ id: string }>;
  return (row as { id: string }).id;
}

/** Moves the idle deadline; only ever forwards, so two racing requests cannot move it back. */
export async function touchSession(db: Queryable, id: string, seenAt: Date): Promise<void> {
  await db('sessions').where({ id }).where('last_seen_at', '<', seenAt).update({ last_seen_at: seenAt });
}

export async function deleteSession(db: Queryable, id: string): Promise<boolean> {
  return (await db('sessions').where({ id }).delete()) > 0;
}

export async function deleteUserSessions(db: Queryable, userId: string): Promise<number> {
  return db('sessions').where({ user_id: userId }).delete();
}

/** Drops sessions past either limit; called on sign-in, so the table stays the size of its live rows. */
export async function deleteEndedSessions(db: Queryable, now: Date, idleTimeoutMs: number): Promise<number> {
  return db('sessions')
    .where('expires_at', '<=', now)
    .orWhere('last_seen_at', '<=', new Date(now.getTime() - idleTimeoutMs))
    .delete();
}

export interface PasswordAccount {
  userId: string;
  email: string;
  name: string;
  active: boolean;
  passwordHash: string | null;
}

export async function findAccountByEmail(db: Queryable, email: string): Promise<PasswordAccount | null> {
  const row = (await db('users as u')
    .leftJoin('user_passwords as p', 'p.user_id', 'u.id')
    .select('u.id', 'u.email', 'u.name', 'u.active', 'p.password_hash')
    .whereRaw('lower(u.email) = lower(?)', [email])
    .first()) as { id: string; email: string; name: string; active: boolean; password_hash: string | null } | undefined;
  if (!row) return null;
  return { userId: row.id, email: row.email, name: row.name, active: row.active, passwordHash: row.password_hash };
}

export async function upsertPasswordHash(db: Queryable, userId: string, passwordHash: string, at: Date): Promise<void> {
  await db('user_passwords')
    .insert({ user_id: userId, password_hash: passwordHash, updated_at: at })
    .onConflict('user_id')
    .merge(['password_hash', 'updated_at']);
}

export async function hasPassword(db: Queryable, userId: string): Promise<boolean> {
  return (await db('user_passwords').where({ user_id: userId }).first('user_id')) !== undefined;
}
