// Users for tests, made straight in the database through the admin operations (api/bootstrap.ts,
// the code behind `npm run admin`): the same services, rules and audit events as the HTTP API, but
// needing no token and no running instance. Offered by the fixture as api.createUser(...) and
// api.createUserWithToken(...).
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createPersonalTokenForEmail, createUserAccount, type AdminDatabaseOptions } from '../../api/bootstrap';
import { systemClock } from '../../api/clock';
import { hashPassword } from '../../api/sessions/password-hash';
import { upsertPasswordHash } from '../../api/sessions/session-repository';

export type Role = 'SysAdmin' | 'Member' | 'ReadOnly';

export interface TestUserInput {
  /** Default: a unique user-…@example.test address. */
  email?: string;
  /** Default: "Test user N". */
  name?: string;
  /** Team to join by name; created with `role` when missing. */
  team?: string;
  /** Without `team`: the user gets a new team of their own with this role. Default: no team. */
  role?: Role;
}

export interface CreatedUser {
  id: string;
  email: string;
  name: string;
  /** The team the user joined, or null. */
  teamId: string | null;
}

export interface TestUser extends CreatedUser {
  /** A personal access token secret of that user. */
  token: string;
  tokenId: string;
}

export interface PasswordUser extends CreatedUser {
  /** The web page sign-in password; '' when created with `password: null`. */
  password: string;
}

/** The admin operations' options, on an open knex the fixture keeps for its lifetime. */
export type AdminDatabase = AdminDatabaseOptions & { database: Knex };

let counter = 0;

export async function createUser(admin: AdminDatabase, input: TestUserInput = {}): Promise<CreatedUser> {
  counter += 1;
  const suffix = `${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
  const email = input.email ?? `user-${suffix}@example.test`;
  const name = input.name ?? `Test user ${counter}`;
  const team = input.team ?? (input.role === undefined ? undefined : `team-${suffix}`);
  const user = await createUserAccount(admin, { email, name, team, role: input.role });
  return { id: user.id, email: user.email, name, teamId: user.teams[0]?.id ?? null };
}

export async function createUserWithToken(admin: AdminDatabase, input: TestUserInput & { days?: number } = {}): Promise<TestUser> {
  const user = await createUser(admin, input);
  const token = await createPersonalTokenForEmail(admin, { email: user.email, days: input.days ?? 30, name: 'test token' });
  return { ...user, token: token.token, tokenId: token.id };
}

export async function createPasswordUser(
  admin: AdminDatabase,
  input: TestUserInput & { password?: string | null } = {},
): Promise<PasswordUser> {
  const user = await createUser(admin, input);
  const password = input.password === undefined ? `pw-${randomBytes(12).toString('base64url')}` : input.password;
  if (password !== null)
    await upsertPasswordHash(admin.database, user.id, await hashPassword(password), (admin.clock ?? systemClock).now());
  return { ...user, password: password ?? '' };
}
